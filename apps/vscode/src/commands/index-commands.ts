// Build Index and Resolve Symbol…
import * as vscode from "vscode";
import { CatalyticMethods, type IndexStatus, type ResolveSymbolResult, type SymbolSummary } from "@catalytic/core/protocol";
import type { CommandContext } from "./context.js";
import { resolvedDocument } from "./format.js";

export async function buildIndex(context: CommandContext): Promise<IndexStatus> {
  const status = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: "Catalytic: building the index…" }, () =>
    context.client.request<IndexStatus>(CatalyticMethods.buildIndex, {}),
  );
  void vscode.window.showInformationMessage(`Catalytic index built: ${status.files} files, ${status.sections} sections, ${status.symbols} symbols${status.problems > 0 ? `, ${status.problems} ${status.problems === 1 ? "problem" : "problems"}` : ""}.`);
  return status;
}

interface SymbolPick extends vscode.QuickPickItem {
  symbolId: string;
}

function symbolPicks(symbols: SymbolSummary[]): SymbolPick[] {
  return [...symbols]
    .sort((a, b) => a.symbolId.localeCompare(b.symbolId))
    .map((symbol) => ({
      label: symbol.symbolId,
      description: `${symbol.targetType} ${symbol.targetRef}${symbol.stale ? " (stale)" : ""}`,
      detail: symbol.file === undefined ? undefined : `${symbol.file}${symbol.lineStart === undefined ? "" : `:${symbol.lineStart + 1}`}`,
      symbolId: symbol.symbolId,
    }));
}

export async function resolveSymbol(context: CommandContext, arg?: unknown): Promise<ResolveSymbolResult | undefined> {
  let reference = typeof arg === "string" && arg.trim() !== "" ? arg.trim() : undefined;
  if (!reference) {
    const symbols = await context.client.request<SymbolSummary[]>(CatalyticMethods.listSymbols, {});
    if (symbols.length === 0) {
      void vscode.window.showInformationMessage("Catalytic: no symbols in this workspace. Add some to catalytic.symbols.json or a source namespace in catalytic.json.");
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(symbolPicks(symbols), { title: "Catalytic: Resolve Symbol", placeHolder: "Symbol to resolve", matchOnDescription: true, matchOnDetail: true });
    if (!picked) return undefined;
    reference = picked.symbolId;
  }
  const result = await context.client.request<ResolveSymbolResult>(CatalyticMethods.resolveSymbol, { reference });
  const name = `${result.symbolId.replace(/^@/, "").replace(/[^A-Za-z0-9_.-]+/g, "_")}.md`;
  await context.documents.show(`resolved/${name}`, resolvedDocument(result), "markdown");
  return result;
}
