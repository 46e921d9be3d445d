// Registers every command; each handler is guarded so request errors become one clear notification.
import * as vscode from "vscode";
import { guarded, type CommandContext, workspaceRoot } from "./context.js";
import { buildIndex, resolveSymbol } from "./index-commands.js";
import { planRequest } from "./plan.js";
import { bundleForIntent } from "./bundle.js";
import { copyId, executeJob, openPlan, showRunPanel } from "./jobs.js";
import { restoreRun, showReceipt, showReport, verifyCassette } from "./cassette.js";

interface SectionLocation {
  file: string;
  lineStart: number;
  lineEnd: number;
}

/** Opens a workspace-relative file at a section (the receipt view's links). */
async function openSection(location: unknown): Promise<void> {
  const target = location as Partial<SectionLocation> | undefined;
  const root = workspaceRoot();
  if (!root || typeof target?.file !== "string" || typeof target.lineStart !== "number") return;
  const uri = target.file.startsWith("/") ? vscode.Uri.file(target.file) : vscode.Uri.joinPath(root, ...target.file.split("/"));
  const start = new vscode.Position(Math.max(0, target.lineStart), 0);
  const endLine = typeof target.lineEnd === "number" && target.lineEnd > target.lineStart ? target.lineEnd - 1 : target.lineStart;
  // The section is selected with the cursor at its first line, where the editor scrolls to.
  const editor = await vscode.window.showTextDocument(uri, { preview: false });
  const lastLine = editor.document.lineAt(Math.min(endLine, editor.document.lineCount - 1));
  editor.selection = new vscode.Selection(lastLine.range.end, start);
  editor.revealRange(new vscode.Range(start, start), vscode.TextEditorRevealType.AtTop);
}

export function registerCommands(context: CommandContext): vscode.Disposable[] {
  const commands: Record<string, [string, (...args: unknown[]) => Promise<unknown>]> = {
    "catalytic.buildIndex": ["Build Index", () => buildIndex(context)],
    "catalytic.resolveSymbol": ["Resolve Symbol", (arg) => resolveSymbol(context, arg)],
    "catalytic.bundleForIntent": ["Bundle for Intent", (arg) => bundleForIntent(context, arg)],
    "catalytic.planRequest": ["Plan Request", (arg) => planRequest(context, arg, false)],
    "catalytic.planAndPostRequest": ["Plan and Post Request", (arg) => planRequest(context, arg, true)],
    "catalytic.executeJob": ["Execute Job", (arg, workers) => executeJob(context, arg, workers)],
    "catalytic.verifyCassette": ["Verify Cassette", (arg) => verifyCassette(context, arg)],
    "catalytic.showReceipt": ["Show Receipt", (arg) => showReceipt(context, arg)],
    "catalytic.restoreRun": ["Restore Run", (arg) => restoreRun(context, arg)],
    "catalytic.showReport": ["Show Report", (arg) => showReport(context, arg)],
    "catalytic.refreshJobs": ["Refresh Jobs", () => context.jobs.refreshAll()],
    "catalytic.showRunPanel": ["Show Run Panel", (arg) => showRunPanel(context, arg)],
    "catalytic.openPlan": ["Open Plan", (arg) => openPlan(context, arg)],
    "catalytic.copyId": ["Copy Id", (arg) => copyId(arg)],
    "catalytic.openSection": ["Open Section", (arg) => openSection(arg)],
    "catalytic.showOutput": ["Show Output", async () => context.output.show(true)],
    "catalytic.restartServer": ["Restart Language Server", () => context.client.restart()],
  };
  return Object.entries(commands).map(([id, [title, handler]]) => vscode.commands.registerCommand(id, guarded(context, title, handler)));
}
