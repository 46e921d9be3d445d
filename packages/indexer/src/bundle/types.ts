// Inputs and outputs of the bundle builder (docs/bundles.md).
import type { Bundle } from "@catalytic/core";

export const BUNDLE_DEFAULTS = {
  budget_tokens: 4000,
  max_items: 12,
  /** Per-item bound: min(this, budget_tokens). */
  max_tokens_per_item: 1000,
  /** Search candidates considered. */
  k: 10,
  /** Lines of context kept around the matching lines when a section is cut. */
  context_lines: 2,
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
  /** Explicit references (`@NS/NAME[#slug][:slice]`), always included. */
  refs?: readonly string[];
  /** Run the bundle belongs to: reuse is read from it and the items are recorded under it. null/absent: no run. */
  run_id?: string | null;
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
}
