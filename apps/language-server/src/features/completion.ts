// Completion after `@` (namespaces), `@NS/` (symbol names) and `@NS/NAME#` (heading slugs of the target file).
import { CompletionItemKind, type CompletionItem, type CompletionList, type Position } from "vscode-languageserver";
import { orElse } from "../guard.js";
import type { FeatureContext, RegisterFeature } from "../host.js";
import { preview } from "./hover.js";

const MAX_ITEMS = 500;
const DOC_PREVIEW_CHARS = 600;
const EAGER_DOCS = 50;

/** What is being typed at the cursor, read backwards from it on the current line. */
export type CompletionContextKind =
  | { kind: "namespace"; typed: string; start: number }
  | { kind: "name"; namespace: string; typed: string; start: number }
  | { kind: "slug"; symbolId: string; typed: string; start: number };

export function completionContext(line: string, character: number): CompletionContextKind | undefined {
  let at = character;
  while (at > 0 && /[A-Za-z0-9_.\-/#]/.test(line[at - 1] as string)) at--;
  if (line[at - 1] !== "@") return undefined;
  const before = line[at - 2];
  if (before !== undefined && /[A-Za-z0-9.]/.test(before)) return undefined;
  const token = line.slice(at, character);
  const start = at - 1;
  const hash = token.indexOf("#");
  if (hash !== -1) {
    return { kind: "slug", symbolId: `@${token.slice(0, hash)}`, typed: token.slice(hash + 1), start: start + hash + 2 };
  }
  const slash = token.indexOf("/");
  if (slash === -1) return /^[A-Z0-9_]*$/i.test(token) ? { kind: "namespace", typed: token, start } : undefined;
  return { kind: "name", namespace: token.slice(0, slash), typed: token.slice(slash + 1), start };
}

export function completion(ctx: FeatureContext, uri: string, position: Position): CompletionItem[] | CompletionList | undefined {
  const file = ctx.docs.pathOf(uri);
  if (file === undefined) return undefined;
  const text = ctx.docs.open(uri)?.getText({ start: { line: position.line, character: 0 }, end: position }) ??
    (ctx.docs.text(file) ?? "").split("\n", position.line + 1)[position.line]?.slice(0, position.character) ?? "";
  const context = completionContext(text, position.character);
  if (!context) return undefined;
  const range = { start: { line: position.line, character: context.start }, end: position };
  if (context.kind === "namespace") {
    return ctx.model.namespaces().map((namespace) => ({
      label: `@${namespace}/`,
      kind: CompletionItemKind.Module,
      textEdit: { range, newText: `@${namespace}/` },
      filterText: `@${namespace}/`,
    }));
  }
  if (context.kind === "name") {
    // Names starting with what is typed; a truncated list is marked incomplete so the client asks again as the user types.
    const ids = ctx.model.listSymbolIds(`@${context.namespace}/${context.typed}`);
    const items = ids.slice(0, MAX_ITEMS).flatMap((symbolId): CompletionItem[] => {
      const symbol = ctx.model.getSymbol(symbolId);
      if (!symbol) return [];
      return [{
        label: symbolId,
        kind: symbol.targetType === "FILE" ? CompletionItemKind.File : CompletionItemKind.Reference,
        detail: `${symbol.targetType} ${symbol.targetRef}${symbol.stale ? " (stale pin)" : ""}`,
        textEdit: { range, newText: symbolId },
        filterText: symbolId,
        data: { symbolId },
      }];
    });
    // Small lists carry their documentation; larger ones resolve it per item (completionItem/resolve).
    return { isIncomplete: ids.length > MAX_ITEMS, items: items.length <= EAGER_DOCS ? items.map((item) => resolveCompletionItem(ctx, item)) : items };
  }
  const target = ctx.model.resolveTarget(context.symbolId);
  if (!target) return undefined;
  return (ctx.model.sectionsOf(target.filePath) ?? []).flatMap((section) => section.slug === "" ? [] : [{
    label: section.slug,
    kind: CompletionItemKind.Field,
    detail: section.headingPath.join(" > "),
    textEdit: { range: { start: { line: position.line, character: context.start }, end: position }, newText: section.slug },
    filterText: section.slug,
  }]);
}

/** completionItem/resolve: the target and a short preview, computed only for the item the user looks at. */
export function resolveCompletionItem(ctx: FeatureContext, item: CompletionItem): CompletionItem {
  const symbolId = (item.data as { symbolId?: unknown } | undefined)?.symbolId;
  if (typeof symbolId !== "string") return item;
  const section = ctx.model.resolveTarget(symbolId);
  if (!section) return item;
  const text = ctx.model.sectionText(section.sectionId) ?? "";
  const head = `\`${section.filePath}\` lines ${section.lineStart + 1}–${section.lineEnd}` + (section.headingPath.length ? ` · ${section.headingPath.join(" > ")}` : "");
  return { ...item, documentation: { kind: "markdown", value: `${head}\n\n${preview(text, DOC_PREVIEW_CHARS, section.filePath)}` } };
}

export const register: RegisterFeature = (connection, { context, guarded }) => {
  connection.onCompletion(guarded("completion", (params) => completion(context(), params.textDocument.uri, params.position) ?? null, orElse(null)));
  connection.onCompletionResolve((item, token) => guarded("completion resolve", () => resolveCompletionItem(context(), item), orElse(item))(item, token));
  return { completionProvider: { triggerCharacters: ["@", "/", "#"], resolveProvider: true } };
};
