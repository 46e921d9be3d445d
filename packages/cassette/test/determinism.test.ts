import { describe, expect, test } from "vitest";
import type { Cassette } from "../src/index.js";
import { chainSteps, openTemp, planInput } from "./helpers.js";

function script(cassette: Cassette): { ids: unknown[]; claims: string[]; receipts: string[] } {
  const ids: unknown[] = [];
  ids.push(cassette.postMessage({ runId: "r", source: "USER", payload: { intent: "hello", n: [1, 2] } }));
  ids.push(cassette.postMessage({ runId: "r", source: "SYSTEM", payload: { z: 1, a: 2 }, idempotencyKey: "sys-1" }));
  ids.push(cassette.postPlan(planInput("r", "req", [...chainSteps("p", 3, true), { stepId: "free", ordinal: 4, op: "NOTE", payload: null, dependsOn: [] }])));
  ids.push(cassette.postMessage({ runId: "r", source: "USER", payload: { intent: "hello", n: [1, 2] } }));
  const claims: string[] = [];
  const receipts: string[] = [];
  for (let step = cassette.claimStep("r", "w", 60); step; step = cassette.claimStep("r", "w", 60)) {
    claims.push(`${step.stepId}#${step.fencingToken}`);
    const done = cassette.completeStep({ runId: "r", stepId: step.stepId, workerId: "w", fencingToken: step.fencingToken, receipt: { step: step.stepId }, outcome: "SUCCESS" });
    receipts.push(`${done.receiptId}:${done.receiptHash}`);
  }
  return { ids, claims, receipts };
}

describe("determinism", () => {
  test("the same posts in the same order give the same ids, claim order and receipt hashes, whatever the clock", () => {
    const first = script(openTemp().cassette);
    const second = script(openTemp({ now: () => Date.parse("2030-01-01T00:00:00Z") }).cassette);
    expect(second).toEqual(first);
    expect(first.claims).toEqual([
      expect.stringMatching(/^step_[0-9a-f]{16}#1$/),
      expect.stringMatching(/^step_[0-9a-f]{16}#1$/),
      "p_00000#1",
      "p_00001#1",
      "p_00002#1",
      "free#1",
      expect.stringMatching(/^step_[0-9a-f]{16}#1$/),
    ]);
  });

  test("the injected clock stamps created_at", () => {
    const { cassette } = openTemp({ now: () => Date.parse("2030-01-01T00:00:00Z") });
    const posted = cassette.postMessage({ runId: "r", source: "USER", payload: 1 });
    expect(cassette.getJob(posted.jobId)!.createdAt).toBe("2030-01-01T00:00:00.000Z");
  });
});
