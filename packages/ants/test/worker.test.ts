import { readFileSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runWorker } from "../src/index.js";
import { combineExitCodes } from "../src/spawn.js";
import { makeWorkspace, postRawSteps, postRequest, receiptsOf, withCassette } from "./helpers.js";

const fast = { idlePolls: 2, pollIntervalMs: 10 };

function missingFileJob(root: string) {
  writeFileSync(path.join(root, "gone.md"), "soon gone\n");
  const { jobId } = postRequest(root, { run_id: "r", request_id: "q", inputs: { files: ["gone.md", "README.md", "guide.md"] }, ops: [{ op: "NOTE", message: "end" }] });
  unlinkSync(path.join(root, "gone.md"));
  return jobId;
}

describe("runWorker: failure policy", () => {
  it("stops at the first failure by default (exit 1), leaving the rest pending", async () => {
    const { root } = makeWorkspace();
    const jobId = missingFileJob(root);
    const result = await runWorker({ root, runId: "r", jobId, workerId: "ant-1", ...fast });
    expect(result).toMatchObject({ exitCode: 1, executed: 1, failed: 1, stoppedBecause: "failure" });
    expect(receiptsOf(root, jobId).map((r) => r.error?.code)).toEqual(["CAT_FILE_NOT_FOUND"]);
    expect(withCassette(root, (c) => c.jobStatus(jobId))).toMatchObject({ committed: 1, pending: 3 });
    // Another ant sees the failure and does not start either.
    const second = await runWorker({ root, runId: "r", jobId, workerId: "ant-2", ...fast });
    expect(second).toMatchObject({ exitCode: 1, executed: 0, stoppedBecause: "failure" });
  });

  it("with continueOnFail completes the rest and still exits 1", async () => {
    const { root } = makeWorkspace();
    const jobId = missingFileJob(root);
    const result = await runWorker({ root, runId: "r", jobId, workerId: "ant-1", continueOnFail: true, ...fast });
    expect(result).toMatchObject({ exitCode: 1, executed: 4, failed: 1, stoppedBecause: "done" });
    expect(receiptsOf(root, jobId).map((r) => r.status)).toEqual(["FAILURE", "SUCCESS", "SUCCESS", "SUCCESS"]);
  });

  it("ends when the rest is blocked behind a failed dependency", async () => {
    const { root } = makeWorkspace();
    const { jobId } = postRawSteps(root, "r", "q", [
      { op: "RUN_TEST", refs: { test_name: "failing" } },
      { op: "NOTE", refs: { message: "after the test" }, depends_on: [1] },
    ]);
    const result = await runWorker({ root, runId: "r", jobId, workerId: "ant-1", continueOnFail: true, ...fast });
    expect(result).toMatchObject({ exitCode: 1, executed: 1, stoppedBecause: "blocked" });
    expect(withCassette(root, (c) => c.jobStatus(jobId))).toMatchObject({ pending: 1, blocked: true });
  });
});

describe("runWorker: leases, invariants, ids", () => {
  it("renews the lease while a step runs longer than the lease", async () => {
    const { root } = makeWorkspace();
    const { jobId } = postRawSteps(root, "r", "q", [{ op: "RUN_TEST", refs: { test_name: "renewed" } }]);
    const result = await runWorker({ root, runId: "r", jobId, workerId: "ant-1", ttl: 1, ...fast });
    expect(result).toMatchObject({ exitCode: 0, executed: 1 });
    const [receipt] = receiptsOf(root, jobId);
    expect(receipt!.status).toBe("SUCCESS");
    expect(receipt!.timings.duration_ms).toBeGreaterThan(2000);
    // The lease never ran out: no requeue, the step went straight from LEASED to COMMITTED.
    const transitions = withCassette(root, (c) => c.changesSince(0).transitions.filter((t) => t.jobId === jobId));
    expect(transitions.map((t) => [t.from, t.to])).toEqual([
      [null, "PENDING"],
      ["PENDING", "LEASED"],
      ["LEASED", "COMMITTED"],
    ]);
  });

  it("exits 2 on an invariant error: a step no ant can execute", async () => {
    const { root } = makeWorkspace();
    const { jobId } = postRawSteps(root, "r", "q", [{ op: "EXPLODE" as "NOTE", refs: { message: "x" } }]);
    const result = await runWorker({ root, runId: "r", jobId, workerId: "ant-1", ...fast });
    expect(result).toMatchObject({ exitCode: 2, stoppedBecause: "error", error: { code: "CAT_INVARIANT" } });
  });

  it("exits 2 on a database error: the cassette file is not a database", async () => {
    const { root } = makeWorkspace();
    const { jobId } = postRawSteps(root, "r", "q", [{ op: "NOTE", refs: { message: "x" } }]);
    for (const suffix of ["", "-wal", "-shm"]) {
      try {
        unlinkSync(path.join(root, ".catalytic", `cassette.db${suffix}`));
      } catch {}
    }
    writeFileSync(path.join(root, ".catalytic", "cassette.db"), "this is not sqlite, just text that is long enough to be a header".repeat(20));
    const result = await runWorker({ root, runId: "r", jobId, workerId: "ant-1", ...fast });
    expect(result.exitCode).toBe(2);
  });

  it("exits 1 for a job that does not exist in the run", async () => {
    const { root } = makeWorkspace();
    const result = await runWorker({ root, runId: "r", jobId: "job_nope", workerId: "ant-1", ...fast });
    expect(result).toMatchObject({ exitCode: 1, error: { code: "CAT_JOB_NOT_FOUND" } });
  });

  it("combineExitCodes: 2 > 1 > 0, a killed worker counts as 2", () => {
    expect(combineExitCodes([0, 0])).toBe(0);
    expect(combineExitCodes([0, 1, 0])).toBe(1);
    expect(combineExitCodes([1, 2, 0])).toBe(2);
    expect(combineExitCodes([0, null])).toBe(2);
    expect(combineExitCodes([])).toBe(0);
  });

  it("records each receipt once, with its worker id, when several ants share a job", async () => {
    const { root } = makeWorkspace();
    const files = Array.from({ length: 30 }, () => "README.md");
    const { jobId, plan } = postRequest(root, { run_id: "r", request_id: "q", inputs: { files } });
    const results = await Promise.all(["a", "b", "c"].map((id) => runWorker({ root, runId: "r", jobId, workerId: `ant-${id}`, ...fast })));
    expect(results.reduce((n, r) => n + r.executed, 0)).toBe(30);
    const receipts = receiptsOf(root, jobId);
    expect(receipts.map((r) => r.step_id).sort()).toEqual(plan.steps.map((s) => s.step_id).sort());
    expect(new Set(receipts.map((r) => r.step_id)).size).toBe(30);
    expect(readFileSync(path.join(root, "README.md"), "utf8")).toContain("Readme");
  });
});
