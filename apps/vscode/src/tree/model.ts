// The Jobs tree as plain data: runs -> jobs -> steps built from the server's responses.
// No vscode import here, so vitest tests it directly; provider.ts maps rows onto vscode.TreeItem.
import type { JobsChangedParams, JobSummary, RunSummary, StepCounts, StepSummary } from "@catalytic/core/protocol";

export type JobsNode =
  | { kind: "run"; runId: string }
  | { kind: "job"; runId: string; jobId: string }
  | { kind: "step"; runId: string; jobId: string; stepId: string };

export interface TreeRow {
  /** Stable id, so VS Code keeps expansion and selection across refreshes. */
  id: string;
  label: string;
  description: string;
  tooltip: string;
  /** Accessible label: what a screen reader (and the e2e suite) reads for the row. */
  ariaLabel: string;
  icon: { id: string; color?: string };
  contextValue: string;
  collapsible: "none" | "collapsed" | "expanded";
}

/** What must be fetched again after a `catalytic/jobsChanged` notification. */
export interface ReloadPlan {
  runs: boolean;
  jobsOfRuns: string[];
  stepsOfJobs: string[];
}

export class JobsTreeModel {
  private runs: RunSummary[] | undefined;
  private readonly jobsByRun = new Map<string, JobSummary[]>();
  private readonly stepsByJob = new Map<string, StepSummary[]>();

  setRuns(runs: readonly RunSummary[]): void {
    this.runs = [...runs].sort(compareRuns);
    const known = new Set(this.runs.map((run) => run.runId));
    for (const runId of [...this.jobsByRun.keys()]) {
      if (!known.has(runId)) this.forgetRun(runId);
    }
  }

  setJobs(runId: string, jobs: readonly JobSummary[]): void {
    const sorted = jobs.filter((job) => job.runId === runId).sort(compareJobs);
    this.jobsByRun.set(runId, sorted);
  }

  setSteps(jobId: string, steps: readonly StepSummary[]): void {
    this.stepsByJob.set(jobId, steps.filter((step) => step.jobId === jobId).sort((a, b) => a.ordinal - b.ordinal || a.stepId.localeCompare(b.stepId)));
  }

  /** Top-level nodes, or undefined when runs were never loaded. */
  roots(): JobsNode[] | undefined {
    return this.runs?.map((run) => ({ kind: "run", runId: run.runId }));
  }

  /** Children of a node, or undefined when they were never loaded (the provider fetches them then). */
  children(node: JobsNode): JobsNode[] | undefined {
    if (node.kind === "run") {
      return this.jobsByRun.get(node.runId)?.map((job) => ({ kind: "job", runId: node.runId, jobId: job.jobId }));
    }
    if (node.kind === "job") {
      return this.stepsByJob.get(node.jobId)?.map((step) => ({ kind: "step", runId: node.runId, jobId: node.jobId, stepId: step.stepId }));
    }
    return [];
  }

  run(runId: string): RunSummary | undefined {
    return this.runs?.find((run) => run.runId === runId);
  }

  job(jobId: string): JobSummary | undefined {
    for (const jobs of this.jobsByRun.values()) {
      const found = jobs.find((job) => job.jobId === jobId);
      if (found) return found;
    }
    return undefined;
  }

  step(jobId: string, stepId: string): StepSummary | undefined {
    return this.stepsByJob.get(jobId)?.find((step) => step.stepId === stepId);
  }

  steps(jobId: string): StepSummary[] | undefined {
    return this.stepsByJob.get(jobId);
  }

  /** All jobs loaded so far, oldest first. */
  allJobs(): JobSummary[] {
    return [...this.jobsByRun.values()].flat().sort(compareJobs);
  }

  row(node: JobsNode): TreeRow | undefined {
    if (node.kind === "run") {
      const run = this.run(node.runId);
      return run && runRow(run);
    }
    if (node.kind === "job") {
      const job = this.job(node.jobId);
      return job && jobRow(job);
    }
    const step = this.step(node.jobId, node.stepId);
    return step && stepRow(step);
  }

  /** Runs are always re-listed; jobs and steps only where they are loaded and the change touches them. */
  planReload(change: JobsChangedParams): ReloadPlan {
    const changedRuns = new Set(change.runIds);
    const changedJobs = new Set(change.jobIds);
    for (const jobId of changedJobs) {
      const job = this.job(jobId);
      if (job) changedRuns.add(job.runId);
    }
    return {
      runs: true,
      jobsOfRuns: [...this.jobsByRun.keys()].filter((runId) => changedRuns.has(runId)).sort(),
      stepsOfJobs: [...this.stepsByJob.keys()].filter((jobId) => changedJobs.has(jobId) || changedRuns.has(this.job(jobId)?.runId ?? "")).sort(),
    };
  }

  private forgetRun(runId: string): void {
    for (const job of this.jobsByRun.get(runId) ?? []) this.stepsByJob.delete(job.jobId);
    this.jobsByRun.delete(runId);
  }
}

