import { describe, expect, test } from "vitest";
import { Cassette } from "../src/index.js";
import { chainSteps, openTemp, planInput, rawConnection } from "./helpers.js";

describe("change feed", () => {
  test("changesSince returns transitions and the receipts they committed, by cursor", () => {
    const { cassette } = openTemp();
    const posted = cassette.postPlan(planInput("r", "q", chainSteps("s", 2)));
    const start = cassette.changesSince(0);
    expect(start.transitions.map((t) => [t.stepId, t.from, t.to])).toEqual([
      ["s_00000", null, "PENDING"],
      ["s_00001", null, "PENDING"],
    ]);
    expect(start.receipts).toEqual([]);
    const step = cassette.claimStep("r", "w1", 60)!;
    const done = cassette.completeStep({ runId: "r", stepId: step.stepId, workerId: "w1", fencingToken: 1, receipt: { n: 1 }, outcome: "SUCCESS" });
    const next = cassette.changesSince(start.cursor);
    expect(next.transitions.map((t) => [t.stepId, t.from, t.to, t.workerId, t.jobId])).toEqual([
      ["s_00000", "PENDING", "LEASED", "w1", posted.jobId],
      ["s_00000", "LEASED", "COMMITTED", "w1", posted.jobId],
    ]);
    expect(next.receipts.map((r) => r.receiptId)).toEqual([done.receiptId]);
    expect(next.cursor).toBeGreaterThan(start.cursor);
    expect(cassette.changesSince(next.cursor)).toEqual({ cursor: next.cursor, receipts: [], transitions: [] });
    expect(() => cassette.changesSince(-1)).toThrow(expect.objectContaining({ code: "CAT_SCHEMA_INVALID" }));
  });

  test("raw SQL changes are in the feed too, and dataVersion moves when another connection commits", async () => {
    const { cassette, dbPath } = openTemp();
    cassette.postPlan(planInput("r", "q", chainSteps("s", 1)));
    const reader = Cassette.open(dbPath);
    const cursor = reader.changesSince(0).cursor;
    const version = reader.dataVersion();
    cassette.claimStep("r", "w1", 0.05);
    expect(reader.dataVersion()).not.toBe(version);
    await new Promise((resolve) => setTimeout(resolve, 100));
    rawConnection(dbPath)
      .prepare("UPDATE steps SET status = 'PENDING', lease_owner = NULL, lease_expires_at = NULL, fencing_token = fencing_token + 1")
      .run();
    const changes = reader.changesSince(cursor);
    expect(changes.transitions.map((t) => [t.from, t.to, t.workerId, t.fencingToken])).toEqual([
      ["PENDING", "LEASED", "w1", 1],
      ["LEASED", "PENDING", "w1", 2],
    ]);
    reader.close();
  });
});

describe("listings", () => {
  test("listRuns and listJobs summarise what was posted", () => {
    const { cassette } = openTemp();
    cassette.postPlan(planInput("b", "q", chainSteps("s", 2)));
    cassette.postMessage({ runId: "a", source: "USER", payload: 1 });
    const step = cassette.claimStep("b", "w", 60)!;
    cassette.completeStep({ runId: "b", stepId: step.stepId, workerId: "w", fencingToken: 1, receipt: 1, outcome: "SUCCESS" });
    expect(cassette.listRuns().map(({ firstMessageAt: _f, lastMessageAt: _l, ...rest }) => rest)).toEqual([
      { runId: "a", messages: 1, jobs: 1, steps: 1, pending: 1, leased: 0, committed: 0, receipts: 0 },
      { runId: "b", messages: 1, jobs: 1, steps: 2, pending: 1, leased: 0, committed: 1, receipts: 1 },
    ]);
    expect(cassette.listJobs().map((job) => job.runId)).toEqual(["a", "b"]);
    expect(cassette.listJobs("a")).toHaveLength(1);
    expect(cassette.listJobs("zzz")).toEqual([]);
    expect(cassette.getStep("nope")).toBeUndefined();
    expect(cassette.getJob("nope")).toBeUndefined();
    expect(() => cassette.jobStatus("nope")).toThrow(expect.objectContaining({ code: "CAT_JOB_NOT_FOUND" }));
  });

  test("jobFailuresSince counts FAILURE receipts after a chain position and returns the position reached", () => {
    const { cassette } = openTemp();
    const posted = cassette.postPlan(planInput("r", "q", chainSteps("s", 3)));
    expect(cassette.jobFailuresSince(posted.jobId)).toEqual({ failures: 0, lastSeq: 0 });
    const outcomes = ["SUCCESS", "FAILURE", "SUCCESS"] as const;
    for (const outcome of outcomes) {
      const step = cassette.claimStep("r", "w1", 60)!;
      cassette.completeStep({ runId: "r", stepId: step.stepId, workerId: "w1", fencingToken: step.fencingToken, receipt: { outcome }, outcome });
    }
    expect(cassette.jobFailuresSince(posted.jobId)).toEqual({ failures: 1, lastSeq: 3 });
    expect(cassette.jobFailuresSince(posted.jobId, 1)).toEqual({ failures: 1, lastSeq: 3 });
    expect(cassette.jobFailuresSince(posted.jobId, 2)).toEqual({ failures: 0, lastSeq: 3 });
    // Nothing new after the last position: the position stays.
    expect(cassette.jobFailuresSince(posted.jobId, 3)).toEqual({ failures: 0, lastSeq: 3 });
  });

  test("pragmas reports the connection settings every ledger connection runs with", () => {
    const { cassette } = openTemp();
    // A new ledger has 1 KiB pages; the checkpoint interval is ~41 MB of WAL in pages of that size.
    expect(cassette.pragmas()).toEqual({ journalMode: "wal", synchronous: 1, foreignKeys: 1, busyTimeout: 5000, walAutocheckpoint: 40000, pageSize: 1024 });
  });
});
