import { describe, expect, it } from "vitest";
import type { JobSummary, RunSummary, StepCounts, StepSummary } from "@catalytic/core/protocol";
import { JobsTreeModel, jobCountsText, jobRow, stepRow } from "./model.js";

const counts = (partial: Partial<StepCounts> = {}): StepCounts => ({ pending: 0, leased: 0, committed: 0, success: 0, failure: 0, aborted: 0, ...partial });

const run = (runId: string, lastActivityAt: string | null, extra: Partial<RunSummary> = {}): RunSummary => ({ runId, jobs: 1, steps: 3, committed: 0, lastActivityAt, ...extra });

const job = (jobId: string, runId: string, createdAt: string, extra: Partial<JobSummary> = {}): JobSummary => ({
  jobId,
  runId,
  requestId: "req_1",
  intent: `intent of ${jobId}`,
  planHash: "a".repeat(64),
  stepCount: 3,
  counts: counts({ pending: 3 }),
  createdAt,
  ...extra,
});

const step = (stepId: string, jobId: string, ordinal: number, extra: Partial<StepSummary> = {}): StepSummary => ({
  stepId,
  jobId,
  ordinal,
  op: "READ_SYMBOL",
  label: `@CANON/item${ordinal}`,
  status: "PENDING",
  outcome: null,
  leaseOwner: null,
  fencingToken: 0,
  receiptId: null,
  dependsOn: [],
  ...extra,
});

describe("JobsTreeModel", () => {
  it("reports nothing loaded until the server answered", () => {
    const model = new JobsTreeModel();
    expect(model.roots()).toBeUndefined();
    model.setRuns([]);
    expect(model.roots()).toEqual([]);
    expect(model.children({ kind: "run", runId: "r1" })).toBeUndefined();
  });

  it("orders runs by latest activity, jobs by creation, steps by ordinal", () => {
    const model = new JobsTreeModel();
    model.setRuns([run("old", "2026-01-01T00:00:00Z"), run("idle", null), run("new", "2026-02-01T00:00:00Z")]);
    expect(model.roots()).toEqual([
      { kind: "run", runId: "new" },
      { kind: "run", runId: "old" },
      { kind: "run", runId: "idle" },
    ]);
    model.setJobs("new", [job("job_b", "new", "2026-02-01T00:00:02Z"), job("job_a", "new", "2026-02-01T00:00:01Z"), job("job_other", "old", "2026-01-01T00:00:00Z")]);
    expect(model.children({ kind: "run", runId: "new" })).toEqual([
      { kind: "job", runId: "new", jobId: "job_a" },
      { kind: "job", runId: "new", jobId: "job_b" },
    ]);
    model.setSteps("job_a", [step("step_2", "job_a", 2), step("step_0", "job_a", 0), step("step_1", "job_a", 1)]);
    expect(model.children({ kind: "job", runId: "new", jobId: "job_a" })?.map((node) => (node.kind === "step" ? node.stepId : ""))).toEqual(["step_0", "step_1", "step_2"]);
    expect(model.children({ kind: "step", runId: "new", jobId: "job_a", stepId: "step_0" })).toEqual([]);
  });

  it("forgets jobs and steps of runs that disappeared", () => {
    const model = new JobsTreeModel();
    model.setRuns([run("r1", "2026-01-01T00:00:00Z")]);
    model.setJobs("r1", [job("j1", "r1", "2026-01-01T00:00:00Z")]);
    model.setSteps("j1", [step("s1", "j1", 0)]);
    model.setRuns([run("r2", "2026-01-02T00:00:00Z")]);
    expect(model.job("j1")).toBeUndefined();
    expect(model.steps("j1")).toBeUndefined();
  });

  it("plans reloads only for loaded parts the change touches", () => {
    const model = new JobsTreeModel();
    model.setRuns([run("r1", "2026-01-01T00:00:00Z"), run("r2", "2026-01-01T00:00:00Z")]);
    model.setJobs("r1", [job("j1", "r1", "2026-01-01T00:00:00Z")]);
    model.setJobs("r2", [job("j2", "r2", "2026-01-01T00:00:00Z")]);
    model.setSteps("j1", [step("s1", "j1", 0)]);
    model.setSteps("j2", [step("s2", "j2", 0)]);
    expect(model.planReload({ cursor: 5, runIds: [], jobIds: ["j1"] })).toEqual({ runs: true, jobsOfRuns: ["r1"], stepsOfJobs: ["j1"] });
    expect(model.planReload({ cursor: 6, runIds: ["r2"], jobIds: [] })).toEqual({ runs: true, jobsOfRuns: ["r2"], stepsOfJobs: ["j2"] });
    expect(model.planReload({ cursor: 7, runIds: ["r9"], jobIds: ["j9"] })).toEqual({ runs: true, jobsOfRuns: [], stepsOfJobs: [] });
  });

  it("lists every loaded job oldest first for pickers", () => {
    const model = new JobsTreeModel();
    model.setRuns([run("r1", "2026-01-01T00:00:00Z"), run("r2", "2026-01-03T00:00:00Z")]);
    model.setJobs("r1", [job("j1", "r1", "2026-01-02T00:00:00Z")]);
    model.setJobs("r2", [job("j2", "r2", "2026-01-01T00:00:00Z")]);
    expect(model.allJobs().map((entry) => entry.jobId)).toEqual(["j2", "j1"]);
  });
});

