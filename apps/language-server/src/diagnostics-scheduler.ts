// When diagnostics are computed and published. A change after a quiet spell is checked on the next
// tick (one edit gets its diagnostics at once); changes arriving within the debounce window are
// coalesced and checked when it ends. Workspace sweeps run in chunks so requests interleave.
import type { Diagnostic } from "vscode-languageserver";

export interface DiagnosticsSink {
  /** Computes the diagnostics of one workspace file. */
  compute(file: string): Diagnostic[];
  publish(file: string, diagnostics: Diagnostic[]): void;
  /** Open documents always get a publish (an empty one says "checked, all clear"). */
  isOpen(file: string): boolean;
  onError(file: string, error: unknown): void;
}

const SWEEP_CHUNK = 200;

export class DiagnosticsScheduler {
  private readonly pending = new Set<string>();
  private cancelTimer: (() => void) | undefined;
  private lastRun = 0;
  private sweepGeneration = 0;
  /** Files that currently show diagnostics in the client (so clearing them is published too). */
  private readonly shown = new Set<string>();
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly sink: DiagnosticsSink,
    private readonly debounceMs = 150,
  ) {}

  /** Total diagnostics currently published across the workspace. */
  get problemCount(): number {
    let total = 0;
    for (const count of this.counts.values()) total += count;
    return total;
  }

  schedule(files: Iterable<string>): void {
    for (const file of files) this.pending.add(file);
    if (this.cancelTimer) return;
    if (Date.now() - this.lastRun >= this.debounceMs) {
      const immediate = setImmediate(() => this.flush());
      this.cancelTimer = () => clearImmediate(immediate);
    } else {
      const timeout = setTimeout(() => this.flush(), this.debounceMs);
      this.cancelTimer = () => clearTimeout(timeout);
    }
  }

  /** Re-checks every file (after a re-index) in chunks; a newer sweep supersedes an older one. */
  sweep(files: readonly string[], onDone?: () => void): void {
    const generation = ++this.sweepGeneration;
    const stale = new Set(this.shown);
    let next = 0;
    const step = (): void => {
      if (generation !== this.sweepGeneration) return;
      const end = Math.min(files.length, next + SWEEP_CHUNK);
      for (; next < end; next++) {
        const file = files[next] as string;
        stale.delete(file);
        this.run(file);
      }
      if (next < files.length) {
        setImmediate(step);
        return;
      }
      for (const file of stale) this.run(file);
      onDone?.();
    };
    setImmediate(step);
  }

  forget(file: string): void {
    this.pending.delete(file);
    if (this.shown.delete(file)) this.sink.publish(file, []);
    this.counts.delete(file);
  }

  dispose(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.sweepGeneration++;
  }

  private flush(): void {
    this.cancelTimer = undefined;
    this.lastRun = Date.now();
    const files = [...this.pending];
    this.pending.clear();
    for (const file of files) this.run(file);
  }

  private run(file: string): void {
    let diagnostics: Diagnostic[];
    try {
      diagnostics = this.sink.compute(file);
    } catch (error) {
      this.sink.onError(file, error);
      return;
    }
    if (diagnostics.length === 0 && !this.shown.has(file) && !this.sink.isOpen(file)) return;
    if (diagnostics.length) this.shown.add(file);
    else this.shown.delete(file);
    this.counts.set(file, diagnostics.length);
    this.sink.publish(file, diagnostics);
  }
}
