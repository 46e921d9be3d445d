// Migration 3 (claim order) on a ledger written by the code before it: every row, id, hash and signed checkpoint is
// kept, verify passes, the chains go on; and the layout it exists for: a batch's steps and receipts share pages.
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { describe, expect, test } from "vitest";
import { Cassette, SCHEMA_VERSION, parseVerifierKey } from "../src/index.js";
import { chainSteps, openTemp, planInput, rawConnection, tempDir } from "./helpers.js";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), "utf8");

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

function schemaTwoLedger(): string {
  const dbPath = path.join(tempDir(), "cassette.db");
  const db = new Database(dbPath);
  db.exec(fixture("ledger-v2.sql"));
  db.close();
  return dbPath;
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
    const { cassette, dbPath } = openTemp();
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
