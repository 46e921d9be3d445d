// buildBundle: the smallest context for an intent (docs/bundles.md). Refs first (always, bounded), then search
// candidates within a score gap of the best, cut to their matching lines and fitted in rank order; baseline,
// dropped list, hash, id.
import {
  type Bundle,
  type BundleBody,
  type BundleDropped,
  type BundleItem,
  type TokenCounter,
  BundleSchema,
  UsageError,
  assertId,
  bundleHash,
  bundleId,
  contentHash,
  formatSlice,
  parseSlice,
} from "@catalytic/core";
import type { ExtractedSection } from "../extract.js";
import type { Index } from "../workspace-index.js";
import { cutSection } from "./cut.js";
import { type RefCost, badBudget, badPercent, refsOverBudget } from "./errors.js";
import { resolveRef, searchText, wantedRefs } from "./refs.js";
import { isReused, priorOfRun } from "./reuse.js";
import { type SliceSpan, sliceSpan } from "./span.js";
import { contentTerms } from "./terms.js";
import { BUNDLE_DEFAULTS, type BundleBuild, type BundleChunk, type BundleRequest } from "./types.js";

interface Candidate {
  section: ExtractedSection;
  ref: string | null;
  slice: string;
  span: SliceSpan;
  tokens: number;
  score: number | null;
  reason: BundleItem["reason"];
  /** Position in the ref list or the search ranking. */
  rank: number;
  /** The ref as written (refs only), for budget errors. */
  text?: string;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) throw badBudget(name, value);
  return value;
}

function percent(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0 || value > 100) throw badPercent(name, value);
  return value;
}

function bundleBudgets(request: BundleRequest): Bundle["budgets"] {
  const maxTokens = positive("budget_tokens", request.budget_tokens, BUNDLE_DEFAULTS.budget_tokens);
  return {
    max_tokens: maxTokens,
    max_items: positive("max_items", request.max_items, BUNDLE_DEFAULTS.max_items),
    max_tokens_per_item: positive("max_tokens_per_item", request.max_tokens_per_item, Math.min(BUNDLE_DEFAULTS.max_tokens_per_item, maxTokens)),
  };
}

function firstSymbol(index: Index, sectionId: string): string | null {
  return index.symbolsOfSection(sectionId)[0] ?? null;
}

function refCandidates(index: Index, request: BundleRequest, runId: string | null, counter: TokenCounter): Candidate[] {
  const out: Candidate[] = [];
  for (const wanted of wantedRefs(request.intent, request.refs ?? [])) {
    const resolved = resolveRef(index, wanted, runId ?? undefined);
    if (out.some((c) => c.section.sectionId === resolved.sectionId && c.slice === resolved.slice)) continue;
    const read = index.readSection(resolved.sectionId);
    const span = sliceSpan(read.text, read.section.lineStart, parseSlice(resolved.slice));
    out.push({
      section: read.section,
      ref: resolved.symbolSection ? resolved.symbolId : firstSymbol(index, resolved.sectionId),
      slice: resolved.slice,
      span,
      tokens: counter.count(span.payload),
      score: null,
      reason: resolved.reason,
      rank: out.length,
      text: resolved.text,
    });
  }
  return out;
}

function checkRefs(refs: readonly Candidate[], budgets: Bundle["budgets"]): void {
  const costs: RefCost[] = refs.map((c) => ({ ref: c.text as string, tokens: c.tokens }));
  const tooBig = costs.filter((c) => c.tokens > budgets.max_tokens_per_item);
  if (tooBig.length > 0) throw refsOverBudget("max_tokens_per_item", budgets.max_tokens_per_item, costs, tooBig);
  if (costs.length > budgets.max_items) throw refsOverBudget("max_items", budgets.max_items, costs, costs);
  const total = costs.reduce((sum, c) => sum + c.tokens, 0);
  if (total > budgets.max_tokens) throw refsOverBudget("max_tokens", budgets.max_tokens, costs, costs);
}

