// Verify Cassette, Show Receipt…, Show Report and Restore Run…
import * as vscode from "vscode";
import { CatalyticMethods, type RestoreRunResult, type RunSummary, type VerifyCassetteResult } from "@catalytic/core/protocol";
import { stepStatusText } from "../tree/model.js";
import { jobTargetFromArg, receiptTargetFromArg, runIdFromArg } from "./args.js";
import type { CommandContext } from "./context.js";
import { pickJob } from "./jobs.js";

export async function verifyCassette(context: CommandContext, arg: unknown): Promise<VerifyCassetteResult> {
  const runId = runIdFromArg(arg);
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: "Catalytic: verifying the cassette…" }, () =>
    context.client.request<VerifyCassetteResult>(CatalyticMethods.verifyCassette, runId ? { runId } : {}),
  );
  context.output.appendLine(`[verify] ${result.ok ? "OK" : "FAILED"}: ${result.checks.length} checks${runId ? ` (run ${runId})` : ""}`);
  for (const issue of result.issues) context.output.appendLine(`[verify]   ${issue.check}: ${issue.message}`);
  if (result.ok) {
    void vscode.window.showInformationMessage(`Catalytic: cassette verified, ${result.checks.length} checks passed.`);
  } else {
    const first = result.issues[0];
    void vscode.window
      .showErrorMessage(`Catalytic: cassette verification found ${result.issues.length} ${result.issues.length === 1 ? "problem" : "problems"}${first ? `: ${first.check}: ${first.message}` : ""}`, "Show Output")
      .then((choice) => choice && context.output.show(true));
  }
  return result;
}

export async function showReceipt(context: CommandContext, arg: unknown): Promise<void> {
  let target = receiptTargetFromArg(arg);
  if (!target) {
    const fromJob = jobTargetFromArg(arg);
    const job = fromJob ? { jobId: fromJob.jobId } : await pickJob(context, "Catalytic: Show Receipt — job");
    if (!job) return;
    const steps = (await context.jobs.loadSteps(job.jobId)).filter((step) => step.status === "COMMITTED");
    if (steps.length === 0) {
      void vscode.window.showInformationMessage(`Catalytic: job ${job.jobId} has no committed step yet, so no receipt.`);
      return;
    }
    const picked = await vscode.window.showQuickPick(
      steps.map((step) => ({ label: `${step.op} ${step.label}`, description: `#${step.ordinal} · ${stepStatusText(step)}`, detail: step.receiptId ?? step.stepId, stepId: step.stepId })),
      { title: "Catalytic: Show Receipt — step", placeHolder: "Committed step" },
    );
    if (!picked) return;
    target = { stepId: picked.stepId };
  }
  await context.receipts.show(target);
}

const ALL_RUNS = "All runs";

/** Show Report: the run of the node it was invoked on, else a pick among the runs (or all of them). */
export async function showReport(context: CommandContext, arg: unknown): Promise<void> {
  let runId = runIdFromArg(arg);
  if (!runId) {
    const runs = await context.client.request<RunSummary[]>(CatalyticMethods.listRuns, {});
    if (runs.length === 0) {
      void vscode.window.showInformationMessage("Catalytic: no runs in the cassette yet, so nothing to report.");
      return;
    }
    const picked = await vscode.window.showQuickPick(
      [{ label: ALL_RUNS, description: `${runs.length} runs` }, ...runs.map((run) => ({ label: run.runId, description: `${run.jobs} jobs · ${run.committed}/${run.steps} committed` }))],
      { title: "Catalytic: Show Report", placeHolder: "Run whose token economy to show" },
    );
    if (!picked) return;
    runId = picked.label === ALL_RUNS ? undefined : picked.label;
  }
  const { report } = await context.reports.show(runId);
  context.output.appendLine(`[report] ${runId ?? "all runs"}: ${report.runs.length} run(s), baseline ${report.baseline_tokens} tokens, ratio ${report.ratio ?? "n/a"}`);
}

export async function restoreRun(context: CommandContext, arg: unknown): Promise<RestoreRunResult | undefined> {
  let runId = runIdFromArg(arg);
  if (!runId) {
    const runs = await context.client.request<RunSummary[]>(CatalyticMethods.listRuns, {});
    if (runs.length === 0) {
      void vscode.window.showInformationMessage("Catalytic: no runs in the cassette.");
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      runs.map((run) => ({ label: run.runId, description: `${run.jobs} jobs · ${run.committed}/${run.steps} committed`, detail: run.lastActivityAt ? `last activity ${run.lastActivityAt}` : undefined })),
      { title: "Catalytic: Restore Run", placeHolder: "Run whose writes to undo" },
    );
    runId = picked?.label;
  }
  if (!runId) return undefined;
  const confirm = await vscode.window.showWarningMessage(`Restore every file run ${runId} wrote to its content before the run?`, { modal: true }, "Restore");
  if (confirm !== "Restore") return undefined;
  const result = await context.client.request<RestoreRunResult>(CatalyticMethods.restoreRun, { runId });
  for (const file of result.restored) context.output.appendLine(`[restore] ${file.file} -> ${file.hash}`);
  void vscode.window.showInformationMessage(`Catalytic: restored ${result.restored.length} ${result.restored.length === 1 ? "file" : "files"} of run ${runId}.`);
  return result;
}
