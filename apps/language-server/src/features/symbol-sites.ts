// Where a symbol is written: its definition sites (registry, front matter, namespace) and its uses. Shared by
// references, rename, diagnostics and document symbols.
import { isSymbolId } from "@catalytic/core";
import type { SymbolDefinition } from "@catalytic/indexer";
import type { Location, Position, Range } from "vscode-languageserver";
import { CHUNK, yieldToEventLoop, type Cancellation, type FeatureContext } from "../host.js";
import { lineText, rangeContains, referenceAt } from "../positions.js";

export interface DefinitionSite {
  file: string;
  origin: SymbolDefinition["origin"];
  /** The id as written (without quotes); the start of the file for namespace symbols. */
  range: Range;
}

/** Where each definition of `symbolId` writes the id. */
export function definitionSites(ctx: FeatureContext, symbolId: string): DefinitionSite[] {
  const symbol = ctx.model.getSymbol(symbolId);
  if (!symbol) return [];
  return symbol.definitions.map((definition) => ({ file: definition.file, origin: definition.origin, range: idRange(ctx, symbolId, definition) }));
}

function idRange(ctx: FeatureContext, symbolId: string, definition: SymbolDefinition): Range {
  const fallback = { start: { line: definition.line, character: definition.character ?? 0 }, end: { line: definition.line, character: definition.character ?? 0 } };
  if (definition.origin === "namespace") return fallback;
  const line = lineText(ctx.docs.text(definition.file), definition.line);
  if (line === undefined) return fallback;
  let at = line.indexOf(JSON.stringify(symbolId).slice(0, -1), definition.character ?? 0);
  if (at === -1) at = line.indexOf(symbolId);
  else at += 1;
  if (at === -1) return fallback;
  return { start: { line: definition.line, character: at }, end: { line: definition.line, character: at + symbolId.length } };
}

/** The symbol under the cursor: a reference, or a definition key (registry or front matter). */
export function symbolAt(ctx: FeatureContext, uri: string, position: Position): string | undefined {
  const file = ctx.docs.pathOf(uri);
  if (file === undefined) return undefined;
  const match = referenceAt(ctx.docs.references(file), position);
  if (match) return match.symbolId;
  const id = quotedIdAt(ctx.docs.text(file), position);
  if (id === undefined) return undefined;
  const onThisLine = definitionSites(ctx, id).some((site) => site.file === file && site.origin !== "namespace" && rangeContains(site.range, position));
  return onThisLine ? id : undefined;
}

/** The quoted `"@NS/NAME"` string under the cursor (registry keys and front-matter keys are quoted). */
function quotedIdAt(text: string | undefined, position: Position): string | undefined {
  const line = lineText(text, position.line);
  if (line === undefined) return undefined;
  const open = line.lastIndexOf('"', position.character - 1);
  const close = line.indexOf('"', position.character);
  if (open === -1 || close === -1) return undefined;
  const candidate = line.slice(open + 1, close);
  return isSymbolId(candidate) ? candidate : undefined;
}

/** Every reference to `symbolId` in the workspace; undefined when cancelled (checked between chunks of files). */
export async function usesOf(ctx: FeatureContext, symbolId: string, token?: Cancellation): Promise<Location[] | undefined> {
  const locations: Location[] = [];
  const files = ctx.docs.markdownFiles();
  for (let i = 0; i < files.length; i++) {
    if (i > 0 && i % CHUNK === 0) await yieldToEventLoop();
    if (token?.isCancellationRequested) return undefined;
    const file = files[i] as string;
    let uri: string | undefined;
    for (const match of ctx.docs.references(file)) {
      if (match.symbolId !== symbolId) continue;
      uri ??= ctx.docs.uriOf(file);
      locations.push({ uri, range: match.symbolRange });
    }
  }
  return locations;
}
