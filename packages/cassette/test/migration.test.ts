// Migrations 3 (claim order) and 4 (post order) on ledgers written by the code before each: every row, id, hash and
// signed checkpoint is kept, verify passes, the chains go on; and the layouts they exist for: a batch's steps and
// receipts share pages (3), a post writes fewer B-trees (4).
import { statSync } from "node:fs";
import Database from "better-sqlite3";
import { describe, expect, test } from "vitest";
import { Cassette, SCHEMA_VERSION, parseVerifierKey } from "../src/index.js";
import { chainSteps, fixture, fixtureLedger, openTemp, openTempWithPageSize, planInput, rawConnection } from "./helpers.js";

/** Every row of the tables migration 3 rebuilds or depends on, without the new step_seq column. */
function rows(db: Database.Database): Record<string, unknown[]> {
  const steps = "step_id, run_id, message_seq, job_ordinal, ordinal, job_id, op, payload_json, status, lease_owner, lease_expires_at, fencing_token, created_at";
  const receipts = "step_id, receipt_id, job_id, run_id, worker_id, fencing_token, outcome, receipt_json, job_seq, prev_receipt_hash, receipt_hash, created_at";
  return {
    messages: db.prepare("SELECT * FROM messages ORDER BY message_id").all(),
    jobs: db.prepare("SELECT * FROM jobs ORDER BY job_id").all(),
    job_budgets: db.prepare("SELECT * FROM job_budgets ORDER BY job_id").all(),
    steps: db.prepare(`SELECT ${steps} FROM steps ORDER BY step_id`).all(),
    step_deps: db.prepare("SELECT * FROM step_deps ORDER BY step_id, depends_on_step_id").all(),
    receipts: db.prepare(`SELECT ${receipts} FROM receipts ORDER BY step_id`).all(),
    step_transitions: db.prepare("SELECT * FROM step_transitions ORDER BY transition_id").all(),
  };
}

const schemaTwoLedger = () => fixtureLedger("ledger-v2.sql");

/** WAL frames appended since the last call's baseline: one per page a commit dirtied. */
function walFrames(dbPath: string): () => number {
  const raw = rawConnection(dbPath);
  raw.pragma("wal_checkpoint(TRUNCATE)");
  const pageSize = raw.pragma("page_size", { simple: true }) as number;
  raw.close();
  return () => (statSync(`${dbPath}-wal`).size - 32) / (pageSize + 24);
}

