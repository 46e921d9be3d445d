// V8 lets the old generation grow to 1.1-4x its live size before the next full collection, by its own
// estimate of GC speed. Re-indexing a 1 MB buffer after a line break allocates tens of MB of short-lived
// strings and line arrays per edit; with ~60 MB live the heap grew to ~170 MB before a collection (peak
// RSS 240+ MB on `pnpm bench:lsp`, see docs/editors.md). A fixed 1.3x growth factor collects earlier.
// The flag is read at each collection, so setting it at start-up is enough (no node flags for the client).
import v8 from "node:v8";

export const HEAP_GROWTH_FLAG = "--heap-growing-percent=30";

/** Caps the old generation's growth between full collections (see above). */
export function capHeapGrowth(): void {
  v8.setFlagsFromString(HEAP_GROWTH_FLAG);
}
