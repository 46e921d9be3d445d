// What a run has already expanded according to its receipts in the cassette (for bundle reuse, docs/bundles.md#reuse).
// READ_SECTION and READ_FILE steps do not go through the index's expansion cache; their receipts do record them.
import { existsSync } from "node:fs";
import { Cassette, cassettePath } from "@catalytic/cassette";
import type { PriorExpansion } from "@catalytic/indexer";

interface ExpandedEntry {
  section_id?: unknown;
  slice?: unknown;
}

/** Every (section, slice) expanded by a receipt of the run; [] when there is no cassette (it is never created here). */
export function receiptExpansionsOfRun(root: string, runId: string): PriorExpansion[] {
  if (!existsSync(cassettePath(root))) return [];
  const cassette = Cassette.openWorkspace(root);
  try {
    const out: PriorExpansion[] = [];
    for (const job of cassette.listJobs(runId)) {
      for (const record of cassette.listReceipts(job.jobId)) {
        const expanded = (record.receipt as { expanded?: ExpandedEntry[] }).expanded ?? [];
        for (const e of expanded) {
          if (typeof e.section_id === "string" && typeof e.slice === "string") out.push({ section_id: e.section_id, slice: e.slice });
        }
      }
    }
    return out;
  } finally {
    cassette.close();
  }
}