describe("migration 3: steps and receipts in claim order", () => {
  test("a schema-2 ledger keeps every row, receipt hash and signed checkpoint, and its chains go on", () => {
    const dbPath = schemaTwoLedger();
    const raw = rawConnection(dbPath);
    expect(raw.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()).toEqual({ value: "2" });
    const before = rows(raw);
    expect(before.receipts).toHaveLength(5);

    const cassette = Cassette.open(dbPath);
    try {
      expect(raw.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()).toEqual({ value: String(SCHEMA_VERSION) });
      expect(rows(raw)).toEqual(before);
      // step_seq follows the claim order; each receipt carries its step's step_seq.
      const order = raw.prepare("SELECT step_id FROM steps ORDER BY step_seq").all();
      expect(order).toEqual(raw.prepare("SELECT step_id FROM steps ORDER BY run_id, message_seq, job_ordinal, ordinal").all());
      expect(raw.prepare("SELECT COUNT(*) AS n FROM receipts r JOIN steps s ON s.step_seq = r.step_seq AND s.step_id = r.step_id").get()).toEqual({ n: 5 });
      expect(cassette.verify()).toMatchObject({ ok: true, issues: [] });

      const verifier = parseVerifierKey(fixture("ledger-v2.vkey"));
      const checkpoint = fixture("ledger-v2.checkpoint");
      expect(cassette.checkCheckpoint(checkpoint, verifier)).toMatchObject({ ok: true, checkpoint: { tree_size: 5 }, ledger: { tree_size: 5 } });

      // The remaining work claims and commits as before: the new receipts link to the migrated ones.
      const [planJob] = cassette.listJobs("run-a").filter((job) => job.planHash !== null);
      const lastBefore = cassette.listReceipts(planJob!.jobId).at(-1)!;
      const next = cassette.claimStep("run-a", "w9", 60)!;
      expect(next.stepId).toBe("step_5c4b3a2f1e0d9c8b");
      const committed = cassette.completeStep({ runId: "run-a", stepId: next.stepId, workerId: "w9", fencingToken: next.fencingToken, receipt: { n: 1 }, outcome: "SUCCESS" });
      expect(cassette.getReceipt(committed.receiptId)).toMatchObject({ prevReceiptHash: lastBefore.receiptHash, jobSeq: lastBefore.jobSeq + 1 });
      expect(cassette.getReceiptForStep("step_3f2a9c0d1e4b5a67")).toMatchObject({ receiptId: "rcpt_step_3f2a9c0d1e4b5a67_1", outcome: "SUCCESS" });
      expect(cassette.claimStep("run-a", "w9", 60)).toBeUndefined(); // step 4 waits on the FAILED step 3
      expect(cassette.jobStatus(planJob!.jobId)).toMatchObject({ committed: 4, pending: 1, blocked: true });
      expect(cassette.verify()).toMatchObject({ ok: true, issues: [] });
      expect(cassette.checkCheckpoint(checkpoint, verifier)).toMatchObject({ ok: true, checkpoint: { tree_size: 5 }, ledger: { tree_size: 6 } });
      expect(cassette.changesSince(0).receipts.map((receipt) => receipt.receiptId)).toHaveLength(6);
    } finally {
      cassette.close();
    }
  });

  test("a receipt whose step is missing stops the migration: nothing is dropped, the file stays at schema 2", () => {
    const dbPath = schemaTwoLedger();
    const db = new Database(dbPath);
    db.pragma("foreign_keys = OFF");
    db.exec("DROP TRIGGER tr_steps_immutable_delete");
    db.prepare("DELETE FROM steps WHERE step_id = 'step_0b1c2d3e4f5a6b7c'").run();
    db.close();
    expect(() => Cassette.open(dbPath)).toThrow(expect.objectContaining({ code: expect.stringMatching(/^CAT_/) }));
    const raw = rawConnection(dbPath);
    expect(raw.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()).toEqual({ value: "2" });
    expect(raw.prepare("SELECT COUNT(*) AS n FROM receipts").get()).toEqual({ n: 5 });
  });

  test("a batch of claims and completions writes about one page per step, not one per table per step", () => {
    // Frames a commit appends to the WAL: one per page it dirtied. With steps and receipts keyed by hashed step ids
    // (schema 2) each step of a batch touched its own steps page and receipts page: ~4.7 frames per step here.
    // Measured in 4 KiB pages, the size ledgers had then (a new ledger has 1 KiB pages: page-size.test.ts).
    const { cassette, dbPath } = openTempWithPageSize(4096);
    const steps = chainSteps("step", 512).map((step, i) => ({ ...step, stepId: `step_${((i * 2654435761) % 4294967296).toString(16).padStart(16, "0")}` }));
    cassette.postPlan(planInput("r", "q", steps));
    const raw = rawConnection(dbPath);
    raw.pragma("wal_checkpoint(TRUNCATE)");
    const pageSize = raw.pragma("page_size", { simple: true }) as number;
    const frames = () => (statSync(`${dbPath}-wal`).size - 32) / (pageSize + 24);
    const start = frames();
    for (;;) {
      const claimed = cassette.claimSteps("r", "w", 60, 32);
      if (claimed.length === 0) break;
      cassette.completeSteps(claimed.map((step) => ({ runId: "r", stepId: step.stepId, workerId: "w", fencingToken: step.fencingToken, receipt: { i: step.ordinal }, outcome: "SUCCESS" })));
    }
    expect(cassette.jobStatus(cassette.listJobs("r")[0]!.jobId)).toMatchObject({ done: true });
    expect((frames() - start) / steps.length).toBeLessThan(1.5);
  });
});