function dropped(c: Pick<Candidate, "section" | "ref" | "score">, lines: [number, number], tokens: number, why: BundleDropped["why"]): BundleDropped {
  return {
    section_id: c.section.sectionId,
    ref: c.ref,
    file_path: c.section.filePath,
    heading_path: c.section.headingPath,
    line_start: lines[0],
    line_end: lines[1],
    tokens,
    score: c.score,
    why,
  };
}

function overlaps(a: Candidate, b: Candidate): boolean {
  return a.section.filePath === b.section.filePath && a.span.lineStart < b.span.lineEnd && b.span.lineStart < a.span.lineEnd;
}

/** Search candidates, each cut to the per-item bound; the ones that cannot be cut are dropped right away. */
function searchCandidates(
  index: Index,
  request: BundleRequest,
  runId: string | null,
  counter: TokenCounter,
  budgets: Bundle["budgets"],
  k: number,
  itemTokens: number,
  out: { dropped: Array<{ rank: number; entry: BundleDropped }> },
): Candidate[] {
  const query = searchText(request.intent);
  if (!/[\p{L}\p{N}_]/u.test(query)) return [];
  const terms = contentTerms(query);
  const result = index.search(query, { k, ...(runId !== null ? { runId } : {}) });
  const candidates: Candidate[] = [];
  result.hits.forEach((hit, rank) => {
    const read = index.readSection(hit.sectionId);
    const section = read.section;
    const ref = firstSymbol(index, section.sectionId);
    const matched = new Set(hit.matchLines.map((line) => line - section.lineStart));
    const cut = cutSection(read.text, terms, matched, counter, Math.min(itemTokens, budgets.max_tokens_per_item), BUNDLE_DEFAULTS.context_lines);
    if (!cut) {
      const entry = dropped({ section, ref, score: hit.score }, [section.lineStart, section.lineEnd], counter.count(read.text), "max_tokens_per_item");
      out.dropped.push({ rank, entry });
      return;
    }
    const span = sliceSpan(read.text, section.lineStart, cut.slice);
    // A parent and a child section cut to the same lines hold the same text: the better-ranked one stays a candidate.
    if (candidates.some((c) => c.section.filePath === section.filePath && c.span.lineStart === span.lineStart && c.span.lineEnd === span.lineEnd)) {
      out.dropped.push({ rank, entry: dropped({ section, ref, score: hit.score }, [span.lineStart, span.lineEnd], cut.tokens, "overlap") });
      return;
    }
    candidates.push({ section, ref, slice: formatSlice(cut.slice), span, tokens: cut.tokens, score: hit.score, reason: "search", rank });
  });
  return candidates;
}

function baseline(index: Index, files: readonly string[], counter: TokenCounter): Bundle["baseline"] {
  let tokens = 0;
  for (const file of files) {
    const whole = index.sectionsOfFile(file).find((s) => s.kind === "file");
    if (whole) tokens += counter.count(index.readSection(whole.sectionId).text);
  }
  return { files: [...files], tokens };
}

/**
 * Builds a bundle. Refs are resolved and checked against the budgets before search runs, so a bundle whose refs do
 * not fit fails (CAT_BUDGET_EXCEEDED) having stored nothing. With a run id, the items the run had not expanded yet
 * are recorded in the index's expansion cache under the run (unless `record: false`), so later bundles and
 * resolutions see them as reused.
 */
