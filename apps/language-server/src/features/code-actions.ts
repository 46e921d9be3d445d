// Quick fixes: replace an unknown symbol with a suggestion; re-pin a stale SECTION symbol.
import { CodeActionKind, type CodeAction, type Diagnostic } from "vscode-languageserver";
import { orElse } from "../guard.js";
import type { FeatureContext, RegisterFeature, RepinEdit } from "../host.js";
import type { DiagnosticData } from "./diagnostics.js";
import { DIAGNOSTIC_SOURCE } from "./diagnostics.js";

export function codeActions(ctx: FeatureContext, uri: string, diagnostics: readonly Diagnostic[], repin: RepinEdit): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
    const data = (diagnostic.data ?? {}) as DiagnosticData;
    if (diagnostic.code === "CAT_SYMBOL_UNKNOWN") {
      const suggestions = data.suggestions ?? (data.symbolId ? ctx.model.suggest(data.symbolId, 3) : []);
      suggestions.forEach((suggestion, i) => {
        actions.push({
          title: `Replace with ${suggestion}`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          isPreferred: i === 0,
          edit: { changes: { [uri]: [{ range: diagnostic.range, newText: suggestion }] } },
        });
      });
    }
    if (diagnostic.code === "CAT_SYMBOL_STALE" && data.symbolId) {
      const fix = repin(data.symbolId);
      if (fix) {
        actions.push({
          title: `Re-pin ${data.symbolId} to the current section`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          isPreferred: true,
          edit: { changes: { [fix.uri]: fix.edits } },
        });
      }
    }
  }
  return actions;
}

export const register: RegisterFeature = (connection, { context, guarded, repinEdit }) => {
  connection.onCodeAction(guarded("code actions", (params) => codeActions(context(), params.textDocument.uri, params.context.diagnostics, repinEdit), orElse([])));
  return { codeActionProvider: { codeActionKinds: ["quickfix"] } };
};