describe("migration 4: messages and jobs in post order, fewer B-trees per post", () => {
  test("a schema-3 ledger keeps every row, receipt hash and signed checkpoint; idempotent repeats and new posts go on", () => {
    const dbPath = fixtureLedger("ledger-v3.sql");
    const raw = rawConnection(dbPath);
    expect(raw.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()).toEqual({ value: "3" });
    const before = rows(raw);
    const stepSeqs = raw.prepare("SELECT step_seq, step_id FROM steps ORDER BY step_seq").all();
    expect(before.receipts).toHaveLength(4);
    expect(before.messages).toHaveLength(5);

    const cassette = Cassette.open(dbPath);
    try {
      expect(raw.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()).toEqual({ value: String(SCHEMA_VERSION) });
      expect(rows(raw)).toEqual(before);
      expect(raw.prepare("SELECT step_seq, step_id FROM steps ORDER BY step_seq").all()).toEqual(stepSeqs);
      expect(cassette.verify()).toMatchObject({ ok: true, issues: [] });
      const verifier = parseVerifierKey(fixture("ledger-v3.vkey"));
      const checkpoint = fixture("ledger-v3.checkpoint");
      expect(cassette.checkCheckpoint(checkpoint, verifier)).toMatchObject({ ok: true, checkpoint: { tree_size: 4 }, ledger: { tree_size: 4 } });

      // Repeats find the migrated rows: a keyed message, a plan, and the job of a request.
      const ping = before.messages.find((row) => (row as { idempotency_key: string | null }).idempotency_key === "ping-1") as { message_id: string };
      const repeat = cassette.postMessage({ runId: "run-a", source: "SYSTEM", payload: { op: "PING" }, idempotencyKey: "ping-1" });
      expect(repeat).toMatchObject({ messageId: ping.message_id, created: false });
      expect(() => cassette.postMessage({ runId: "run-a", source: "SYSTEM", payload: { op: "PONG" }, idempotencyKey: "ping-1" })).toThrow(
        expect.objectContaining({ code: "CAT_IDEMPOTENCY_CONFLICT" }),
      );
      const planJob = cassette.findJobByRequest("run-a", "req-1")!;
      expect(planJob.planHash).not.toBeNull();
      // A new keyless post takes the run's next seq; a keyed one its key.
      expect(cassette.getMessage(cassette.postMessage({ runId: "run-a", source: "USER", payload: { again: true } }).messageId)).toMatchObject({ seq: 4 });
      expect(cassette.postMessage({ runId: "run-a", source: "USER", payload: { keyed: true }, idempotencyKey: "k-5" })).toMatchObject({ created: true });
      expect(cassette.listJobs("run-a").map((job) => job.messageSeq)).toEqual([1, 2, 3, 4, 5]);

      // The chains go on from the migrated receipts.
      const lastBefore = cassette.listReceipts(planJob.jobId).at(-1)!;
      const next = cassette.claimStep("run-a", "w9", 60)!;
      expect(next.stepId).toBe("step_a100000000000002");
      const committed = cassette.completeStep({ runId: "run-a", stepId: next.stepId, workerId: "w9", fencingToken: next.fencingToken, receipt: { n: 1 }, outcome: "SUCCESS" });
      expect(cassette.getReceipt(committed.receiptId)).toMatchObject({ prevReceiptHash: lastBefore.receiptHash, jobSeq: lastBefore.jobSeq + 1 });
      expect(cassette.verify()).toMatchObject({ ok: true, issues: [] });
      expect(cassette.checkCheckpoint(checkpoint, verifier)).toMatchObject({ ok: true, checkpoint: { tree_size: 4 }, ledger: { tree_size: 5 } });
    } finally {
      cassette.close();
      raw.close();
    }
  });

  test("a job whose message was deleted before the migration is copied as it was, and verify still reports it", () => {
    // The migration copies rows, it never repairs or drops them: the damage stays visible to verify.
    const dbPath = fixtureLedger("ledger-v3.sql");
    const db = new Database(dbPath);
    db.pragma("foreign_keys = OFF");
    db.exec("DROP TRIGGER tr_messages_append_only_delete");
    db.prepare("DELETE FROM messages WHERE idempotency_key = 'ping-1'").run();
    db.close();
    const cassette = Cassette.open(dbPath);
    try {
      const raw = rawConnection(dbPath);
      expect(raw.prepare("SELECT COUNT(*) AS n FROM jobs").get()).toEqual({ n: 5 });
      raw.close();
      const issues = cassette.verify().issues;
      expect(issues).toContainEqual({ check: "foreign_keys", message: "a jobs row points at a missing messages row" });
      expect(issues).toContainEqual({ check: "jobs", message: expect.stringMatching(/its message msg_\w+ does not exist/) });
    } finally {
      cassette.close();
    }
  });

  test("a post without an idempotency key writes 10 B-trees: about 12 WAL frames, not 15", () => {
    // Schema 3: messages (table, (run_id, seq), (run_id, idempotency_key)) and jobs (table, (message_id, ordinal),
    // ix_jobs_run) were three B-trees each, keyed by hashed ids: 15.3 frames per post here (4 KiB pages, as then).
    const { cassette, dbPath } = openTempWithPageSize(4096);
    for (let i = 0; i < 200; i++) cassette.postMessage({ runId: "r", source: "USER", payload: { intent: "warm", i } });
    const frames = walFrames(dbPath);
    const start = frames();
    const posts = 300;
    for (let i = 0; i < posts; i++) cassette.postMessage({ runId: "r", source: "USER", payload: { intent: "bench", i } });
    expect((frames() - start) / posts).toBeLessThan(13.5);
    cassette.close();
  });

  test("the lookups of posting and of the job queries use an index, never a scan of messages or jobs", () => {
    const { cassette, dbPath } = openTemp();
    cassette.close();
    const raw = rawConnection(dbPath);
    const plans = [
      "SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM messages WHERE run_id = 'r'",
      "SELECT * FROM messages WHERE run_id = 'r' AND idempotency_key = 'k'",
      "SELECT * FROM messages WHERE message_id = 'm'",
      "SELECT * FROM jobs WHERE run_id = 'r' AND message_seq = 1 ORDER BY ordinal",
      "SELECT * FROM jobs WHERE job_id = 'j'",
      "SELECT j.* FROM messages m JOIN jobs j ON j.run_id = m.run_id AND j.message_seq = m.seq WHERE m.run_id = 'r' AND m.idempotency_key = 'k' ORDER BY j.ordinal LIMIT 1",
      "SELECT * FROM jobs WHERE run_id = 'r' ORDER BY message_seq, ordinal",
      // tr_messages_no_replace, tr_jobs_no_replace, tr_jobs_insert_guard, tr_steps_insert_guard
      "SELECT 1 FROM messages x WHERE x.run_id = 'r' AND x.idempotency_key = 'k'",
      "SELECT 1 FROM jobs x WHERE x.run_id = 'r' AND x.message_seq = 1 AND x.ordinal = 1",
      "SELECT 1 FROM messages m WHERE m.message_id = 'm' AND m.run_id = 'r' AND m.seq = 1 AND m.idempotency_key IS NULL",
      "SELECT 1 FROM jobs j WHERE j.job_id = 'j' AND j.run_id = 'r' AND j.message_seq = 1 AND j.ordinal = 1",
    ].map((sql) => (raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((row) => row.detail).join(" | "));
    for (const plan of plans) {
      expect(plan).toMatch(/^SEARCH/);
      expect(plan).not.toMatch(/SCAN|TEMP B-TREE/);
    }
    raw.close();
  });
});
