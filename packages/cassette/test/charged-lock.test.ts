// What ants use to stay off each other's write lock (docs/cassette.md "Charged batches"): a commit that does not
// wait, the plan-hash check done before claims in a read, the unclaimed count, reuse hashes, an idle checkpoint; and
// every claim's first check of a job, done without the write lock (docs/cassette.md "Job integrity").
// The other writer is a second real connection holding BEGIN IMMEDIATE.
import { describe, expect, test } from "vitest";
import { type ClaimedStep } from "../src/index.js";
import { chainSteps, openTemp, planInput, rawConnection } from "./helpers.js";

const completion = (step: ClaimedStep, receipt: unknown = { i: (step.payload as { i: number }).i }) => ({
  runId: "r",
  stepId: step.stepId,
  workerId: "w",
  fencingToken: step.fencingToken,
  receipt,
  outcome: "SUCCESS" as const,
});

describe("tryCommitChargedBatch", () => {
  test("while another connection holds the write lock it returns undefined at once and writes nothing; then commits and claims", () => {
    const { cassette, dbPath } = openTemp();
    const jobId = cassette.postPlan(planInput("r", "q", chainSteps("s", 4))).jobId;
    const steps = cassette.claimSteps("r", "w", 60, 2, jobId);
    const items = steps.map((step) => ({ completion: completion(step), charge: { bytes: 5, symbols: 0 } }));
    const next = { runId: "r", workerId: "w", ttlSeconds: 60, max: 2, stopOnFailure: true };
    const holder = rawConnection(dbPath);
    holder.exec("BEGIN IMMEDIATE");
    // A waiting BEGIN would sit in SQLite's busy handler, then fail with CAT_DB_BUSY: the holder is this thread's.
    expect(cassette.tryCommitChargedBatch(jobId, items, next)).toBeUndefined();
    holder.exec("COMMIT");
    expect(cassette.pragmas().busyTimeout).toBe(5000);
    expect(cassette.listReceipts(jobId)).toEqual([]);
    expect(cassette.jobStatus(jobId)).toMatchObject({ bytesUsed: 0, committed: 0, leased: 2, pending: 2 });

    const result = cassette.tryCommitChargedBatch(jobId, items, next);
    expect(result?.receipts).toHaveLength(2);
    expect(result?.next.map((step) => step.stepId)).toEqual(["s_00002", "s_00003"]);
    expect(cassette.jobStatus(jobId)).toMatchObject({ bytesUsed: 10, committed: 2, leased: 2, pending: 0 });
    expect(cassette.verify().ok).toBe(true);
  });

  test("errors other than a held lock still throw and roll back (a stale token)", () => {
    const { cassette } = openTemp();
    const jobId = cassette.postPlan(planInput("r", "q", chainSteps("s", 2))).jobId;
    const [step] = cassette.claimSteps("r", "w", 60, 1, jobId);
    const stale = { completion: { ...completion(step!), fencingToken: step!.fencingToken + 1 }, charge: { bytes: 5, symbols: 0 } };
    expect(() => cassette.tryCommitChargedBatch(jobId, [stale])).toThrow(expect.objectContaining({ code: "CAT_STALE_TOKEN" }));
    expect(cassette.jobStatus(jobId)).toMatchObject({ bytesUsed: 0, committed: 0, leased: 1 });
    expect(cassette.pragmas().busyTimeout).toBe(5000);
  });
});