function compareRuns(a: RunSummary, b: RunSummary): number {
  // Most recent activity first; runs with none last; ties by id so the order is stable.
  const at = a.lastActivityAt ?? "";
  const bt = b.lastActivityAt ?? "";
  if (at !== bt) return at < bt ? 1 : -1;
  return a.runId.localeCompare(b.runId);
}

function compareJobs(a: JobSummary, b: JobSummary): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.jobId.localeCompare(b.jobId);
}

export function runRow(run: RunSummary): TreeRow {
  const description = `${plural(run.jobs, "job")} · ${run.committed}/${run.steps} committed`;
  return {
    id: `run:${run.runId}`,
    label: run.runId,
    description,
    tooltip: `Run ${run.runId}\n${description}${run.lastActivityAt ? `\nLast activity ${run.lastActivityAt}` : ""}`,
    ariaLabel: `run ${run.runId}, ${description}`,
    icon: { id: "folder-library" },
    contextValue: "catalytic.run",
    collapsible: "expanded",
  };
}

export function jobCountsText(counts: StepCounts, total: number): string {
  const parts = [`${counts.committed}/${total} committed`];
  if (counts.leased > 0) parts.push(`${counts.leased} leased`);
  if (counts.failure > 0) parts.push(`${counts.failure} failed`);
  if (counts.aborted > 0) parts.push(`${counts.aborted} aborted`);
  return parts.join(" · ");
}

export function jobState(counts: StepCounts, total: number): "failed" | "done" | "running" | "pending" {
  if (counts.failure > 0 || counts.aborted > 0) return "failed";
  if (total > 0 && counts.committed === total) return "done";
  if (counts.leased > 0 || counts.committed > 0) return "running";
  return "pending";
}

const JOB_ICONS: Record<ReturnType<typeof jobState>, TreeRow["icon"]> = {
  failed: { id: "error", color: "testing.iconFailed" },
  done: { id: "pass-filled", color: "testing.iconPassed" },
  running: { id: "sync~spin" },
  pending: { id: "circle-large-outline" },
};

export function jobRow(job: JobSummary): TreeRow {
  const counts = jobCountsText(job.counts, job.stepCount);
  const title = job.intent.trim() === "" ? job.jobId : job.intent;
  const state = jobState(job.counts, job.stepCount);
  return {
    id: `job:${job.jobId}`,
    label: title,
    description: `${plural(job.stepCount, "step")} · ${counts}`,
    tooltip: [`Job ${job.jobId}`, `Run ${job.runId}`, job.requestId ? `Request ${job.requestId}` : undefined, job.planHash ? `Plan hash ${job.planHash}` : undefined, `Created ${job.createdAt}`, counts]
      .filter((line) => line !== undefined)
      .join("\n"),
    ariaLabel: `job ${title}, ${plural(job.stepCount, "step")}, ${counts}`,
    icon: JOB_ICONS[state],
    contextValue: state === "done" ? "catalytic.job.done" : "catalytic.job",
    collapsible: "collapsed",
  };
}

/** A step's status as a person reads it: "pending", "leased by ant-1", "committed (success)". */
export function stepStatusText(step: StepSummary): string {
  if (step.status === "PENDING") return "pending";
  if (step.status === "LEASED") return step.leaseOwner ? `leased by ${step.leaseOwner}` : "leased";
  return `committed (${(step.outcome ?? "SUCCESS").toLowerCase()})`;
}

export function stepIcon(step: StepSummary): TreeRow["icon"] {
  if (step.status === "PENDING") return { id: "circle-outline" };
  if (step.status === "LEASED") return { id: "loading~spin", color: "charts.yellow" };
  if (step.outcome === "FAILURE") return { id: "error", color: "testing.iconFailed" };
  if (step.outcome === "ABORTED") return { id: "circle-slash", color: "testing.iconSkipped" };
  return { id: "pass", color: "testing.iconPassed" };
}

export function stepRow(step: StepSummary): TreeRow {
  const status = stepStatusText(step);
  const label = `${step.op} ${step.label}`.trim();
  return {
    id: `step:${step.jobId}:${step.stepId}`,
    label,
    description: status,
    tooltip: [`Step ${step.stepId} (#${step.ordinal})`, `${step.op} ${step.label}`, `Status: ${status}`, `Fencing token ${step.fencingToken}`, step.receiptId ? `Receipt ${step.receiptId}` : undefined, step.dependsOn.length > 0 ? `Depends on ${step.dependsOn.join(", ")}` : undefined]
      .filter((line) => line !== undefined)
      .join("\n"),
    ariaLabel: `step ${step.ordinal} ${label}, ${status}`,
    icon: stepIcon(step),
    contextValue: step.status === "COMMITTED" ? "catalytic.step.committed" : "catalytic.step",
    collapsible: "none",
  };
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
