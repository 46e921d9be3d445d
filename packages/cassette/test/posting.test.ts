import { describe, expect, test } from "vitest";
import { Cassette } from "../src/index.js";
import { chainSteps, openTemp, planInput } from "./helpers.js";

describe("postMessage", () => {
  test("creates one message, one job and one PENDING step, per the law", () => {
    const { cassette } = openTemp();
    const posted = cassette.postMessage({ runId: "run-a", source: "USER", payload: { intent: "summarise", refs: ["@CANON/x"] } });
    expect(posted.created).toBe(true);
    expect(posted.messageId).toMatch(/^msg_[0-9a-f]{32}$/);
    const job = cassette.getJob(posted.jobId)!;
    expect(job).toMatchObject({ messageId: posted.messageId, runId: "run-a", intent: "summarise", ordinal: 1, stepCount: 1, planHash: null });
    const steps = cassette.listSteps(posted.jobId);
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({ stepId: posted.stepId, ordinal: 1, status: "PENDING", op: "MESSAGE", fencingToken: 0, leaseOwner: null, dependsOn: [] });
    expect(steps[0]!.payload).toEqual({ intent: "summarise", refs: ["@CANON/x"] });
    expect(cassette.getMessage(posted.messageId)).toMatchObject({ seq: 1, source: "USER", idempotencyKey: null });
  });

  test("the same idempotency key returns the same ids; a different payload under it is a conflict", () => {
    const { cassette } = openTemp();
    const first = cassette.postMessage({ runId: "r", source: "SYSTEM", payload: { a: 1 }, idempotencyKey: "k1" });
    const again = cassette.postMessage({ runId: "r", source: "SYSTEM", payload: { a: 1 }, idempotencyKey: "k1" });
    expect(again).toEqual({ ...first, created: false });
    expect(cassette.listJobs("r")).toHaveLength(1);
    expect(() => cassette.postMessage({ runId: "r", source: "SYSTEM", payload: { a: 2 }, idempotencyKey: "k1" })).toThrow(
      expect.objectContaining({ code: "CAT_IDEMPOTENCY_CONFLICT" }),
    );
    // Same key in another run is a different message.
    const other = cassette.postMessage({ runId: "r2", source: "SYSTEM", payload: { a: 1 }, idempotencyKey: "k1" });
    expect(other.messageId).not.toBe(first.messageId);
  });

  test("without a key, identical payloads are distinct messages ordered by sequence", () => {
    const { cassette } = openTemp();
    const a = cassette.postMessage({ runId: "r", source: "USER", payload: "same" });
    const b = cassette.postMessage({ runId: "r", source: "USER", payload: "same" });
    expect(a.messageId).not.toBe(b.messageId);
    expect(cassette.getMessage(b.messageId)!.seq).toBe(2);
  });

  test("rejects bad input with typed errors and writes nothing", () => {
    const { cassette } = openTemp();
    expect(() => cassette.postMessage({ runId: "", source: "USER", payload: 1 })).toThrow(expect.objectContaining({ code: "CAT_SCHEMA_INVALID" }));
    expect(() => cassette.postMessage({ runId: "r", source: "ROBOT" as never, payload: 1 })).toThrow(/source must be one of/);
    expect(() => cassette.postMessage({ runId: "r", source: "USER", payload: undefined })).toThrow(/payload is required/);
    expect(() => cassette.postMessage({ runId: "r", source: "USER", payload: { n: Number.NaN } })).toThrow(/canonical JSON/);
    expect(cassette.listRuns()).toEqual([]);
  });
});

