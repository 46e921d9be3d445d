// The run panel: one webview per job showing its progress while ants work, updated on `catalytic/jobsChanged`.
import * as vscode from "vscode";
import { CatalyticMethods, type JobProgress, type JobsChangedParams, type StepSummary } from "@catalytic/core/protocol";
import type { CatalyticClient } from "../client.js";
import { describeError } from "../commands/args.js";
import { createNonce } from "./nonce.js";
import { renderRunPanelBody, renderRunPanelPage, type RunPanelState } from "./run-panel-html.js";

export const RUN_PANEL_VIEW_TYPE = "catalytic.runPanel";

class RunPanel {
  private state: RunPanelState | undefined;
  private execution: RunPanelState["execution"];
  private rendering: Promise<void> = Promise.resolve();

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly runId: string,
    readonly jobId: string,
    private readonly client: CatalyticClient,
    private readonly output: vscode.OutputChannel,
  ) {}

  concerns(change: JobsChangedParams): boolean {
    if (change.runIds.length === 0 && change.jobIds.length === 0) return true;
    return change.jobIds.includes(this.jobId) || change.runIds.includes(this.runId);
  }

  setExecution(execution: RunPanelState["execution"]): Promise<void> {
    this.execution = execution;
    return this.refresh();
  }

  /** Re-renders from fresh server data; renders are chained so an older answer never overwrites a newer one. */
  refresh(): Promise<void> {
    this.rendering = this.rendering.then(() => this.render()).catch((error) => this.output.appendLine(`[run panel] ${describeError(error)}`));
    return this.rendering;
  }

  private async render(): Promise<void> {
    const [progress, steps] = await Promise.all([
      this.client.request<JobProgress>(CatalyticMethods.jobProgress, { jobId: this.jobId }),
      this.client.request<StepSummary[]>(CatalyticMethods.listSteps, { jobId: this.jobId }),
    ]);
    const first = this.state === undefined;
    this.state = { progress, steps: [...steps].sort((a, b) => a.ordinal - b.ordinal), execution: this.execution };
    if (first) {
      this.panel.webview.html = renderRunPanelPage(this.state, createNonce(), this.panel.webview.cspSource);
    } else {
      await this.panel.webview.postMessage({ type: "render", html: renderRunPanelBody(this.state) });
    }
  }
}

export class RunPanels implements vscode.Disposable {
  private readonly panels = new Map<string, RunPanel>();
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly client: CatalyticClient,
    private readonly output: vscode.OutputChannel,
  ) {
    this.subscription = client.onJobsChanged((change) => {
      for (const panel of this.panels.values()) if (panel.concerns(change)) void panel.refresh();
    });
  }

  async show(runId: string, jobId: string): Promise<RunPanel> {
    const existing = this.panels.get(jobId);
    if (existing) {
      existing.panel.reveal(undefined, true);
      await existing.refresh();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(RUN_PANEL_VIEW_TYPE, `Job ${jobId.slice(0, 12)}`, { viewColumn: vscode.ViewColumn.Active, preserveFocus: true }, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [],
    });
    const runPanel = new RunPanel(panel, runId, jobId, this.client, this.output);
    this.panels.set(jobId, runPanel);
    panel.onDidDispose(() => this.panels.delete(jobId));
    await runPanel.refresh();
    return runPanel;
  }

  dispose(): void {
    this.subscription.dispose();
    for (const panel of this.panels.values()) panel.panel.dispose();
    this.panels.clear();
  }
}