export function buildBundle(index: Index, request: BundleRequest, counter: TokenCounter): BundleBuild {
  const intent = request.intent;
  if (typeof intent !== "string" || intent.trim() === "") {
    throw new UsageError("CAT_USAGE", "the bundle intent is empty", { hint: 'say what the context is for, e.g. catalytic bundle "add a new slice kind"' });
  }
  const runId = request.run_id ?? null;
  if (runId !== null) assertId(runId, "run_id");
  const budgets = bundleBudgets(request);
  const k = positive("k", request.k, BUNDLE_DEFAULTS.k);
  const itemTokens = positive("search_item_tokens", request.search_item_tokens, BUNDLE_DEFAULTS.search_item_tokens);
  const minScore = percent("min_score_percent", request.min_score_percent, BUNDLE_DEFAULTS.min_score_percent);

  const refs = refCandidates(index, request, runId, counter);
  checkRefs(refs, budgets);

  const drops: Array<{ rank: number; entry: BundleDropped }> = [];
  const candidates = searchCandidates(index, request, runId, counter, budgets, k, itemTokens, { dropped: drops });
  const chosen: Candidate[] = [];
  let total = refs.reduce((sum, c) => sum + c.tokens, 0);
  // Rank order: the best match is taken first; candidates far below it are noise the budget need not be spent on.
  const top = candidates.reduce((best, c) => Math.max(best, c.score!), 0);
  for (const c of candidates) {
    const lines: [number, number] = [c.span.lineStart, c.span.lineEnd];
    let why: BundleDropped["why"] | undefined;
    if (c.score! * 100 < top * minScore) why = "score_gap";
    else if ([...refs, ...chosen].some((held) => overlaps(held, c))) why = "overlap";
    else if (refs.length + chosen.length >= budgets.max_items) why = "max_items";
    else if (total + c.tokens > budgets.max_tokens) why = "max_tokens";
    if (why) {
      drops.push({ rank: c.rank, entry: dropped(c, lines, c.tokens, why) });
      continue;
    }
    chosen.push(c);
    total += c.tokens;
  }
  chosen.sort((a, b) => a.rank - b.rank);
  drops.sort((a, b) => a.rank - b.rank);

  const prior = priorOfRun(index, runId, request.prior ?? []);
  const selected = [...refs, ...chosen];
  const items: BundleItem[] = selected.map((c) => ({
    section_id: c.section.sectionId,
    ref: c.ref,
    file_path: c.section.filePath,
    heading_path: c.section.headingPath,
    line_start: c.span.lineStart,
    line_end: c.span.lineEnd,
    slice: c.slice,
    content_hash: contentHash(c.span.payload),
    tokens: c.tokens,
    score: c.score,
    reason: c.reason,
    reused: isReused(prior, c.section.sectionId, c.slice),
  }));
  const reusedItems = items.filter((item) => item.reused);
  const body: BundleBody = {
    intent,
    run_id: runId,
    tokenizer: { name: counter.info.name, library: counter.info.library, version: counter.info.version },
    budgets,
    search_k: k,
    items,
    tokens_total: total,
    reuse: { items: reusedItems.length, tokens: reusedItems.reduce((sum, item) => sum + item.tokens, 0) },
    baseline: baseline(index, [...new Set(items.map((item) => item.file_path))].sort(), counter),
    dropped: drops.map((d) => d.entry),
  };
  const hash = bundleHash(body);
  const bundle = BundleSchema.parse({ bundle_id: bundleId(hash, runId), ...body, bundle_hash: hash });
  const chunks: BundleChunk[] = selected.map((c) => ({ text: c.span.payload, cutBefore: c.span.cutBefore, cutAfter: c.span.cutAfter }));

  const expansions = selected
    .filter((_, i) => !items[i]!.reused)
    .map((c) => ({ reference: c.ref ?? c.section.sectionId, slice: c.slice, sectionId: c.section.sectionId, sectionContentHash: c.section.contentHash, payload: c.span.payload }));
  const built: BundleBuild = { bundle, chunks, expansions };
  if (request.record !== false) recordBundle(index, built);
  return built;
}

/** Stores a bundle's new items under its run (nothing without a run), so later bundles and resolutions reuse them. */
export function recordBundle(index: Index, built: BundleBuild): void {
  if (built.bundle.run_id !== null) index.recordExpansions(built.bundle.run_id, built.expansions);
}