describe("postPlan", () => {
  test("stores request, job, steps, dependencies and budget in one go", () => {
    const { cassette } = openTemp();
    const steps = chainSteps("s", 3, true);
    const posted = cassette.postPlan(planInput("run-p", "req-1", steps, { budget: { maxBytes: 1000, maxSymbols: 5 } }));
    expect(posted.created).toBe(true);
    expect(posted.stepIds).toEqual(["s_00000", "s_00001", "s_00002"]);
    expect(cassette.getMessage(posted.messageId)).toMatchObject({ source: "PLANNER", idempotencyKey: "req-1", payload: { request_id: "req-1", notes: 3 } });
    expect(cassette.getJob(posted.jobId)).toMatchObject({ planHash: planInput("run-p", "req-1", steps).planHash, plannerVersion: "test-1", requestId: "req-1", stepCount: 3 });
    expect(cassette.getStep("s_00002")!.dependsOn).toEqual(["s_00001"]);
    expect(cassette.jobStatus(posted.jobId)).toMatchObject({ maxBytes: 1000, maxSymbols: 5, bytesUsed: 0, pending: 3, runnable: 1 });
    expect(cassette.findJobByRequest("run-p", "req-1")!.jobId).toBe(posted.jobId);
    expect(cassette.findJobByRequest("run-p", "req-2")).toBeUndefined();
  });

  test("a repeat returns the same ids; a changed plan hash is CAT_PLAN_MISMATCH", () => {
    const { cassette } = openTemp();
    const input = planInput("r", "q", chainSteps("s", 2));
    const first = cassette.postPlan(input);
    expect(cassette.postPlan(input)).toEqual({ ...first, created: false });
    expect(() => cassette.postPlan(planInput("r", "q", chainSteps("s", 3)))).toThrow(expect.objectContaining({ code: "CAT_PLAN_MISMATCH" }));
    // A plan hash that is not the hash of the steps is refused: claims check every step against it.
    expect(() => cassette.postPlan({ ...input, idempotencyKey: "q2", planHash: "other" })).toThrow(/is not the hash of the plan's steps/);
    expect(cassette.listJobs()).toHaveLength(1);
  });

  test("invalid plans are rejected before anything is written", () => {
    const { cassette } = openTemp();
    const bad: Array<[string, ReturnType<typeof planInput>]> = [
      ["duplicated", planInput("r", "a", [...chainSteps("s", 1), { ...chainSteps("s", 1)[0]!, ordinal: 2 }])],
      ["unknown step", planInput("r", "b", [{ stepId: "x", ordinal: 1, op: "NOTE", payload: null, dependsOn: ["nope"] }])],
      ["not earlier", planInput("r", "c", [
        { stepId: "x", ordinal: 1, op: "NOTE", payload: null, dependsOn: ["y"] },
        { stepId: "y", ordinal: 2, op: "NOTE", payload: null, dependsOn: [] },
      ])],
      ["ordinal", planInput("r", "d", [{ stepId: "x", ordinal: 0, op: "NOTE", payload: null, dependsOn: [] }])],
      ["ordinal gap", planInput("r", "d", [{ stepId: "x", ordinal: 1, op: "NOTE", payload: null, dependsOn: [] }, { stepId: "y", ordinal: 3, op: "NOTE", payload: null, dependsOn: [] }])],
      ["budget", planInput("r", "e", chainSteps("s", 1), { budget: { maxBytes: -5, maxSymbols: null } })],
    ];
    for (const [label, input] of bad) {
      expect(() => cassette.postPlan(input), label).toThrow(expect.objectContaining({ code: "CAT_PLAN_INVALID" }));
    }
    expect(cassette.listRuns()).toEqual([]);
  });

  test("a step id already used by another job rolls the whole post back", () => {
    const { cassette } = openTemp();
    cassette.postPlan(planInput("r1", "q", chainSteps("s", 2)));
    expect(() => cassette.postPlan(planInput("r2", "q", chainSteps("s", 2)))).toThrow(/already belongs to job/);
    expect(cassette.listRuns().map((run) => run.runId)).toEqual(["r1"]);
  });
});

describe("opening", () => {
  test("openWorkspace uses <root>/.catalytic/cassette.db and reopening keeps the data", () => {
    const { dir, cassette } = openTemp();
    cassette.postMessage({ runId: "r", source: "USER", payload: 1 });
    cassette.close();
    const reopened = Cassette.openWorkspace(dir);
    expect(reopened.dbPath).toBe(`${dir}/.catalytic/cassette.db`);
    expect(reopened.listRuns()).toHaveLength(1);
    reopened.close();
  });
});
