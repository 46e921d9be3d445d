// Rename a symbol defined in catalytic.symbols.json or front matter: the definition and every use.
import { SymbolError, isSymbolId } from "@catalytic/core";
import { unknownSymbolError } from "@catalytic/indexer";
import type { Position, Range, TextEdit, WorkspaceEdit } from "vscode-languageserver";
import type { Cancellation, FeatureContext, RegisterFeature } from "../host.js";
import { rangeContains } from "../positions.js";
import { definitionSites, symbolAt, usesOf } from "./symbol-sites.js";

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

/** A rename that cannot be done answers its typed error (the client shows it); not ready in time answers null. */
export const register: RegisterFeature = (connection, { context, guarded }) => {
  connection.onPrepareRename(guarded("prepare rename", (params) => prepareRename(context(), params.textDocument.uri, params.position) ?? null, { notReady: { value: null }, onError: "error" }));
  connection.onRenameRequest(
    guarded("rename", async (params, token) => (await rename(context(), params.textDocument.uri, params.position, params.newName, token)) ?? null, { notReady: { value: null }, onError: "error" }),
  );
  return { renameProvider: { prepareProvider: true } };
};
