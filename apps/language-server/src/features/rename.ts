// Rename a symbol defined in catalytic.symbols.json or front matter: the definition and every use.
import { SymbolError, isSymbolId } from "@catalytic/core";
import { unknownSymbolError, type SymbolDefinition } from "@catalytic/indexer";
import type { Position, Range, TextEdit, WorkspaceEdit } from "vscode-languageserver";
import type { Cancellation, FeatureContext } from "../host.js";
import { rangeContains } from "../positions.js";
import { symbolAt, usesOf } from "./references.js";

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
  const line = lineOf(ctx.docs.text(definition.file), definition.line);
  if (line === undefined) return fallback;
  let at = line.indexOf(JSON.stringify(symbolId).slice(0, -1), definition.character ?? 0);
  if (at === -1) at = line.indexOf(symbolId);
  else at += 1;
  if (at === -1) return fallback;
  return { start: { line: definition.line, character: at }, end: { line: definition.line, character: at + symbolId.length } };
}

function lineOf(text: string | undefined, line: number): string | undefined {
  if (text === undefined) return undefined;
  let start = 0;
  for (let n = 0; n < line; n++) {
    const next = text.indexOf("\n", start);
    if (next === -1) return undefined;
    start = next + 1;
  }
  const end = text.indexOf("\n", start);
  return text.slice(start, end === -1 ? text.length : end).replace(/\r$/, "");
}

function renamable(ctx: FeatureContext, symbolId: string): void {
  const symbol = ctx.model.getSymbol(symbolId);
  if (!symbol) throw unknownSymbolError(symbolId, ctx.model.suggest(symbolId, 3));
  if (symbol.definitions.some((d) => d.origin === "namespace")) {
    throw new SymbolError("CAT_SYMBOL_INVALID", `${symbolId} is the namespace symbol of a file in a namespaced source`, {
      hint: "rename or move the file instead; only registry and front-matter symbols can be renamed",
    });
  }
}

export function prepareRename(ctx: FeatureContext, uri: string, position: Position): { range: Range; placeholder: string } | undefined {
  const file = ctx.docs.pathOf(uri);
  const symbolId = symbolAt(ctx, uri, position);
  if (symbolId === undefined || file === undefined) return undefined;
  renamable(ctx, symbolId);
  const match = ctx.docs.references(file).find((m) => m.symbolId === symbolId && rangeContains(m.symbolRange, position));
  const site = definitionSites(ctx, symbolId).find((s) => s.file === file && rangeContains(s.range, position));
  const range = match?.symbolRange ?? site?.range;
  return range ? { range, placeholder: symbolId } : undefined;
}

export async function rename(ctx: FeatureContext, uri: string, position: Position, newName: string, token?: Cancellation): Promise<WorkspaceEdit | undefined> {
  const symbolId = symbolAt(ctx, uri, position);
  if (symbolId === undefined) return undefined;
  renamable(ctx, symbolId);
  const target = newName.startsWith("@") ? newName : `@${newName}`;
  if (!isSymbolId(target)) {
    throw new SymbolError("CAT_SYMBOL_INVALID", `${JSON.stringify(newName)} is not a symbol id`, {
      hint: "write @NAMESPACE/name: an upper-case namespace, then /-separated segments of [A-Za-z0-9_.-]",
    });
  }
  if (target !== symbolId && ctx.model.getSymbol(target)) {
    throw new SymbolError("CAT_SYMBOL_EXISTS", `${target} is already defined`, { hint: "pick a name no other symbol uses" });
  }
  const uses = await usesOf(ctx, symbolId, token);
  if (uses === undefined) return undefined;
  const changes: Record<string, TextEdit[]> = {};
  const add = (fileUri: string, range: Range): void => {
    (changes[fileUri] ??= []).push({ range, newText: target });
  };
  for (const site of definitionSites(ctx, symbolId)) add(ctx.docs.uriOf(site.file), site.range);
  for (const use of uses) add(use.uri, use.range);
  return { changes };
}
