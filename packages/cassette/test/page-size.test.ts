// Page size (docs/cassette.md "Page size"): a new ledger is created with 1 KiB pages, so a commit's WAL frames (one
// per page it dirtied) carry a step's few hundred bytes instead of 4 KiB pages of mostly unchanged rows; a ledger
// created earlier keeps its 4 KiB pages and works as before.
import { statSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { Cassette, SCHEMA_VERSION, parseVerifierKey, type ClaimedStep } from "../src/index.js";
import { chainSteps, fixture, fixtureLedger, openTemp, openTempWithPageSize, planInput, rawConnection } from "./helpers.js";

/** WAL bytes appended since the call (the WAL is checkpointed and truncated first). */
function walBytes(dbPath: string): () => number {
  const raw = rawConnection(dbPath);
  raw.pragma("wal_checkpoint(TRUNCATE)");
  const start = statSync(`${dbPath}-wal`).size;
  return () => statSync(`${dbPath}-wal`).size - start;
}

/** WAL bytes per step of `count` steps completed one per transaction, each with the next claim (completeAndClaimNext). */
function chainedBytesPerStep(cassette: Cassette, dbPath: string, count: number): number {
  cassette.postPlan(planInput("r", "q", chainSteps("step", count + 1)));
  let step: ClaimedStep | undefined = cassette.claimStep("r", "w", 60);
  const bytes = walBytes(dbPath);
  for (let i = 0; i < count; i++) {
    step = cassette.completeAndClaimNext({ runId: "r", stepId: step!.stepId, workerId: "w", fencingToken: step!.fencingToken, receipt: { i }, outcome: "SUCCESS" }, 60).next;
  }
  return bytes() / count;
}

function postBytesPerPost(cassette: Cassette, dbPath: string, count: number): number {
  for (let i = 0; i < 100; i++) cassette.postMessage({ runId: "r", source: "USER", payload: { intent: "warm", i } });
  const bytes = walBytes(dbPath);
  for (let i = 0; i < count; i++) cassette.postMessage({ runId: "r", source: "USER", payload: { intent: "post", i } });
  return bytes() / count;
}

describe("page size", () => {
  test("a new ledger file has 1 KiB pages and checkpoints every ~41 MB of WAL", () => {
    const { cassette, dbPath } = openTemp();
    const raw = rawConnection(dbPath);
    expect(raw.pragma("page_size", { simple: true })).toBe(1024);
    expect(cassette.pragmas()).toMatchObject({ pageSize: 1024, walAutocheckpoint: 40000 });
    expect(cassette.verify()).toMatchObject({ ok: true, issues: [] });
  });

  test.each(["ledger-v2.sql", "ledger-v3.sql", "ledger-v4.sql"])("a ledger created with 4 KiB pages (%s) keeps them, migrates, verifies and goes on", (name) => {
    const dbPath = fixtureLedger(name);
    const cassette = Cassette.open(dbPath);
    try {
      expect(cassette.pragmas()).toMatchObject({ pageSize: 4096, walAutocheckpoint: 10000 });
      expect(cassette.verify()).toMatchObject({ ok: true, issues: [] });
      const posted = cassette.postMessage({ runId: "run-new", source: "USER", payload: { op: "NOTE" } });
      const step = cassette.claimStep("run-new", "w", 60)!;
      expect(step.stepId).toBe(posted.stepId);
      cassette.completeStep({ runId: "run-new", stepId: step.stepId, workerId: "w", fencingToken: step.fencingToken, receipt: {}, outcome: "SUCCESS" });
      expect(cassette.verify()).toMatchObject({ ok: true, issues: [] });
      const raw = rawConnection(dbPath);
      expect(raw.pragma("page_size", { simple: true })).toBe(4096);
    } finally {
      cassette.close();
    }
  });

  test("a schema-4 ledger written by the code before (4 KiB pages): every row, hash and signed checkpoint kept; its chains go on", () => {
    const dbPath = fixtureLedger("ledger-v4.sql");
    const raw = rawConnection(dbPath);
    const tables = ["meta", "messages", "jobs", "job_budgets", "steps", "step_deps", "receipts", "step_transitions"];
    const dump = () => Object.fromEntries(tables.map((table) => [table, raw.prepare(`SELECT * FROM ${table}`).all().map((row) => JSON.stringify(row)).sort()]));
    const before = dump();
    expect(SCHEMA_VERSION).toBe(4);
    const cassette = Cassette.open(dbPath);
    try {
      expect(dump()).toEqual(before);
      expect(cassette.pragmas()).toMatchObject({ pageSize: 4096, walAutocheckpoint: 10000 });
      expect(cassette.verify()).toMatchObject({ ok: true, issues: [] });
      const verifier = parseVerifierKey(fixture("ledger-v4.vkey"));
      const checkpoint = fixture("ledger-v4.checkpoint");
      expect(cassette.checkCheckpoint(checkpoint, verifier)).toMatchObject({ ok: true, checkpoint: { tree_size: 6 }, ledger: { tree_size: 6 } });
      // Plan A's next step (3) depends on step 2, committed with SUCCESS; its receipt links to step 2's.
      const planJob = cassette.findJobByRequest("run-a", "req-1")!;
      const lastBefore = cassette.listReceipts(planJob.jobId).at(-1)!;
      const next = cassette.claimNextStep("run-a", planJob.jobId, "w9", 60)!;
      expect(next.stepId).toBe("step_a400000000000003");
      const committed = cassette.completeAndClaimNext({ runId: "run-a", stepId: next.stepId, workerId: "w9", fencingToken: next.fencingToken, receipt: { n: 3 }, outcome: "SUCCESS" }, 60, planJob.jobId);
      expect(cassette.getReceipt(committed.receiptId)).toMatchObject({ prevReceiptHash: lastBefore.receiptHash, jobSeq: lastBefore.jobSeq + 1 });
      expect(committed.next?.stepId).toBe("step_a400000000000004");
      expect(cassette.jobStatus(cassette.findJobByRequest("run-b", "req-2")!.jobId)).toMatchObject({ committed: 2, pending: 1, blocked: false });
      expect(cassette.verify()).toMatchObject({ ok: true, issues: [] });
      expect(cassette.checkCheckpoint(checkpoint, verifier)).toMatchObject({ ok: true, checkpoint: { tree_size: 6 }, ledger: { tree_size: 7 } });
      expect(raw.pragma("page_size", { simple: true })).toBe(4096);
    } finally {
      cassette.close();
    }
  });

  test("a chained step and a post write less than half the WAL bytes of a 4 KiB-page ledger", () => {
    // Same rows, same B-trees: with 1 KiB pages each dirtied page is a quarter of the bytes, and more pages split.
    // Measured: ~7.6 KB against ~23.5 KB per chained step, ~18 KB against ~52 KB per post.
    const small = openTemp();
    const large = openTempWithPageSize(4096);
    const chained = chainedBytesPerStep(small.cassette, small.dbPath, 300) / chainedBytesPerStep(large.cassette, large.dbPath, 300);
    expect(chained).toBeLessThan(0.5);
    const posts = postBytesPerPost(small.cassette, small.dbPath, 300) / postBytesPerPost(large.cassette, large.dbPath, 300);
    expect(posts).toBeLessThan(0.5);
  });
});
