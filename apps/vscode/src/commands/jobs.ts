// Execute Job…, the run panel, Open Plan, Copy Id and Refresh.
import * as vscode from "vscode";
import { CatalyticMethods, type ExecuteJobResult, type GetPlanResult, type JobSummary } from "@catalytic/core/protocol";
import { jobCountsText, jobState } from "../tree/model.js";
import { idOfNode, jobTargetFromArg, MAX_WORKERS, parseWorkerCount } from "./args.js";
import type { CommandContext } from "./context.js";
import { storedPlanDocument } from "./format.js";

interface JobPick extends vscode.QuickPickItem {
  job: JobSummary;
}

/** Unfinished jobs first (newest first), then finished ones. */
export async function pickJob(context: CommandContext, title: string): Promise<JobSummary | undefined> {
  const jobs = await context.jobs.loadAllJobs();
  if (jobs.length === 0) {
    void vscode.window.showInformationMessage("Catalytic: no jobs yet. Run \"Catalytic: Plan and Post Request\" on a request file first.");
    return undefined;
  }
  const rank = (job: JobSummary) => (jobState(job.counts, job.stepCount) === "done" ? 1 : 0);
  const ordered = [...jobs].sort((a, b) => rank(a) - rank(b) || (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.jobId.localeCompare(b.jobId)));
  const picks: JobPick[] = ordered.map((job) => ({
    label: job.intent.trim() === "" ? job.jobId : job.intent,
    description: `${job.jobId} · ${jobCountsText(job.counts, job.stepCount)}`,
    detail: `run ${job.runId} · ${job.stepCount} steps · created ${job.createdAt}`,
    job,
  }));
  return (await vscode.window.showQuickPick(picks, { title, placeHolder: "Job", matchOnDescription: true, matchOnDetail: true }))?.job;
}

async function resolveJob(context: CommandContext, arg: unknown, title: string): Promise<{ runId: string; jobId: string } | undefined> {
  const target = jobTargetFromArg(arg);
  if (target?.runId) return { runId: target.runId, jobId: target.jobId };
  if (target) {
    const job = (await context.jobs.loadAllJobs()).find((candidate) => candidate.jobId === target.jobId);
    if (!job) throw new Error(`No job ${target.jobId} in the cassette.`);
    return { runId: job.runId, jobId: job.jobId };
  }
  const job = await pickJob(context, title);
  return job && { runId: job.runId, jobId: job.jobId };
}

export async function executeJob(context: CommandContext, arg: unknown, workersArg?: unknown): Promise<ExecuteJobResult | undefined> {
  const job = await resolveJob(context, arg, "Catalytic: Execute Job");
  if (!job) return undefined;
  let workers = typeof workersArg === "number" && Number.isInteger(workersArg) ? workersArg : undefined;
  if (workers === undefined) {
    const proposed = vscode.workspace.getConfiguration("catalytic").get<number>("ants.defaultWorkers", 2);
    const input = await vscode.window.showInputBox({
      title: `Catalytic: Execute Job ${job.jobId}`,
      prompt: `Number of ants (worker processes), 1 to ${MAX_WORKERS}`,
      value: String(proposed),
      validateInput: (value) => {
        const parsed = parseWorkerCount(value);
        return parsed.ok ? undefined : parsed.message;
      },
    });
    if (input === undefined) return undefined;
    const parsed = parseWorkerCount(input);
    if (!parsed.ok) return undefined;
    workers = parsed.workers;
  }
  const panel = await context.runPanels.show(job.runId, job.jobId);
  await panel.setExecution({ state: "running", workers });
  try {
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Catalytic: executing job ${job.jobId} with ${workers} ${workers === 1 ? "ant" : "ants"}…` }, () =>
      context.client.request<ExecuteJobResult>(CatalyticMethods.executeJob, { runId: job.runId, jobId: job.jobId, workers }),
    );
    await panel.setExecution({ state: "finished", exitCode: result.exitCode });
    await context.jobs.refreshAll();
    if (result.exitCode === 0) void vscode.window.showInformationMessage(`Catalytic: job ${job.jobId} done, every step committed.`);
    else void vscode.window.showWarningMessage(`Catalytic: job ${job.jobId} finished with exit code ${result.exitCode}${result.exitCode === 1 ? " (a step failed)" : " (invariant or database error)"}. See the run panel.`);
    return result;
  } catch (error) {
    await panel.setExecution({ state: "error", message: error instanceof Error ? error.message : String(error) });
    throw error;
  }
}

export async function showRunPanel(context: CommandContext, arg: unknown): Promise<void> {
  const job = await resolveJob(context, arg, "Catalytic: Show Run Panel");
  if (job) await context.runPanels.show(job.runId, job.jobId);
}

/** The plan the job was posted with (stored request, steps and plan hash), as a read-only JSON document. */
export async function openPlan(context: CommandContext, arg: unknown): Promise<GetPlanResult | undefined> {
  const target = await resolveJob(context, arg, "Catalytic: Open Plan");
  if (!target) return undefined;
  const stored = await context.client.request<GetPlanResult>(CatalyticMethods.getPlan, { jobId: target.jobId });
  await context.documents.show(`jobs/${target.jobId}.plan.json`, storedPlanDocument(stored), "json");
  if (!stored.planHashMatches) {
    void vscode.window.showWarningMessage(`Catalytic: the steps stored for job ${target.jobId} do not hash to its plan hash ${stored.plan.plan_hash.slice(0, 12)}. Run "Catalytic: Verify Cassette".`);
  }
  return stored;
}

export async function copyId(arg: unknown): Promise<void> {
  const id = idOfNode(arg);
  if (!id) return;
  await vscode.env.clipboard.writeText(id);
  void vscode.window.setStatusBarMessage(`Copied ${id}`, 3000);
}