describe("rows", () => {
  it("shows a pending job with its step count and a collapsed state", () => {
    const row = jobRow(job("job_1", "r1", "2026-01-01T00:00:00Z"));
    expect(row).toMatchObject({
      id: "job:job_1",
      label: "intent of job_1",
      description: "3 steps · 0/3 committed",
      ariaLabel: "job intent of job_1, 3 steps, 0/3 committed",
      icon: { id: "circle-large-outline" },
      contextValue: "catalytic.job",
      collapsible: "collapsed",
    });
  });

  it("marks a finished job done and a failed one failed", () => {
    const done = jobRow(job("j", "r", "t", { counts: counts({ committed: 3, success: 3 }) }));
    expect(done.icon).toEqual({ id: "pass-filled", color: "testing.iconPassed" });
    expect(done.contextValue).toBe("catalytic.job.done");
    const failed = jobRow(job("j", "r", "t", { counts: counts({ committed: 2, success: 1, failure: 1, pending: 1 }) }));
    expect(failed.icon).toEqual({ id: "error", color: "testing.iconFailed" });
    expect(failed.description).toBe("3 steps · 2/3 committed · 1 failed");
  });

  it("uses the job id when the intent is empty", () => {
    expect(jobRow(job("job_9", "r", "t", { intent: "  " })).label).toBe("job_9");
  });

  it("shows step status with its worker and icon", () => {
    expect(stepRow(step("s", "j", 0))).toMatchObject({ description: "pending", icon: { id: "circle-outline" }, contextValue: "catalytic.step" });
    const leased = stepRow(step("s", "j", 1, { status: "LEASED", leaseOwner: "ant-2", fencingToken: 1 }));
    expect(leased.description).toBe("leased by ant-2");
    expect(leased.icon.id).toBe("loading~spin");
    const committed = stepRow(step("s", "j", 2, { status: "COMMITTED", outcome: "SUCCESS", receiptId: "rcpt_1" }));
    expect(committed).toMatchObject({ id: "step:j:s", label: "READ_SYMBOL @CANON/item2", description: "committed (success)", ariaLabel: "step 2 READ_SYMBOL @CANON/item2, committed (success)", contextValue: "catalytic.step.committed" });
    expect(committed.tooltip).toContain("Receipt rcpt_1");
    expect(stepRow(step("s", "j", 3, { status: "COMMITTED", outcome: "FAILURE" })).icon).toEqual({ id: "error", color: "testing.iconFailed" });
  });

  it("summarises counts", () => {
    expect(jobCountsText(counts({ committed: 1, leased: 2, failure: 1, aborted: 1 }), 5)).toBe("1/5 committed · 2 leased · 1 failed · 1 aborted");
  });
});
