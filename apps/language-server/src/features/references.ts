// Find references: every use of a symbol across the workspace, open buffers included.
import type { Location, Position } from "vscode-languageserver";
import { orElse } from "../guard.js";
import type { Cancellation, FeatureContext, RegisterFeature } from "../host.js";
import { definitionSites, symbolAt, usesOf } from "./symbol-sites.js";
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

export const register: RegisterFeature = (connection, { context, guarded }) => {
  connection.onReferences(
    guarded("references", async (params, token) => (await references(context(), params.textDocument.uri, params.position, params.context.includeDeclaration, token)) ?? null, orElse(null)),
  );
  return { referencesProvider: { workDoneProgress: false } };
};