describe("verifyJobForClaims", () => {
  test("checks the plan hash without the write lock: it runs while another connection writes, and a tampered payload is CAT_PLAN_TAMPERED", () => {
    const { cassette, dbPath } = openTemp();
    const jobId = cassette.postPlan(planInput("r", "q", chainSteps("s", 3))).jobId;
    const holder = rawConnection(dbPath);
    holder.exec("BEGIN IMMEDIATE");
    // A claim's first check ran inside BEGIN IMMEDIATE and would wait here for the holder.
    expect(() => cassette.verifyJobForClaims(jobId)).not.toThrow();
    holder.exec("COMMIT");
    expect(cassette.claimSteps("r", "w", 60, 3, jobId)).toHaveLength(3);

    const other = openTemp();
    const tamperedJob = other.cassette.postPlan(planInput("r", "q", chainSteps("s", 3))).jobId;
    const raw = rawConnection(other.dbPath);
    const trigger = (raw.prepare("SELECT sql FROM sqlite_master WHERE name = 'tr_steps_identity_guard'").get() as { sql: string }).sql;
    raw.exec("DROP TRIGGER tr_steps_identity_guard");
    raw.prepare("UPDATE steps SET payload_json = ? WHERE step_id = ?").run(JSON.stringify({ i: 99 }), "s_00002");
    raw.exec(trigger);
    expect(() => other.cassette.verifyJobForClaims(tamperedJob)).toThrow(expect.objectContaining({ code: "CAT_PLAN_TAMPERED" }));
    expect(() => other.cassette.claimSteps("r", "w", 60, 3, tamperedJob)).toThrow(expect.objectContaining({ code: "CAT_PLAN_TAMPERED" }));
    expect(other.cassette.jobStatus(tamperedJob)).toMatchObject({ leased: 0, pending: 3 });
  });
});

describe("pendingStepCount, expandedHashesSince, checkpointWhileIdle", () => {
  test("the unclaimed steps of a job; the hashes its receipts expanded after a chain position; a checkpoint that does not wait for a writer", () => {
    const { cassette, dbPath } = openTemp();
    const jobId = cassette.postPlan(planInput("r", "q", chainSteps("s", 5))).jobId;
    expect(cassette.pendingStepCount(jobId)).toBe(5);
    const steps = cassette.claimSteps("r", "w", 60, 3, jobId);
    expect(cassette.pendingStepCount(jobId)).toBe(2);
    const expanded = (i: number) => ({ expanded: [{ content_hash: `h${i}a` }, { content_hash: `h${i}b` }, { content_hash: 7 }] });
    cassette.commitChargedBatch(jobId, steps.slice(0, 2).map((step, i) => ({ completion: completion(step, expanded(i)) })));
    expect(cassette.expandedHashesSince(jobId)).toEqual({ hashes: ["h0a", "h0b", "h1a", "h1b"], lastSeq: 2 });
    cassette.commitChargedBatch(jobId, [{ completion: completion(steps[2]!, { expanded: [] }) }]);
    expect(cassette.expandedHashesSince(jobId, 2)).toEqual({ hashes: [], lastSeq: 3 });
    expect(cassette.expandedHashesSince(jobId, 3)).toEqual({ hashes: [], lastSeq: 3 });

    const holder = rawConnection(dbPath);
    holder.exec("BEGIN IMMEDIATE");
    expect(cassette.checkpointWhileIdle()).toBeGreaterThanOrEqual(0);
    holder.exec("COMMIT");
    expect(cassette.checkpointWhileIdle()).toBeGreaterThan(0);
  });
});

