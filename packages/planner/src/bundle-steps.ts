// READ steps of a bundle (catalytic plan --bundle): exactly one per item, in bundle order. A bundle is untrusted
// input: every item must still name a current section (and its ref must still resolve to that section).
import { type Bundle, type PlanBundleInput, type PlanRequest, SectionError } from "@catalytic/core";
import { DEFAULT_RUN_ID } from "@catalytic/indexer";
import { type DraftStep, boundedBytes, canonicalSlice, withInput } from "./drafts.js";
import { unknownSection, unknownSymbol } from "./errors.js";
import type { PlanSubstrate } from "./substrate.js";

function movedSymbol(input: string, symbolId: string, sectionId: string, now: string): SectionError {
  return new SectionError("CAT_SECTION_NOT_FOUND", `${input}: ${symbolId} now resolves to section ${now}, not ${sectionId}`, {
    hint: "the bundle is stale: check it with 'catalytic bundle verify', then build a new one",
    details: { input, symbol_id: symbolId, section_id: sectionId, current_section_id: now },
  });
}

export function bundleSteps(bundle: PlanBundleInput | undefined, substrate: PlanSubstrate): DraftStep[] {
  if (!bundle) return [];
  return bundle.items.map((item, i): DraftStep => {
    const input = `bundle.items[${i}]`;
    const { text, slice } = canonicalSlice(input, item.slice);
    // A search item's k goes into its receipt's metrics (docs/economy.md#per-step-metrics).
    const searchK = item.search_k !== undefined ? { search_k: item.search_k } : {};
    if (item.ref !== null) {
      const symbolId = item.ref;
      const symbol = withInput(input, () => substrate.symbol(symbolId));
      if (!symbol) throw unknownSymbol(input, symbolId, substrate.suggestSymbols(symbolId));
      if (symbol.sectionId !== item.section_id) throw movedSymbol(input, symbolId, item.section_id, symbol.sectionId);
      return {
        op: "READ_SYMBOL",
        refs: { symbol_id: symbolId, slice: text, ...searchK },
        expected_outputs: { symbols_resolved: [symbolId] },
        input,
        bytes: boundedBytes(input, symbol.content, slice),
      };
    }
    const section = withInput(input, () => substrate.section(item.section_id));
    if (!section) throw unknownSection(input, item.section_id);
    return {
      op: "READ_SECTION",
      refs: { section_id: item.section_id, slice: text, ...searchK },
      expected_outputs: { sections_read: [item.section_id] },
      input,
      bytes: boundedBytes(input, section.content, slice),
    };
  });
}

/** The plan request of `catalytic plan --bundle`: the bundle's items as READ steps, under the bundle's run (or `runId`). */
export function bundlePlanRequest(bundle: Bundle, runId?: string): PlanRequest {
  return {
    run_id: runId ?? bundle.run_id ?? DEFAULT_RUN_ID,
    request_id: bundle.bundle_id,
    intent: bundle.intent,
    bundle: {
      bundle_hash: bundle.bundle_hash,
      items: bundle.items.map((item) => ({
        section_id: item.section_id,
        ref: item.ref,
        slice: item.slice,
        ...(item.reason === "search" && bundle.search_k !== undefined ? { search_k: bundle.search_k } : {}),
      })),
    },
    inputs: { symbols: [], sections: [], files: [], notes: [] },
    ops: [],
  };
}
