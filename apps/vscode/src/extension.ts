// Extension entry: wiring only. The language server does all data work; see client.ts.
import * as vscode from "vscode";
import { CatalyticClient } from "./client.js";
import { registerCommands } from "./commands/index.js";
import { CAS_SCHEME, CasDocuments, DOCUMENT_SCHEME, ReadOnlyDocuments } from "./documents.js";
import { IndexStatusBar } from "./status-bar.js";
import { JobsTreeProvider } from "./tree/provider.js";
import { ReceiptViews } from "./webviews/receipt-view.js";
import { ReportViews } from "./webviews/report-view.js";
import { RunPanels } from "./webviews/run-panel.js";

let client: CatalyticClient | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel("Catalytic");
  client = new CatalyticClient(context, output);
  const jobs = new JobsTreeProvider(client, output);
  const jobsView = vscode.window.createTreeView("catalytic.jobs", { treeDataProvider: jobs, showCollapseAll: true });
  const documents = new ReadOnlyDocuments();
  const runPanels = new RunPanels(client, output);
  const receipts = new ReceiptViews(client);
  const reports = new ReportViews(client);
  context.subscriptions.push(
    output,
    client,
    jobs,
    jobsView,
    documents,
    runPanels,
    receipts,
    reports,
    new IndexStatusBar(client),
    vscode.workspace.registerTextDocumentContentProvider(DOCUMENT_SCHEME, documents),
    vscode.workspace.registerTextDocumentContentProvider(CAS_SCHEME, new CasDocuments(client)),
    ...registerCommands({ client, output, jobs, jobsView, runPanels, receipts, reports, documents }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("catalytic.server.runtime") || event.affectsConfiguration("catalytic.server.path")) void client?.restart();
    }),
  );
  void client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
