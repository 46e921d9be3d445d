// "Catalytic: Show Report": the savings report of a run (or every run) in a webview. The language server builds the
// page (catalytic/report) with this panel's nonce and CSP source; the extension never opens a database.
import * as vscode from "vscode";
import { CatalyticMethods, type ReportParams, type ReportResult } from "@catalytic/core/protocol";
import type { CatalyticClient } from "../client.js";
import { createNonce } from "./nonce.js";

export const REPORT_VIEW_TYPE = "catalytic.report";

export class ReportViews implements vscode.Disposable {
  private readonly panels = new Map<string, vscode.WebviewPanel>();

  constructor(private readonly client: CatalyticClient) {}

  /** Opens (or refreshes) the report of `runId`, or of every run. */
  async show(runId: string | undefined): Promise<ReportResult> {
    const key = runId ?? "";
    let panel = this.panels.get(key);
    if (!panel) {
      panel = vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, runId ? `Report ${runId}` : "Catalytic Report", vscode.ViewColumn.Active, {
        enableScripts: true,
        localResourceRoots: [],
      });
      this.panels.set(key, panel);
      panel.onDidDispose(() => this.panels.delete(key));
    }
    const params: ReportParams = { ...(runId ? { runId } : {}), nonce: createNonce(), cspSource: panel.webview.cspSource };
    const result = await this.client.request<ReportResult>(CatalyticMethods.report, params);
    panel.webview.html = result.html;
    panel.reveal();
    return result;
  }

  dispose(): void {
    for (const panel of this.panels.values()) panel.dispose();
    this.panels.clear();
  }
}
