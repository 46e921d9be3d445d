// Plan Request (dry run) and Plan and Post Request.
import * as vscode from "vscode";
import { CatalyticMethods, type PlanRequestResult } from "@catalytic/core/protocol";
import { requestFileFromArg } from "./args.js";
import { type CommandContext, workspaceRoot } from "./context.js";

async function pickRequestFile(arg: unknown): Promise<string | undefined> {
  const active = vscode.window.activeTextEditor?.document;
  const fromArg = requestFileFromArg(arg, active?.uri.scheme === "file" ? active.uri.fsPath : undefined);
  if (fromArg) {
    if (active && active.uri.fsPath === fromArg && active.isDirty) await active.save();
    return fromArg;
  }
  const picked = await vscode.window.showOpenDialog({ title: "Catalytic: pick a plan request (JSON)", canSelectMany: false, defaultUri: workspaceRoot(), filters: { "Plan request": ["json"] } });
  return picked?.[0]?.fsPath;
}

export async function planRequest(context: CommandContext, arg: unknown, post: boolean): Promise<PlanRequestResult | undefined> {
  const requestFile = await pickRequestFile(arg);
  if (!requestFile) return undefined;
  const title = post ? "Catalytic: planning and posting…" : "Catalytic: planning (dry run)…";
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, () =>
    context.client.request<PlanRequestResult>(CatalyticMethods.planRequest, { requestFile, dryRun: !post }),
  );
  const steps = result.plan.steps.length;
  if (!post || !result.posted) {
    await context.documents.show(`plans/${result.plan.request_id || "plan"}.plan.json`, `${JSON.stringify(result.plan, null, 2)}\n`, "json");
    void vscode.window.showInformationMessage(`Catalytic: plan ${result.plan.plan_hash.slice(0, 12)} has ${steps} ${steps === 1 ? "step" : "steps"} (dry run, nothing posted).`);
    return result;
  }
  const posted = result.posted;
  await context.jobs.refreshAll();
  await context.jobs.loadAllJobs();
  await revealJob(context, result.plan.run_id, posted.jobId);
  const verb = posted.created ? "Posted" : "Already posted:";
  void vscode.window.showInformationMessage(`Catalytic: ${verb} job ${posted.jobId} with ${posted.stepIds.length} steps (run ${result.plan.run_id}).`, "Execute Job").then((choice) => {
    if (choice) void vscode.commands.executeCommand("catalytic.executeJob", { kind: "job", runId: result.plan.run_id, jobId: posted.jobId });
  });
  return result;
}

/** Shows the Jobs view with the job expanded, so its steps are visible right away. */
async function revealJob(context: CommandContext, runId: string, jobId: string): Promise<void> {
  await vscode.commands.executeCommand("catalytic.jobs.focus");
  await context.jobs.loadSteps(jobId);
  try {
    await context.jobsView.reveal({ kind: "job", runId, jobId }, { expand: true, select: true, focus: false });
  } catch (error) {
    context.output.appendLine(`[jobs] could not reveal job ${jobId}: ${String(error)}`);
  }
}
