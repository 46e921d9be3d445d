// Re-indexing a large buffer (hundreds of KB and up) after each pause in typing leaves megabytes of
// strings behind that V8 frees only at its next full collection, so a long edit session on a 1 MB
// file grows the process by a hundred MB or more before that happens. After such a re-index the
// server asks for one full collection (a few tens of ms, inside the pause that triggered it), at most
// once per `minIntervalMs`. Runtimes that refuse the collector flag simply skip it.
import v8 from "node:v8";
import vm from "node:vm";

export const LARGE_DOCUMENT_CHARS = 256 * 1024;

export class LargeDocumentCollector {
  private readonly gc: (() => void) | undefined;
  private last = 0;

  constructor(private readonly minIntervalMs = 1000) {
    try {
      v8.setFlagsFromString("--expose-gc");
      const gc = vm.runInNewContext("gc") as unknown;
      this.gc = typeof gc === "function" ? (gc as () => void) : undefined;
    } catch {
      this.gc = undefined;
    }
  }

  /** A document of `chars` characters was just re-indexed. */
  reindexed(chars: number): void {
    if (!this.gc || chars < LARGE_DOCUMENT_CHARS || Date.now() - this.last < this.minIntervalMs) return;
    this.last = Date.now();
    this.gc();
  }
}
