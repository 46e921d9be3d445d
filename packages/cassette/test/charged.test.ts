// Charged batches: budget charges, receipts and the next claims in one transaction (docs/cassette.md "Charged batches").
import { describe, expect, test } from "vitest";
import { Cassette, type ClaimedStep } from "../src/index.js";
import { chainSteps, openTemp, planInput } from "./helpers.js";

const completion = (step: ClaimedStep, outcome: "SUCCESS" | "FAILURE" = "SUCCESS") => ({
  runId: "r",
  stepId: step.stepId,
  workerId: "w",
  fencingToken: step.fencingToken,
  receipt: { i: (step.payload as { i: number }).i, outcome },
  outcome,
});

function postBudgeted(cassette: Cassette, steps: number, maxBytes: number): string {
  return cassette.postPlan(planInput("r", "q", chainSteps("s", steps), { budget: { maxBytes, maxSymbols: null } })).jobId;
}

describe("commitChargedBatch", () => {
  test("charges in order; a breached charge writes its overBudget receipt instead and charges nothing for it", () => {
    const { cassette } = openTemp();
    const jobId = postBudgeted(cassette, 4, 10);
    const steps = cassette.claimSteps("r", "w", 60, 3, jobId);
    const result = cassette.commitChargedBatch(
      jobId,
      steps.map((step, i) => ({
        completion: completion(step),
        charge: { bytes: [6, 6, 3][i]!, symbols: 0 },
        overBudget: (error) => ({ ...completion(step, "FAILURE"), receipt: { code: error.code } }),
      })),
      { runId: "r", workerId: "w", ttlSeconds: 60, max: 5, stopOnFailure: false },
    );
    expect(result.overBudget).toEqual([1]);
    expect(cassette.listReceipts(jobId).map((r) => [r.outcome, r.receipt])).toEqual([
      ["SUCCESS", { i: 0, outcome: "SUCCESS" }],
      ["FAILURE", { code: "CAT_BUDGET_EXCEEDED" }],
      ["SUCCESS", { i: 2, outcome: "SUCCESS" }],
    ]);
    expect(cassette.jobStatus(jobId)).toMatchObject({ bytesUsed: 9, committed: 3, leased: 1 });
    expect(result.next.map((step) => step.stepId)).toEqual(["s_00003"]);
  });

  test("all or nothing: a breach without overBudget throws, and no charge, receipt or claim is written", () => {
    const { cassette } = openTemp();
    const jobId = postBudgeted(cassette, 3, 10);
    const steps = cassette.claimSteps("r", "w", 60, 2, jobId);
    const items = steps.map((step) => ({ completion: completion(step), charge: { bytes: 6, symbols: 0 } }));
    expect(() => cassette.commitChargedBatch(jobId, items, { runId: "r", workerId: "w", ttlSeconds: 60, max: 1, stopOnFailure: false })).toThrow(
      expect.objectContaining({ code: "CAT_BUDGET_EXCEEDED" }),
    );
    expect(cassette.listReceipts(jobId)).toEqual([]);
    expect(cassette.jobStatus(jobId)).toMatchObject({ bytesUsed: 0, committed: 0, leased: 2, pending: 1 });
  });

  test("stopOnFailure: a FAILURE in the batch claims nothing; without it the next steps are claimed", () => {
    for (const stopOnFailure of [true, false]) {
      const { cassette } = openTemp();
      const jobId = postBudgeted(cassette, 4, 1000);
      const [first] = cassette.claimSteps("r", "w", 60, 1, jobId);
      const result = cassette.commitChargedBatch(jobId, [{ completion: completion(first!, "FAILURE") }], { runId: "r", workerId: "w", ttlSeconds: 60, max: 2, stopOnFailure });
      expect(result.next.length).toBe(stopOnFailure ? 0 : 2);
      expect(cassette.jobStatus(jobId).leased).toBe(stopOnFailure ? 0 : 2);
    }
  });

  test("a stale fencing token fails the whole batch: nothing charged", () => {
    const { cassette } = openTemp();
    const jobId = postBudgeted(cassette, 2, 1000);
    const steps = cassette.claimSteps("r", "w", 60, 2, jobId);
    const items = steps.map((step, i) => ({ completion: { ...completion(step), fencingToken: step.fencingToken + i }, charge: { bytes: 5, symbols: 0 } }));
    expect(() => cassette.commitChargedBatch(jobId, items)).toThrow();
    expect(cassette.jobStatus(jobId)).toMatchObject({ bytesUsed: 0, committed: 0 });
  });

  test("jobOps lists a job's distinct ops", () => {
    const { cassette } = openTemp();
    const jobId = postBudgeted(cassette, 3, 10);
    expect(cassette.jobOps(jobId)).toEqual([...new Set(cassette.listSteps(jobId).map((step) => step.op))].sort());
  });
});
