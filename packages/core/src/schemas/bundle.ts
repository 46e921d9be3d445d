// Bundle: the smallest context for an intent (docs/bundles.md): bounded slices with provenance, fitted to a
// token budget, with a whole-file baseline and a deterministic hash.
import { z } from "zod";
import { canonicalJson, sha256Hex as sha256 } from "../canonical.js";
import { countAtLeast, idString, nonEmptyString, sha256Hex, sliceText } from "./common.js";
import { SymbolIdSchema } from "./symbol.js";

/** `bundle_` + the first 16 hex digits of sha256 over canonical `{bundle_hash, run_id}`. */
export const BUNDLE_ID_PATTERN = /^bundle_[0-9a-f]{16}$/;

export const BundleReasonSchema = z
  .enum(["ref", "search", "explicit"])
  .describe("Why the item is in the bundle: an @ref written in the intent, a search candidate, or a ref passed explicitly.");

const lineStart = countAtLeast(0, "First file line of the item, 0-based, inclusive.");
const lineEnd = countAtLeast(1, "End file line of the item, 0-based, exclusive (> line_start).");
const LINE_ORDER = { path: ["line_end"], message: "line_end must be after line_start" };

export const BundleItemSchema = z
  .object({
    section_id: sha256Hex("Section the item is a slice of."),
    ref: SymbolIdSchema.nullable().describe("Symbol id whose target is this section, else null."),
    file_path: nonEmptyString("POSIX path relative to the workspace root."),
    heading_path: z.array(z.string()).describe("Enclosing headings of the section; empty for the file-level section."),
    line_start: lineStart,
    line_end: lineEnd,
    slice: sliceText("Bounded slice of the section text (section-relative), e.g. lines[4:30]; never ALL."),
    content_hash: sha256Hex("sha256 of the item's content (the slice of the section, LF newlines)."),
    tokens: countAtLeast(0, "Tokens of the item's content (the bundle's tokenizer)."),
    score: z.number().nullable().describe("Search score (higher is better); null for ref and explicit items."),
    reason: BundleReasonSchema,
    reused: z.boolean().describe("True when this run already expanded this content; its tokens are not counted again."),
  })
  .strict()
  .refine((item) => item.line_start < item.line_end, LINE_ORDER)
  .describe("One bounded slice of a section, with its provenance.");

export const BundleDroppedSchema = z
  .object({
    section_id: sha256Hex("Candidate section."),
    ref: SymbolIdSchema.nullable().describe("Symbol id whose target is this section, else null."),
    file_path: nonEmptyString("POSIX path relative to the workspace root."),
    heading_path: z.array(z.string()).describe("Enclosing headings of the section."),
    line_start: lineStart,
    line_end: lineEnd,
    tokens: countAtLeast(0, "Tokens the candidate would have cost."),
    score: z.number().nullable().describe("Search score of the candidate."),
    why: z
      .enum(["max_tokens", "max_items", "max_tokens_per_item", "overlap", "score_gap"])
      .describe("The budget it did not fit; overlap: it overlaps lines an earlier item already holds; score_gap: its search score is under min_score_percent of the top score (docs/bundles.md)."),
  })
  .strict()
  .refine((item) => item.line_start < item.line_end, LINE_ORDER)
  .describe("A candidate left out of the bundle, with its tokens and why.");

export const BundleSchema = z
  .object({
    bundle_id: z
      .string()
      .regex(BUNDLE_ID_PATTERN, "expected bundle_ followed by 16 lower-case hex digits")
      .describe("bundle_ + 16 hex digits of sha256 over canonical {bundle_hash, run_id}."),
    intent: nonEmptyString("The intent the bundle answers, as given."),
    run_id: idString("Run the bundle belongs to.").nullable().describe("Run the bundle belongs to; null outside a run (no reuse)."),
    tokenizer: z
      .object({
        name: nonEmptyString("Encoding, e.g. o200k_base."),
        library: nonEmptyString("Tokenizer library, e.g. gpt-tokenizer."),
        version: nonEmptyString("Library version."),
      })
      .strict()
      .describe("The tokenizer every token count of the bundle comes from."),
    budgets: z
      .object({
        max_tokens: countAtLeast(1, "Tokens the new (not reused) items may total."),
        max_items: countAtLeast(1, "Items the bundle may hold."),
        max_tokens_per_item: countAtLeast(1, "Tokens one item may have; bigger sections are cut to a slice."),
      })
      .strict()
      .describe("Budgets the bundle was fitted to."),
    search_k: countAtLeast(1, "k of the search that proposed the `search` items; recorded in the receipts of the READ steps a bundle plan makes of them (docs/economy.md#per-step-metrics). Not part of bundle_hash. Absent in bundles written before it.").optional(),
    items: z.array(BundleItemSchema).describe("Items: refs first (in the order given), then search items by rank."),
    tokens_total: countAtLeast(0, "Sum of the items' tokens."),
    reuse: z
      .object({
        items: countAtLeast(0, "Items this run had already expanded."),
        tokens: countAtLeast(0, "Their tokens, not counted again against max_tokens."),
      })
      .strict()
      .describe("What the run already held."),
    baseline: z
      .object({
        files: z.array(nonEmptyString("A file an item comes from.")).describe("Files the items come from, sorted."),
        tokens: countAtLeast(0, "Tokens of those whole files."),
      })
      .strict()
      .describe("The whole-file alternative: reading every file the items come from."),
    dropped: z.array(BundleDroppedSchema).describe("Candidates cut by the budgets or by overlap, in rank order."),
    bundle_hash: sha256Hex("sha256 of the canonical bundle without bundle_id, run_id, reuse, reused flags and scores."),
  })
  .strict()
  .describe("Catalytic Bundle: the minimal context for an intent.");

export type BundleReason = z.infer<typeof BundleReasonSchema>;
export type BundleItem = z.infer<typeof BundleItemSchema>;
export type BundleDropped = z.infer<typeof BundleDroppedSchema>;
export type Bundle = z.infer<typeof BundleSchema>;
/** A bundle before its id and hash are known. */
export type BundleBody = Omit<Bundle, "bundle_id" | "bundle_hash">;

/**
 * `bundle_hash`: what the bundle holds, not who has seen it or how it ranked. Run id and reuse (flags and
 * totals) depend on the run; scores depend on corpus-wide statistics, so an edit to an unrelated file would
 * change them. Both are left out (docs/bundles.md#hash).
 */
export function bundleHash(bundle: BundleBody | Bundle): string {
  return sha256(
    canonicalJson({
      intent: bundle.intent,
      tokenizer: bundle.tokenizer,
      budgets: bundle.budgets,
      items: bundle.items.map(({ reused: _reused, score: _score, ...item }) => item),
      tokens_total: bundle.tokens_total,
      baseline: bundle.baseline,
      dropped: bundle.dropped.map(({ score: _score, ...dropped }) => dropped),
    }),
  );
}

export function bundleId(hash: string, runId: string | null): string {
  return `bundle_${sha256(canonicalJson({ bundle_hash: hash, run_id: runId })).slice(0, 16)}`;
}
