// Quick fixes: replace an unknown symbol with a suggestion; re-pin a stale SECTION symbol.
import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit } from "vscode-languageserver";
import type { FeatureContext } from "../host.js";
import type { DiagnosticData } from "./diagnostics.js";
import { DIAGNOSTIC_SOURCE } from "./diagnostics.js";

/** Computes the registry edit that re-pins a stale symbol; supplied by the host (it owns the registry file). */
export type RepinEdit = (symbolId: string) => { uri: string; edits: TextEdit[] } | undefined;

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
