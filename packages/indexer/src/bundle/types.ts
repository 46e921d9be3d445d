// Inputs and outputs of the bundle builder (docs/bundles.md).
import type { Bundle } from "@catalytic/core";
import type { RecordedExpansion } from "../workspace-index.js";

export const BUNDLE_DEFAULTS = {
  budget_tokens: 4000,
  max_items: 12,
  /** Per-item bound: min(this, budget_tokens). */
  max_tokens_per_item: 1000,
  /** Search candidates considered. */
  k: 10,
  /** Lines of context kept around the matching lines when a section is cut. */
  context_lines: 2,
  /**
   * Search items are cut to at most this many tokens (and max_tokens_per_item): the matching lines, not the
   * whole section. Measured on the rust-book question set (docs/bundles.md#precision).
   */
  search_item_tokens: 200,
  /** Search candidates scoring under this percent of the top score are dropped (`score_gap`); 0 keeps them all. */
  min_score_percent: 80,
} as const;

/** One (section, slice) the run already holds, e.g. from the run's receipts in the cassette. */
export interface PriorExpansion {
  section_id: string;
  slice: string;
}

export interface BundleRequest {
  intent: string;
  /** max_tokens. */
  budget_tokens?: number;
  max_items?: number;
  max_tokens_per_item?: number;
  /** Search candidates to consider. */
  k?: number;
  /** Token bound of the slice of each search item (a cut target, not a budget; refs are not cut). */
  search_item_tokens?: number;
  /** Score cutoff for search candidates, in percent of the top score (integer 0..100). */
  min_score_percent?: number;
  /** Explicit references (`@NS/NAME[#slug][:slice]`), always included. */
  refs?: readonly string[];
  /** Run the bundle belongs to: reuse is read from it and the items are recorded under it. null/absent: no run. */
  run_id?: string | null;
  /** false: record nothing yet (a caller that may still discard the bundle records it later with `recordBundle`). */
  record?: boolean;
  /** Expansions of the run known to the caller beyond the index's expansion cache (receipts of the run). */
  prior?: readonly PriorExpansion[];
}

/** An item's content and where its slice was cut (for the Markdown pack). */
export interface BundleChunk {
  text: string;
  /** The slice starts after the section's start / ends before the section's end. */
  cutBefore: boolean;
  cutAfter: boolean;
}

export interface BundleBuild {
  bundle: Bundle;
  /** One per item, in item order. */
  chunks: BundleChunk[];
  /** What recording the bundle stores under its run: the items the run had not expanded yet. */
  expansions: RecordedExpansion[];
}
