import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Cassette } from "@catalytic/cassette";
import type { CatalyticError } from "@catalytic/core";
import { plan, postPlan, verifyPlan } from "../src/index.js";
import { fixture, makeWorkspace, planningFor } from "./workspace.js";

const request = {
  run_id: "run_post",
  request_id: "req_post",
  intent: "post a plan",
  inputs: { symbols: ["@TEST/example"], files: ["README.md"] },
  ops: [{ op: "WRITE_FILE", file_path: "out.md", content: "x\n" }, { op: "RUN_TEST", test_name: "unit" }],
  budgets: { max_steps: 10, max_bytes: 10_000, max_symbols: 3 },
};

const open: Cassette[] = [];
function cassetteIn(root: string): Cassette {
  const cassette = Cassette.openWorkspace(root);
  open.push(cassette);
  return cassette;
}
afterEach(() => {
  for (const cassette of open.splice(0)) cassette.close();
});

describe("postPlan", () => {
  it("stores request, job, steps, dependencies and budget; the same (run_id, request_id) returns the same job", () => {
    const root = makeWorkspace();
    const { substrate, options } = planningFor(root);
    const cassette = cassetteIn(root);
    const first = postPlan(cassette, request, substrate, options);
    expect(first.posted.created).toBe(true);
    expect(first.posted.stepIds).toEqual(first.plan.steps.map((s) => s.step_id));
    const job = cassette.getJob(first.posted.jobId)!;
    expect(job).toMatchObject({ runId: "run_post", requestId: "req_post", planHash: first.plan.plan_hash, plannerVersion: "1.2.0", stepCount: 4 });
    const steps = cassette.listSteps(first.posted.jobId);
    expect(steps.map((s) => [s.ordinal, s.op, s.status])).toEqual([
      [1, "READ_SYMBOL", "PENDING"],
      [2, "READ_FILE", "PENDING"],
      [3, "WRITE_FILE", "PENDING"],
      [4, "RUN_TEST", "PENDING"],
    ]);
    expect(steps[3]!.dependsOn).toEqual([steps[2]!.stepId]);
    expect(steps[0]!.payload).toEqual(first.plan.steps[0]);
    const status = cassette.jobStatus(first.posted.jobId);
    expect(status).toMatchObject({ maxBytes: 10_000, maxSymbols: 3, pending: 4 });

    const again = postPlan(cassette, structuredClone(request), substrate, options);
    expect(again.posted).toEqual({ ...first.posted, created: false });
    expect(cassette.listJobs("run_post")).toHaveLength(1);
  });

  it("refuses a different plan under the same (run_id, request_id) with CAT_PLAN_MISMATCH and writes nothing", () => {
    const root = makeWorkspace();
    const { substrate, options } = planningFor(root);
    const cassette = cassetteIn(root);
    const first = postPlan(cassette, request, substrate, options);
    let error: CatalyticError | undefined;
    try {
      postPlan(cassette, { ...request, inputs: { files: ["AGENTS.md"] } }, substrate, options);
    } catch (caught) {
      error = caught as CatalyticError;
    }
    expect(error?.code).toBe("CAT_PLAN_MISMATCH");
    expect(cassette.listJobs("run_post").map((j) => j.jobId)).toEqual([first.posted.jobId]);
    expect(cassette.listSteps(first.posted.jobId)).toHaveLength(4);
  });

  it("fails closed on a budget before anything is written (no job, no steps)", () => {
    const root = makeWorkspace();
    const { substrate, options } = planningFor(root);
    const cassette = cassetteIn(root);
    expect(() => postPlan(cassette, { ...request, budgets: { max_steps: 2 } }, substrate, options)).toThrow(/max_steps/);
    expect(cassette.listRuns()).toEqual([]);
  });
});

describe("verifyPlan", () => {
  it("matches when the substrate is unchanged", () => {
    const root = makeWorkspace();
    const { substrate, options } = planningFor(root);
    const cassette = cassetteIn(root);
    const { plan: output, posted } = postPlan(cassette, request, substrate, options);
    const fresh = planningFor(root);
    const result = verifyPlan(cassette, "run_post", "req_post", fresh.substrate, fresh.options);
    expect(result).toEqual({
      ok: true,
      runId: "run_post",
      requestId: "req_post",
      jobId: posted.jobId,
      storedPlanHash: output.plan_hash,
      recomputedPlanHash: output.plan_hash,
      differences: [],
    });
  });

  it("plan_request_no_symbols (\"plan verify without symbols\"): an empty plan posts as a job with no steps and verifies", () => {
    const root = makeWorkspace();
    const { substrate, options } = planningFor(root);
    const cassette = cassetteIn(root);
    const { plan: output, posted } = postPlan(cassette, fixture("plan_request_no_symbols.json"), substrate, options);
    expect(posted.stepIds).toEqual([]);
    expect(cassette.getJob(posted.jobId)).toMatchObject({ runId: "test_plan_verify", stepCount: 0, planHash: output.plan_hash });
    const result = verifyPlan(cassette, "test_plan_verify", "req_verify", substrate, options);
    expect(result).toMatchObject({ ok: true, storedPlanHash: output.plan_hash, recomputedPlanHash: output.plan_hash, differences: [] });
  });

  it("reports the differing steps when the substrate changed since posting", () => {
    const root = makeWorkspace();
    const { substrate, options } = planningFor(root);
    const cassette = cassetteIn(root);
    const { plan: output } = postPlan(cassette, request, substrate, options);
    // The symbol's default slice and the test (timeout, args) change: steps 1 and 4 compile differently, 2 and 3 do not.
    writeFileSync(
      path.join(root, "catalytic.symbols.json"),
      JSON.stringify({ symbols: { "@TEST/example": { target_type: "FILE", target_ref: "guide.md", default_slice: "lines[0:2]" } } }),
    );
    writeFileSync(path.join(root, "catalytic.json"), JSON.stringify({ tests: { unit: { command: "node", timeout_seconds: 5 } } }));
    const fresh = planningFor(root);
    const result = verifyPlan(cassette, "run_post", "req_post", fresh.substrate, fresh.options);
    expect(result.ok).toBe(false);
    expect(result.storedPlanHash).toBe(output.plan_hash);
    expect(result.recomputedPlanHash).not.toBe(output.plan_hash);
    expect(result.differences.map((d) => [d.ordinal, d.fields])).toEqual([
      [1, ["refs", "step_id"]],
      [4, ["constraints", "refs", "step_id"]],
    ]);
    expect(plan(request, fresh.substrate, fresh.options).plan_hash).toBe(result.recomputedPlanHash);
  });

  it("is CAT_JOB_NOT_FOUND for a request that was never posted", () => {
    const root = makeWorkspace();
    const { substrate, options } = planningFor(root);
    const cassette = cassetteIn(root);
    expect(() => verifyPlan(cassette, "run_x", "req_x", substrate, options)).toThrow(expect.objectContaining({ code: "CAT_JOB_NOT_FOUND" }));
    expect(existsSync(path.join(root, ".catalytic", "cassette.db"))).toBe(true);
  });
});
