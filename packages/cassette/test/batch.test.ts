// Batched claims, completions and posts: the same rows as one call per step, all or nothing, same triggers.
import type Database from "better-sqlite3";
import { describe, expect, test } from "vitest";
import { Cassette, MAX_BATCH, type ClaimedStep } from "../src/index.js";
import { canonicalJson } from "@catalytic/core";
import { planHashOfPayloads } from "../src/integrity.js";
import { chainSteps, openTemp, planInput, rawConnection } from "./helpers.js";

const fixedClock = { now: () => Date.parse("2026-01-01T00:00:00.000Z") };
const done = (step: ClaimedStep, workerId = "w") => ({
  runId: "r",
  stepId: step.stepId,
  workerId,
  fencingToken: step.fencingToken,
  receipt: { i: (step.payload as { i: number }).i },
  outcome: "SUCCESS" as const,
});

/** Every receipt of the run, without the lease times that differ between two ledgers. */
function receiptsOf(cassette: Cassette): unknown[] {
  return cassette.listJobs("r").flatMap((job) => cassette.listReceipts(job.jobId));
}

describe("claimSteps", () => {
  test("claims the steps repeated claimStep calls would, in claim order, in one call", () => {
    const one = openTemp().cassette;
    const many = openTemp().cassette;
    for (const cassette of [one, many]) {
      cassette.postPlan(planInput("r", "a", chainSteps("a", 3)));
      cassette.postPlan(planInput("r", "b", chainSteps("b", 4)));
    }
    const singles: string[] = [];
    for (let i = 0; i < 5; i++) singles.push(one.claimStep("r", "w", 60)!.stepId);
    const batch = many.claimSteps("r", "w", 60, 5);
    expect(batch.map((step) => step.stepId)).toEqual(singles);
    expect(batch.every((step) => step.status === "LEASED" && step.fencingToken === 1 && step.leaseOwner === "w")).toBe(true);
    expect(many.claimSteps("r", "w2", 60, 10).map((step) => step.stepId)).toEqual(["b_00002", "b_00003"]);
    expect(many.claimSteps("r", "w2", 60, 10)).toEqual([]);
  });

  test("stops at a step whose dependency has no receipt yet, and claims within one job when asked", () => {
    const { cassette } = openTemp();
    const chain = cassette.postPlan(planInput("r", "chain", chainSteps("c", 3, true)));
    cassette.postPlan(planInput("r", "free", chainSteps("f", 2)));
    expect(cassette.claimSteps("r", "w", 60, 10, chain.jobId).map((step) => step.stepId)).toEqual(["c_00000"]);
    expect(cassette.claimSteps("r", "w", 60, 10).map((step) => step.stepId)).toEqual(["f_00000", "f_00001"]);
  });

  test("rejects a batch size outside 1..MAX_BATCH and claims nothing", () => {
    const { cassette } = openTemp();
    cassette.postPlan(planInput("r", "q", chainSteps("s", 2)));
    for (const max of [0, -1, 1.5, MAX_BATCH + 1, Number.NaN]) {
      expect(() => cassette.claimSteps("r", "w", 60, max)).toThrow(expect.objectContaining({ code: "CAT_SCHEMA_INVALID" }));
    }
    expect(cassette.listSteps(cassette.listJobs("r")[0]!.jobId).every((step) => step.status === "PENDING")).toBe(true);
  });

  test("a tampered step in the batch: CAT_PLAN_TAMPERED and nothing is leased", () => {
    const { cassette, dbPath } = openTemp();
    cassette.postPlan(planInput("r", "q", chainSteps("s", 3)));
    const raw: Database.Database = rawConnection(dbPath);
    const trigger = (raw.prepare("SELECT sql FROM sqlite_master WHERE name = 'tr_steps_identity_guard'").get() as { sql: string }).sql;
    raw.exec("DROP TRIGGER tr_steps_identity_guard");
    raw.prepare("UPDATE steps SET payload_json = ? WHERE step_id = ?").run('{"i":99}', "s_00002");
    raw.exec(trigger);
    expect(() => cassette.claimSteps("r", "w", 60, 3)).toThrow(expect.objectContaining({ code: "CAT_PLAN_TAMPERED" }));
    expect(cassette.getStep("s_00000")).toMatchObject({ status: "PENDING", fencingToken: 0 });
  });

  test("the plan hash of stored payloads: their bytes hash as planHash of their values; a payload rewritten as other JSON of the same value still claims, one of another value does not", () => {
    const steps = [...chainSteps("s", 3), { stepId: "s_x", ordinal: 4, op: "NOTE", payload: { z: "é — 日本", a: [1, { b: null }], m: 1.5 }, dependsOn: [] }];
    const input = planInput("r", "q", steps);
    expect(planHashOfPayloads("r", "q", steps.map((step) => canonicalJson(step.payload)))).toBe(input.planHash);
    const { cassette, dbPath } = openTemp();
    cassette.postPlan(input);
    const raw: Database.Database = rawConnection(dbPath);
    const trigger = (raw.prepare("SELECT sql FROM sqlite_master WHERE name = 'tr_steps_identity_guard'").get() as { sql: string }).sql;
    const rewrite = (payloadJson: string) => {
      raw.exec("DROP TRIGGER tr_steps_identity_guard");
      raw.prepare("UPDATE steps SET payload_json = ? WHERE step_id = ?").run(payloadJson, "s_x");
      raw.exec(trigger);
    };
    rewrite(JSON.stringify({ m: 1.5, a: [1, { b: null }], z: "é — 日本" }, null, 2));
    expect(cassette.claimSteps("r", "w", 60, 4)).toHaveLength(4);
    const other = openTemp();
    other.cassette.postPlan(input);
    const otherRaw: Database.Database = rawConnection(other.dbPath);
    otherRaw.exec("DROP TRIGGER tr_steps_identity_guard");
    otherRaw.prepare("UPDATE steps SET payload_json = ? WHERE step_id = ?").run(JSON.stringify({ z: "é — 日本", a: [1, { b: null }], m: 2.5 }), "s_x");
    expect(() => other.cassette.claimSteps("r", "w", 60, 4)).toThrow(expect.objectContaining({ code: "CAT_PLAN_TAMPERED" }));
  });
});

