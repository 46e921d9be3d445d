// Hover on a reference: what it points at, the slice applied, the hash, bytes and tokens, and a capped preview.
import { isCatalyticError, type ReferenceMatch } from "@catalytic/core";
import type { ResolvedPayload, SymbolRecord, WorkspaceModel } from "@catalytic/indexer";
import type { Hover, Position } from "vscode-languageserver";
import { orElse } from "../guard.js";
import type { FeatureContext, RegisterFeature } from "../host.js";
import { referenceAt, shortHash } from "../positions.js";

const PREVIEW_MAX_LINES = 40;
const ORIGIN_LABEL = { registry: "symbol registry", "front-matter": "front matter", namespace: "namespace source" } as const;

export async function hover(ctx: FeatureContext, uri: string, position: Position): Promise<Hover | undefined> {
  const file = ctx.docs.pathOf(uri);
  if (file === undefined) return undefined;
  const match = referenceAt(ctx.docs.references(file), position);
  if (!match) return undefined;
  const answer = (value: string): Hover => ({ range: match.range, contents: { kind: "markdown", value } });
  const texts = hoverTextsOf(ctx);
  const key = `${match.symbolId}\u0000${match.slug ?? ""}\u0000${match.slice ?? ""}`;
  const cached = texts.get(key);
  if (cached !== undefined) return answer(cached);
  const parts = hoverParts(ctx, match);
  if (typeof parts === "string") {
    texts.set(key, parts);
    return answer(parts);
  }
  // The expansion's tokens: known, counted now (token-counts.ts), or left out when they cannot be counted.
  const count = ctx.tokens ? (ctx.tokens.known(parts.payload) ?? (await ctx.tokens.count(parts.payload))) : undefined;
  const text = parts.render(count);
  if (count !== undefined || !ctx.tokens) texts.set(key, text);
  return answer(text);
}

/** Hover texts of one model revision by reference: an editor asks again each time the pointer rests on one. */
const hoverTexts = new WeakMap<WorkspaceModel, { revision: number; previewChars: number; tokens: FeatureContext["tokens"]; texts: Map<string, string> }>();

function hoverTextsOf(ctx: FeatureContext): Map<string, string> {
  let entry = hoverTexts.get(ctx.model);
  if (!entry || entry.revision !== ctx.model.revision || entry.previewChars !== ctx.hoverPreviewChars || entry.tokens !== ctx.tokens) {
    entry = { revision: ctx.model.revision, previewChars: ctx.hoverPreviewChars, tokens: ctx.tokens, texts: new Map() };
    hoverTexts.set(ctx.model, entry);
  }
  return entry.texts;
}

function title(match: ReferenceMatch): string {
  return `**${escapeMarkdown(match.symbolId + (match.slug ? `#${match.slug}` : ""))}**`;
}

/** The hover text (a reference that does not expand), or the payload and how to render it with its token count. */
function hoverParts(ctx: FeatureContext, match: ReferenceMatch): string | { payload: string; render: (tokens: number | undefined) => string } {
  const symbol = ctx.model.getSymbol(match.symbolId);
  if (!symbol) {
    const suggestions = ctx.model.suggest(match.symbolId, 3);
    const hint = suggestions.length ? ` Did you mean ${suggestions.map((s) => `\`${s}\``).join(", ")}?` : "";
    return `${title(match)} — unknown symbol (CAT_SYMBOL_UNKNOWN).${hint}`;
  }
  let resolved: ResolvedPayload;
  try {
    resolved = ctx.model.resolve({ symbolId: match.symbolId, slug: match.slug, slice: match.slice });
  } catch (error) {
    if (!isCatalyticError(error)) throw error;
    const lead = error.code === "CAT_SYMBOL_STALE" ? "Stale pin" : "Cannot expand";
    const hint = error.hint ? ` ${error.hint}.` : "";
    return [`${title(match)} — ${symbol.targetType} \`${symbol.targetRef}\``, `${lead} (${error.code}): ${error.message}.${hint}`, definedLine(symbol)].join("\n\n");
  }
  const section = resolved.section;
  const where = `\`${section.filePath}\` lines ${section.lineStart + 1}–${section.lineEnd}` +
    (section.headingPath.length ? ` · ${escapeMarkdown(section.headingPath.join(" > "))}` : "");
  const sliceNote = resolved.sliceSource === "explicit" ? "" : resolved.sliceSource === "symbol_default" ? " (symbol default)" : " (default bound)";
  const facts = `slice \`${resolved.sliceText}\`${sliceNote} · hash \`${shortHash(resolved.contentHash)}\` · ${resolved.bytes} bytes`;
  const rest = [preview(resolved.payload, ctx.hoverPreviewChars, section.filePath), definedLine(symbol)];
  const head = `${title(match)} — ${symbol.targetType}`;
  return {
    payload: resolved.payload,
    render: (tokens) => [head, where, tokens === undefined ? facts : `${facts} · ${tokens} tokens`, ...rest].join("\n\n"),
  };
}

function definedLine(symbol: SymbolRecord): string {
  return symbol.definitions.map((d) => `_defined in ${ORIGIN_LABEL[d.origin]} \`${d.file}\`_`).join("  \n");
}

/** A fenced preview capped by characters and lines; says when and how much it was cut. */
export function preview(payload: string, maxChars: number, file: string): string {
  let text = payload.length > maxChars ? payload.slice(0, maxChars) : payload;
  const lines = text.split("\n");
  if (lines.length > PREVIEW_MAX_LINES) text = lines.slice(0, PREVIEW_MAX_LINES).join("\n");
  const cut = text.length < payload.length;
  let longestRun = 0;
  for (const run of text.match(/`+/g) ?? []) longestRun = Math.max(longestRun, run.length);
  const fence = "`".repeat(Math.max(3, longestRun + 1));
  const language = /\.(md|markdown|mdx)$/i.test(file) ? "markdown" : "";
  const block = `${fence}${language}\n${text.replace(/\n+$/, "")}\n${fence}`;
  return cut ? `${block}\n\n_preview cut: ${text.length} of ${payload.length} characters shown_` : block;
}

function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>])/g, "\\$1");
}

export const register: RegisterFeature = (connection, { context, guarded }) => {
  connection.onHover(guarded("hover", async (params) => (await hover(context(), params.textDocument.uri, params.position)) ?? null, orElse(null)));
  return { hoverProvider: true };
};
