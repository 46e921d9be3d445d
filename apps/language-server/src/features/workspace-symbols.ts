// Workspace symbols: every @ symbol, matched fuzzily (the query's characters in order), best first.
import { SymbolKind, type SymbolInformation } from "vscode-languageserver";
import { orElse } from "../guard.js";
import { CHUNK, yieldToEventLoop, type Cancellation, type FeatureContext, type RegisterFeature } from "../host.js";
import { sectionRange } from "../positions.js";

const MAX_RESULTS = 1000;

/** Fuzzy score: undefined when the query's characters do not all appear in order; lower is better. */
export function fuzzyScore(query: string, candidate: string): number | undefined {
  if (query.length === 0) return 0;
  const q = query.toLowerCase();
  const c = candidate.toLowerCase();
  let score = 0;
  let from = 0;
  let previous = -1;
  for (const char of q) {
    const at = c.indexOf(char, from);
    if (at === -1) return undefined;
    score += previous === -1 ? at : at - previous - 1;
    previous = at;
    from = at + 1;
  }
  return score + (c.length - q.length) / 1000;
}

export async function workspaceSymbols(ctx: FeatureContext, query: string, token?: Cancellation): Promise<SymbolInformation[] | undefined> {
  const scored: Array<{ score: number; info: SymbolInformation }> = [];
  let checked = 0;
  for (const symbolId of ctx.model.listSymbolIds()) {
    if (++checked % (CHUNK * 8) === 0) {
      await yieldToEventLoop();
      if (token?.isCancellationRequested) return undefined;
    }
    const score = fuzzyScore(query, symbolId);
    if (score === undefined) continue;
    const symbol = ctx.model.getSymbol(symbolId);
    // resolveTarget, not getSection: a heading spanning its file shares the file section's id (docs/indexer.md "Sections").
    const section = symbol?.sectionId ? ctx.model.resolveTarget(symbolId) : undefined;
    const definition = symbol?.definitions[0];
    const location = section
      ? { uri: ctx.docs.uriOf(section.filePath), range: sectionRange(section) }
      : definition
        ? { uri: ctx.docs.uriOf(definition.file), range: { start: { line: definition.line, character: 0 }, end: { line: definition.line + 1, character: 0 } } }
        : undefined;
    if (!symbol || !location) continue;
    scored.push({
      score,
      info: {
        name: symbolId,
        kind: symbol.targetType === "FILE" ? SymbolKind.File : SymbolKind.Constant,
        location,
        containerName: section ? section.headingPath.join(" > ") || section.filePath : `${symbol.targetType} ${symbol.targetRef}`,
      },
    });
  }
  scored.sort((a, b) => a.score - b.score || (a.info.name < b.info.name ? -1 : a.info.name > b.info.name ? 1 : 0));
  return scored.slice(0, MAX_RESULTS).map((entry) => entry.info);
}

export const register: RegisterFeature = (connection, { context, guarded }) => {
  connection.onWorkspaceSymbol(guarded("workspace symbols", async (params, token) => (await workspaceSymbols(context(), params.query, token)) ?? null, orElse(null)));
  return { workspaceSymbolProvider: true };
};
