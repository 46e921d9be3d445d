// Document symbols: the heading tree of a file, plus the @ symbols defined in it or targeting it.
import { SymbolKind, type DocumentSymbol } from "vscode-languageserver";
import { orElse } from "../guard.js";
import type { FeatureContext, RegisterFeature } from "../host.js";
import { headingRange, sectionRange } from "../positions.js";
import { definitionSites } from "./symbol-sites.js";

export function documentSymbols(ctx: FeatureContext, uri: string): DocumentSymbol[] | undefined {
  const file = ctx.docs.pathOf(uri);
  if (file === undefined) return undefined;
  const roots: DocumentSymbol[] = [];
  const stack: Array<{ level: number; symbol: DocumentSymbol }> = [];
  for (const section of ctx.model.sectionsOf(file) ?? []) {
    if (section.kind === "file") continue;
    const symbol: DocumentSymbol = {
      name: section.heading || section.slug,
      detail: `#${section.slug}`,
      kind: section.kind === "declaration" ? SymbolKind.Function : SymbolKind.String,
      range: sectionRange(section),
      selectionRange: headingRange(section),
      children: [],
    };
    while (stack.length && (stack[stack.length - 1] as { level: number }).level >= section.level) stack.pop();
    const parent = stack[stack.length - 1];
    if (parent) parent.symbol.children?.push(symbol);
    else roots.push(symbol);
    stack.push({ level: section.level, symbol });
  }
  // Symbols defined here (front matter, registry) and symbols whose target lies here.
  const seen = new Set<string>();
  for (const symbol of ctx.model.listSymbols()) {
    if (seen.has(symbol.symbolId)) continue;
    // resolveTarget, not getSection: a heading spanning its file shares the file section's id (docs/indexer.md "Sections").
    const section = symbol.sectionId ? ctx.model.resolveTarget(symbol.symbolId) : undefined;
    const sites = definitionSites(ctx, symbol.symbolId).filter((site) => site.file === file && site.origin !== "namespace");
    if (section?.filePath === file) {
      seen.add(symbol.symbolId);
      roots.push({ name: symbol.symbolId, detail: symbol.targetType, kind: SymbolKind.Constant, range: sectionRange(section), selectionRange: headingRange(section) });
    } else if (sites.length) {
      seen.add(symbol.symbolId);
      for (const site of sites) roots.push({ name: symbol.symbolId, detail: `${symbol.targetType} ${symbol.targetRef}`, kind: SymbolKind.Constant, range: site.range, selectionRange: site.range });
    }
  }
  return roots;
}

export const register: RegisterFeature = (connection, { context, guarded }) => {
  connection.onDocumentSymbol(guarded("document symbols", (params) => documentSymbols(context(), params.textDocument.uri) ?? null, orElse(null)));
  return { documentSymbolProvider: true };
};