describe("claims verify a job new to their connection without the write lock", () => {
  /**
   * Runs `claim` and reports, for each time it read a job's steps to verify them (the query with the steps'
   * dependencies), whether another connection could take the write lock at that moment. A spy on the driver's
   * Statement.all, restored after.
   */
  function lockFreeDuringVerification(dbPath: string, claim: () => void): boolean[] {
    const prober = rawConnection(dbPath);
    prober.pragma("busy_timeout = 0");
    const statement = Object.getPrototypeOf(prober.prepare("SELECT 1")) as { all: (...args: unknown[]) => unknown };
    const all = statement.all;
    const seen: boolean[] = [];
    statement.all = function (this: { source: string }, ...args: unknown[]) {
      if (this.source.includes("json_group_array(depends_on_step_id)")) {
        try {
          prober.exec("BEGIN IMMEDIATE");
          prober.exec("ROLLBACK");
          seen.push(true);
        } catch {
          seen.push(false);
        }
      }
      return all.apply(this, args);
    };
    try {
      claim();
    } finally {
      statement.all = all;
    }
    return seen;
  }

  test("claimStep, claimNextStep and claimSteps: the write lock is free while the plan is checked; the claims are those of before", () => {
    const { cassette, dbPath } = openTemp();
    const first = cassette.postPlan(planInput("r", "q1", chainSteps("a", 3))).jobId;
    const second = cassette.postPlan(planInput("r", "q2", chainSteps("b", 3))).jobId;
    let claimed: ClaimedStep[] = [];
    expect(lockFreeDuringVerification(dbPath, () => void claimed.push(cassette.claimStep("r", "w", 60)!))).toEqual([true]);
    expect(lockFreeDuringVerification(dbPath, () => void claimed.push(cassette.claimNextStep("r", first, "w", 60)!))).toEqual([]);
    expect(lockFreeDuringVerification(dbPath, () => void claimed.push(cassette.claimNextStep("r", second, "w", 60)!))).toEqual([true]);
    expect(claimed.map((step) => step.stepId)).toEqual(["a_00000", "a_00001", "b_00000"]);
    const other = openTemp();
    other.cassette.postPlan(planInput("r", "q1", chainSteps("a", 3)));
    expect(lockFreeDuringVerification(other.dbPath, () => void (claimed = other.cassette.claimSteps("r", "w", 60, 2)))).toEqual([true]);
    expect(claimed.map((step) => step.stepId)).toEqual(["a_00000", "a_00001"]);
    expect(cassette.verify().ok && other.cassette.verify().ok).toBe(true);
  });

  test("completeAndClaimNext and completeStepsAndClaimNext reaching a new job: commit, check the job unlocked, then claim", () => {
    const { cassette, dbPath } = openTemp();
    cassette.postPlan(planInput("r", "q1", chainSteps("a", 1)));
    cassette.postPlan(planInput("r", "q2", chainSteps("b", 3)));
    const step = cassette.claimStep("r", "w", 60)!;
    let next: ClaimedStep | undefined;
    expect(lockFreeDuringVerification(dbPath, () => void (next = cassette.completeAndClaimNext(completion(step), 60).next))).toEqual([true]);
    expect(next?.stepId).toBe("b_00000");
    expect(cassette.getStep("a_00000")!.status).toBe("COMMITTED");

    const other = openTemp();
    other.cassette.postPlan(planInput("r", "q1", chainSteps("a", 2)));
    other.cassette.postPlan(planInput("r", "q2", chainSteps("b", 3)));
    const batch = other.cassette.claimSteps("r", "w", 60, 2);
    let claimed: ClaimedStep[] = [];
    const run = () => void (claimed = other.cassette.completeStepsAndClaimNext(batch.map((s) => completion(s)), { runId: "r", workerId: "w", ttlSeconds: 60, max: 2 }).next);
    expect(lockFreeDuringVerification(other.dbPath, run)).toEqual([true]);
    expect(claimed.map((s) => s.stepId)).toEqual(["b_00000", "b_00001"]);
    expect(cassette.verify().ok && other.cassette.verify().ok).toBe(true);
  });

  test("a tampered new job met by completeAndClaimNext: the commit stands, nothing is claimed, the claim reports it", () => {
    const { cassette, dbPath } = openTemp();
    cassette.postPlan(planInput("r", "q1", chainSteps("a", 1)));
    cassette.postPlan(planInput("r", "q2", chainSteps("b", 2)));
    const step = cassette.claimStep("r", "w", 60)!;
    const raw = rawConnection(dbPath);
    const trigger = (raw.prepare("SELECT sql FROM sqlite_master WHERE name = 'tr_steps_identity_guard'").get() as { sql: string }).sql;
    raw.exec("DROP TRIGGER tr_steps_identity_guard");
    raw.prepare("UPDATE steps SET payload_json = ? WHERE step_id = ?").run(JSON.stringify({ i: 99 }), "b_00001");
    raw.exec(trigger);
    const done = cassette.completeAndClaimNext(completion(step), 60);
    expect(done.next).toBeUndefined();
    expect(cassette.getReceipt(done.receiptId)).toMatchObject({ stepId: "a_00000" });
    expect(() => cassette.claimStep("r", "w", 60)).toThrow(expect.objectContaining({ code: "CAT_PLAN_TAMPERED", message: expect.stringMatching(/step b_00000 of job/) }));
    expect(cassette.getStep("b_00000")).toMatchObject({ status: "PENDING", fencingToken: 0 });
  });
});
