// Every edit of a large buffer replaces its whole text: vscode-languageserver-textdocument builds a new
// string per version (2 MB for a 1 MB document with any non-Latin-1 character). Nothing keeps the old
// versions (the server holds the current text only), but they sit in V8's large-object space until its
// next full collection, which V8 schedules late: a few dozen keystroke pauses on a 1 MB file grow the
// process by 40 MB and more. After a large open document was re-checked, the server asks for one full
// collection once the heap has grown by `growthBytes` since the last one (a few tens of ms, inside the
// pause that triggered the check). Runtimes that refuse the collector flag simply skip it.
import v8 from "node:v8";
import vm from "node:vm";

export const LARGE_DOCUMENT_CHARS = 256 * 1024;
const GROWTH_BYTES = 16 * 1024 * 1024;

export class LargeDocumentCollector {
  private readonly gc: (() => void) | undefined;
  private baseline = v8.getHeapStatistics().used_heap_size;

  constructor(private readonly growthBytes = GROWTH_BYTES) {
    try {
      v8.setFlagsFromString("--expose-gc");
      const gc = vm.runInNewContext("gc") as unknown;
      this.gc = typeof gc === "function" ? (gc as () => void) : undefined;
    } catch {
      this.gc = undefined;
    }
  }

  /** A document of `chars` characters was just re-checked after an edit. */
  reindexed(chars: number): void {
    if (!this.gc || chars < LARGE_DOCUMENT_CHARS) return;
    const used = v8.getHeapStatistics().used_heap_size;
    if (used < this.baseline) this.baseline = used; // V8 collected on its own
    if (used - this.baseline < this.growthBytes) return;
    this.gc();
    this.baseline = v8.getHeapStatistics().used_heap_size;
  }
}
