// The model's workspace problems (duplicates, stale pins, bad registry or front-matter entries, config
// errors) grouped by file. Recomputing them walks every symbol, so after edits it runs once typing
// settles, and only the files whose problems changed are re-checked.
import type { ModelProblem } from "@catalytic/indexer";
import { groupProblems } from "./features/diagnostics.js";

export class ProblemsTracker {
  private grouped = new Map<string, ModelProblem[]>();
  private keys = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly compute: () => ModelProblem[],
    private readonly recheck: (files: string[]) => void,
    private readonly delayMs = 500,
  ) {}

  of(file: string): ModelProblem[] | undefined {
    return this.grouped.get(file);
  }

  /** The model changed: refresh once changes settle. */
  changed(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(true), this.delayMs);
  }

  /** Refreshes at once (before a sweep, which re-checks every file anyway). */
  refreshNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.refresh(false);
  }

  private refresh(recheckChanged: boolean): void {
    this.timer = undefined;
    this.grouped = groupProblems(this.compute());
    const keys = new Map<string, string>();
    for (const [file, list] of this.grouped) keys.set(file, JSON.stringify(list));
    const changed = new Set<string>();
    for (const [file, key] of keys) if (this.keys.get(file) !== key) changed.add(file);
    for (const file of this.keys.keys()) if (!keys.has(file)) changed.add(file);
    this.keys = keys;
    if (recheckChanged && changed.size) this.recheck([...changed]);
  }
}
