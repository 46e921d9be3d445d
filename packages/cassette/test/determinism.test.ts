import { canonicalJson, sha256Hex } from "@catalytic/core";
import { describe, expect, test } from "vitest";
import { receiptHashFor, type Cassette } from "../src/index.js";
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

  test("the receipt hash is sha256 of the canonical JSON of the receipt and its ledger fields (a fixed value)", () => {
    const header = { receiptId: "rcpt_s_1", stepId: "s", jobId: "job_x", runId: "r\u00e9", workerId: "w\"1", fencingToken: 1, outcome: "SUCCESS" };
    const receipt = { z: [1, { b: "\u2603", a: null }], a: "line\nbreak", n: -0.5 };
    const plain = sha256Hex(
      canonicalJson({
        receipt_id: header.receiptId,
        step_id: header.stepId,
        job_id: header.jobId,
        run_id: header.runId,
        worker_id: header.workerId,
        fencing_token: header.fencingToken,
        outcome: header.outcome,
        receipt,
        prev_receipt_hash: "ab".repeat(32),
      }),
    );
    expect(receiptHashFor({ ...header, receipt, prevReceiptHash: "ab".repeat(32) })).toBe(plain);
    expect(receiptHashFor({ ...header, receipt, prevReceiptHash: null })).not.toBe(plain);
    // Pinned: ledgers written before keep verifying.
    expect(plain).toBe("c9eaf3d7e642549a0a44afc24d2298afd855555bc7be487547ca68cfa7eee980");
  });
});
