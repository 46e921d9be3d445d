// When diagnostics are computed and published.
// - An edit after a quiet spell gets a fast check of the edited document on the next tick, against the
//   model as it was (the 1 MB model update is deferred); the sink declines when the document depends on
//   itself. A full check (model updated) follows once edits settle for the debounce window.
// - Other changes (open, close, disk) are checked fully: at once after a quiet spell, else debounced.
// - Workspace sweeps run in chunks so requests interleave.
import type { Diagnostic } from "vscode-languageserver";

export interface DiagnosticsSink {
  /** Diagnostics of one file; in fast mode, undefined when the fast check cannot be trusted. */
  compute(file: string, fast: boolean): Diagnostic[] | undefined;
  publish(file: string, diagnostics: Diagnostic[]): void;
  /** Open documents always get a publish (an empty one says "checked, all clear"). */
  isOpen(file: string): boolean;
  onError(file: string, error: unknown): void;
}

const SWEEP_CHUNK = 200;

export class DiagnosticsScheduler {
  private readonly pending = new Set<string>();
  private cancelFull: (() => void) | undefined;
  private fastPending: Set<string> | undefined;
  private lastActivity = 0;
  private sweepGeneration = 0;
  /** What each file shows in the client now (so clearing is published and repeats are not). */
  private readonly shown = new Map<string, string>();
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

  /** A document was edited: fast check now (after a quiet spell), full check of it and `dependents` once edits settle. */
  edited(file: string, dependents: readonly string[]): void {
    const quiet = Date.now() - this.lastActivity >= this.debounceMs;
    this.lastActivity = Date.now();
    if (quiet) {
      if (!this.fastPending) {
        this.fastPending = new Set();
        setImmediate(() => this.flushFast());
      }
      this.fastPending.add(file);
    }
    this.pending.add(file);
    for (const dependent of dependents) this.pending.add(dependent);
    this.armFull(this.debounceMs);
  }

  /** Full checks of `files`: at once after a quiet spell, else when the debounce window ends. */
  schedule(files: Iterable<string>): void {
    for (const file of files) this.pending.add(file);
    const quiet = Date.now() - this.lastActivity >= this.debounceMs;
    this.lastActivity = Date.now();
    if (quiet) this.armFull(0);
    else if (!this.cancelFull) this.armFull(this.debounceMs);
  }

  /** Re-checks every file (after a re-index) in chunks; a newer sweep supersedes an older one. */
  sweep(files: readonly string[], onDone?: () => void): void {
    const generation = ++this.sweepGeneration;
    const stale = new Set(this.shown.keys());
    let next = 0;
    const step = (): void => {
      if (generation !== this.sweepGeneration) return;
      const end = Math.min(files.length, next + SWEEP_CHUNK);
      for (; next < end; next++) {
        const file = files[next] as string;
        stale.delete(file);
        this.run(file, false);
      }
      if (next < files.length) {
        setImmediate(step);
        return;
      }
      for (const file of stale) this.run(file, false);
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
    this.cancelFull?.();
    this.cancelFull = undefined;
    this.sweepGeneration++;
  }

  private armFull(delayMs: number): void {
    this.cancelFull?.();
    if (delayMs === 0) {
      const immediate = setImmediate(() => this.flushFull());
      this.cancelFull = () => clearImmediate(immediate);
    } else {
      const timeout = setTimeout(() => this.flushFull(), delayMs);
      this.cancelFull = () => clearTimeout(timeout);
    }
  }

  private flushFast(): void {
    const files = [...(this.fastPending ?? [])];
    this.fastPending = undefined;
    for (const file of files) this.run(file, true);
  }

  private flushFull(): void {
    this.cancelFull = undefined;
    const files = [...this.pending];
    this.pending.clear();
    for (const file of files) this.run(file, false);
  }

  private run(file: string, fast: boolean): void {
    let diagnostics: Diagnostic[] | undefined;
    try {
      diagnostics = this.sink.compute(file, fast);
      if (diagnostics === undefined) diagnostics = this.sink.compute(file, false) ?? [];
    } catch (error) {
      this.sink.onError(file, error);
      return;
    }
    const key = JSON.stringify(diagnostics);
    const previous = this.shown.get(file);
    // An edit's fast check always answers (the client sees its edit was checked); full checks publish changes only.
    if (previous === key && !fast) return;
    if (diagnostics.length === 0 && previous === undefined && !this.sink.isOpen(file)) return;
    if (diagnostics.length || this.sink.isOpen(file)) this.shown.set(file, key);
    else this.shown.delete(file);
    this.counts.set(file, diagnostics.length);
    this.sink.publish(file, diagnostics);
  }
}
