// What every command needs, and the one place request errors become notifications.
import * as vscode from "vscode";
import type { CatalyticClient } from "../client.js";
import type { ReadOnlyDocuments } from "../documents.js";
import type { JobsTreeProvider } from "../tree/provider.js";
import type { JobsNode } from "../tree/model.js";
import type { ReceiptViews } from "../webviews/receipt-view.js";
import type { ReportViews } from "../webviews/report-view.js";
import type { RunPanels } from "../webviews/run-panel.js";
import { describeError } from "./args.js";

export interface CommandContext {
  client: CatalyticClient;
  output: vscode.OutputChannel;
  jobs: JobsTreeProvider;
  jobsView: vscode.TreeView<JobsNode>;
  runPanels: RunPanels;
  receipts: ReceiptViews;
  reports: ReportViews;
  documents: ReadOnlyDocuments;
}

export type CommandHandler = (...args: unknown[]) => Promise<unknown>;

/** Wraps a command: a failed request shows `CAT_CODE: message (hint)` and goes to the output channel. */
export function guarded(context: CommandContext, title: string, handler: CommandHandler): CommandHandler {
  return async (...args: unknown[]) => {
    try {
      return await handler(...args);
    } catch (error) {
      const message = describeError(error);
      context.output.appendLine(`[${title}] ${message}`);
      void vscode.window.showErrorMessage(`Catalytic: ${title} failed: ${message}`, "Show Output").then((choice) => choice && context.output.show(true));
      return undefined;
    }
  };
}

export function workspaceRoot(): vscode.Uri | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri;
}
