// Go to definition: the section a reference points at (the `#slug` heading's section when given).
import type { Location, Position } from "vscode-languageserver";
import { orElse } from "../guard.js";
import type { FeatureContext, RegisterFeature } from "../host.js";
import { referenceAt, sectionRange } from "../positions.js";

export function definition(ctx: FeatureContext, uri: string, position: Position): Location | undefined {
  const file = ctx.docs.pathOf(uri);
  if (file === undefined) return undefined;
  const match = referenceAt(ctx.docs.references(file), position);
  if (!match) return undefined;
  const section = ctx.model.resolveTarget(match.symbolId, match.slug);
  if (!section) return undefined;
  return { uri: ctx.docs.uriOf(section.filePath), range: sectionRange(section) };
}

export const register: RegisterFeature = (connection, { context, guarded }) => {
  connection.onDefinition(guarded("definition", (params) => definition(context(), params.textDocument.uri, params.position) ?? null, orElse(null)));
  return { definitionProvider: true };
};
