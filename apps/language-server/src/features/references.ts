// Find references: every use of a symbol across the workspace, open buffers included.
import { isSymbolId } from "@catalytic/core";
import type { Location, Position } from "vscode-languageserver";
import { CHUNK, yieldToEventLoop, type Cancellation, type FeatureContext } from "../host.js";
import { rangeContains, referenceAt } from "../positions.js";
import { definitionSites } from "./rename.js";

export async function references(
  ctx: FeatureContext,
  uri: string,
  position: Position,
  includeDeclaration: boolean,
  token?: Cancellation,
): Promise<Location[] | undefined> {
  const symbolId = symbolAt(ctx, uri, position);
  if (symbolId === undefined) return undefined;
  const uses = await usesOf(ctx, symbolId, token);
  if (uses === undefined || !includeDeclaration) return uses;
  const declarations = definitionSites(ctx, symbolId).map((site) => ({ uri: ctx.docs.uriOf(site.file), range: site.range }));
  return [...declarations, ...uses];
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
  if (text === undefined) return undefined;
  let start = 0;
  for (let n = 0; n < position.line; n++) {
    const next = text.indexOf("\n", start);
    if (next === -1) return undefined;
    start = next + 1;
  }
  const lineEnd = text.indexOf("\n", start);
  const line = text.slice(start, lineEnd === -1 ? text.length : lineEnd);
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