describe("completeSteps", () => {
  test("writes the same receipts, hash chain and transitions as one completeStep per step", () => {
    const one = openTemp(fixedClock).cassette;
    const many = openTemp(fixedClock).cassette;
    for (const cassette of [one, many]) cassette.postPlan(planInput("r", "q", chainSteps("s", 6)));
    for (const step of one.claimSteps("r", "w", 60, 6)) one.completeStep(done(step));
    const claimed = many.claimSteps("r", "w", 60, 6);
    const ids = many.completeSteps(claimed.map((step) => done(step)));
    expect(receiptsOf(many)).toEqual(receiptsOf(one));
    expect(ids.map((id) => id.receiptHash)).toEqual((receiptsOf(one) as Array<{ receiptHash: string }>).map((r) => r.receiptHash));
    const transitions = (cassette: Cassette) =>
      cassette.changesSince(0, 1000).transitions.map(({ stepId, from, to, fencingToken, workerId }) => ({ stepId, from, to, fencingToken, workerId }));
    expect(transitions(many)).toEqual(transitions(one));
    expect(many.verify("r").ok).toBe(true);
  });

  test("all or nothing: one stale token rolls back every completion of the batch", () => {
    const { cassette } = openTemp();
    cassette.postPlan(planInput("r", "q", chainSteps("s", 3)));
    const claimed = cassette.claimSteps("r", "w", 60, 3);
    const inputs = claimed.map((step) => done(step));
    inputs[2] = { ...inputs[2]!, fencingToken: 7 };
    expect(() => cassette.completeSteps(inputs)).toThrow(expect.objectContaining({ code: "CAT_STALE_TOKEN" }));
    expect(cassette.listSteps(cassette.listJobs("r")[0]!.jobId).map((step) => step.status)).toEqual(["LEASED", "LEASED", "LEASED"]);
    expect(receiptsOf(cassette)).toEqual([]);
    expect(() => cassette.completeSteps([inputs[0]!, inputs[0]!])).toThrow(expect.objectContaining({ code: "CAT_LEASE_NOT_HELD" }));
    expect(receiptsOf(cassette)).toEqual([]);
    expect(cassette.completeSteps([])).toEqual([]);
  });

  test("completeStepsAndClaimNext commits the batch and claims the next one in the same call", () => {
    const { cassette } = openTemp();
    cassette.postPlan(planInput("r", "q", chainSteps("s", 5)));
    const first = cassette.claimSteps("r", "w", 60, 2);
    const result = cassette.completeStepsAndClaimNext(
      first.map((step) => done(step)),
      { runId: "r", workerId: "w", ttlSeconds: 60, max: 2 },
    );
    expect(result.receipts).toHaveLength(2);
    expect(result.next.map((step) => step.stepId)).toEqual(["s_00002", "s_00003"]);
    const last = cassette.completeStepsAndClaimNext(
      result.next.map((step) => done(step)),
      { runId: "r", workerId: "w", ttlSeconds: 60, max: 2 },
    );
    expect(last.next.map((step) => step.stepId)).toEqual(["s_00004"]);
    cassette.completeSteps(last.next.map((step) => done(step)));
    expect(cassette.jobStatus(cassette.listJobs("r")[0]!.jobId)).toMatchObject({ done: true, receipts: 5 });
    expect(cassette.verify("r").ok).toBe(true);
  });
});

describe("postMessages", () => {
  test("the same ids and rows as posting one by one", () => {
    const one = openTemp(fixedClock).cassette;
    const many = openTemp(fixedClock).cassette;
    const inputs = [0, 1, 2].map((i) => ({ runId: "r", source: "USER" as const, payload: { intent: "t", i } }));
    const singles = inputs.map((input) => one.postMessage(input));
    expect(many.postMessages(inputs)).toEqual(singles);
    expect(many.listJobs("r")).toEqual(one.listJobs("r"));
    expect(many.verify("r").ok).toBe(true);
  });

  test("all or nothing: an idempotency conflict in the batch writes none of it", () => {
    const { cassette } = openTemp();
    cassette.postMessage({ runId: "r", source: "USER", payload: { a: 1 }, idempotencyKey: "k" });
    const batch = [
      { runId: "r", source: "USER" as const, payload: { b: 2 } },
      { runId: "r", source: "USER" as const, payload: { a: 2 }, idempotencyKey: "k" },
    ];
    expect(() => cassette.postMessages(batch)).toThrow(expect.objectContaining({ code: "CAT_IDEMPOTENCY_CONFLICT" }));
    expect(cassette.listJobs("r")).toHaveLength(1);
    expect(() => cassette.postMessages({} as never)).toThrow(expect.objectContaining({ code: "CAT_SCHEMA_INVALID" }));
  });
});
