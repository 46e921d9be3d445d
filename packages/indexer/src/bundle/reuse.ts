// Memoization within a run (docs/bundles.md#reuse): an item is reused when the run already expanded the same
// section with the same slice, or with a lines[] slice that contains the item's lines.
import { parseSlice } from "@catalytic/core";
import type { Index } from "../workspace-index.js";
import type { PriorExpansion } from "./types.js";

export type PriorSet = Map<string, string[]>;

/** What the run holds: the index's expansion cache for the run plus what the caller read from the run's receipts. */
export function priorOfRun(index: Index, runId: string | null, extra: readonly PriorExpansion[]): PriorSet {
  const prior: PriorSet = new Map();
  if (runId === null) return prior;
  const add = (sectionId: string, slice: string): void => {
    const slices = prior.get(sectionId) ?? [];
    if (!slices.includes(slice)) slices.push(slice);
    prior.set(sectionId, slices);
  };
  for (const e of index.expansionsOfRun(runId)) add(e.sectionId, e.slice);
  for (const e of extra) add(e.section_id, e.slice);
  return prior;
}

function covers(held: string, wanted: string): boolean {
  if (held === wanted) return true;
  try {
    const a = parseSlice(held);
    const b = parseSlice(wanted);
    return a.kind === "lines" && b.kind === "lines" && a.start <= b.start && b.end <= a.end;
  } catch {
    return false;
  }
}

export function isReused(prior: PriorSet, sectionId: string, slice: string): boolean {
  return (prior.get(sectionId) ?? []).some((held) => covers(held, slice));
}
