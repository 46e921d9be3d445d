// Adapter from the pure JobsTreeModel to VS Code's TreeDataProvider. Data is fetched lazily when a node is
// expanded and re-fetched only on `catalytic/jobsChanged` (no timer polls the server).
import * as vscode from "vscode";
import { CatalyticMethods, type JobsChangedParams, type JobSummary, type RunSummary, type StepSummary } from "@catalytic/core/protocol";
import type { CatalyticClient } from "../client.js";
import { describeError } from "../commands/args.js";
import { JobsTreeModel, type JobsNode, type TreeRow } from "./model.js";

const REFRESH_DEBOUNCE_MS = 120;

export class JobsTreeProvider implements vscode.TreeDataProvider<JobsNode>, vscode.Disposable {
  readonly model = new JobsTreeModel();
  private readonly changeEmitter = new vscode.EventEmitter<JobsNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private pending: JobsChangedParams = { cursor: 0, runIds: [], jobIds: [] };
  private refreshTimer: NodeJS.Timeout | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly client: CatalyticClient,
    private readonly output: vscode.OutputChannel,
  ) {
    this.subscriptions.push(
      client.onJobsChanged((change) => this.queueRefresh(change)),
      client.onRunningChanged((running) => running && this.queueRefresh({ cursor: 0, runIds: [], jobIds: [] })),
    );
  }

  getTreeItem(node: JobsNode): vscode.TreeItem {
    const row = this.model.row(node);
    if (!row) return new vscode.TreeItem("(gone)");
    return toTreeItem(row, node);
  }

  async getChildren(node?: JobsNode): Promise<JobsNode[]> {
    if (!this.client.isRunning) return [];
    try {
      if (!node) {
        if (!this.model.roots()) await this.loadRuns();
        return this.model.roots() ?? [];
      }
      if (!this.model.children(node)) {
        if (node.kind === "run") await this.loadJobs(node.runId);
        if (node.kind === "job") await this.loadSteps(node.jobId);
      }
      return this.model.children(node) ?? [];
    } catch (error) {
      this.output.appendLine(`[jobs] ${describeError(error)}`);
      return [];
    }
  }

  getParent(node: JobsNode): JobsNode | undefined {
    if (node.kind === "step") return { kind: "job", runId: node.runId, jobId: node.jobId };
    if (node.kind === "job") return { kind: "run", runId: node.runId };
    return undefined;
  }

  /** Re-lists everything loaded so far (after a post, or on the refresh button). */
  refreshAll(): Promise<void> {
    return this.reload({ cursor: 0, runIds: [...this.loadedRunIds()], jobIds: this.model.allJobs().map((job) => job.jobId) });
  }

  /** Loads the runs and jobs (so pickers can list every job) without waiting for the view to open. */
  async loadAllJobs(): Promise<JobSummary[]> {
    await this.loadRuns();
    for (const node of this.model.roots() ?? []) {
      if (node.kind === "run") await this.loadJobs(node.runId);
    }
    this.changeEmitter.fire(undefined);
    return this.model.allJobs();
  }

  async loadSteps(jobId: string): Promise<StepSummary[]> {
    const steps = await this.client.request<StepSummary[]>(CatalyticMethods.listSteps, { jobId });
    this.model.setSteps(jobId, steps);
    return this.model.steps(jobId) ?? [];
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    for (const subscription of this.subscriptions) subscription.dispose();
    this.changeEmitter.dispose();
  }

  private loadedRunIds(): string[] {
    return (this.model.roots() ?? []).flatMap((node) => (node.kind === "run" ? [node.runId] : []));
  }

  private queueRefresh(change: JobsChangedParams): void {
    this.pending = { cursor: Math.max(this.pending.cursor, change.cursor), runIds: [...this.pending.runIds, ...change.runIds], jobIds: [...this.pending.jobIds, ...change.jobIds] };
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      const next = this.pending;
      this.pending = { cursor: next.cursor, runIds: [], jobIds: [] };
      void this.reload(next);
    }, REFRESH_DEBOUNCE_MS);
  }

  private async reload(change: JobsChangedParams): Promise<void> {
    if (!this.client.isRunning) {
      this.changeEmitter.fire(undefined);
      return;
    }
    try {
      const plan = this.model.planReload(change);
      if (plan.runs) await this.loadRuns();
      // A run that appeared with this change is listed as a root; its jobs load when VS Code asks for them.
      for (const runId of plan.jobsOfRuns) await this.loadJobs(runId);
      for (const jobId of plan.stepsOfJobs) await this.loadSteps(jobId);
    } catch (error) {
      this.output.appendLine(`[jobs] refresh failed: ${describeError(error)}`);
    }
    this.changeEmitter.fire(undefined);
  }

  private async loadRuns(): Promise<void> {
    const runs = await this.client.request<RunSummary[]>(CatalyticMethods.listRuns, {});
    this.model.setRuns(runs);
  }

  private async loadJobs(runId: string): Promise<void> {
    const jobs = await this.client.request<JobSummary[]>(CatalyticMethods.listJobs, { runId });
    this.model.setJobs(runId, jobs);
  }
}

function toTreeItem(row: TreeRow, node: JobsNode): vscode.TreeItem {
  const collapsible =
    row.collapsible === "expanded" ? vscode.TreeItemCollapsibleState.Expanded : row.collapsible === "collapsed" ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None;
  const item = new vscode.TreeItem(row.label, collapsible);
  item.id = row.id;
  item.description = row.description;
  item.tooltip = row.tooltip;
  item.contextValue = row.contextValue;
  item.accessibilityInformation = { label: row.ariaLabel };
  item.iconPath = row.icon.color ? new vscode.ThemeIcon(row.icon.id, new vscode.ThemeColor(row.icon.color)) : new vscode.ThemeIcon(row.icon.id);
  if (node.kind === "step" && row.contextValue === "catalytic.step.committed") {
    item.command = { command: "catalytic.showReceipt", title: "Show Receipt", arguments: [node] };
  }
  return item;
}
