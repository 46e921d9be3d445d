// The whole-file baseline (docs/economy.md#baseline): tokens of every file a run touched, read whole, each once.
// Touched = a file an expansion came from, or an existing file the run wrote over. A file's content is the one
// before the run's first write to it (the CAS keeps it), else the file on disk now.
import { readFileSync } from "node:fs";
import { resolveInsideWorkspace, type Receipt, type TokenCounter } from "@catalytic/core";
import { Index, readCas } from "@catalytic/indexer";
import type { Baseline } from "./schema.js";

/** Where a legacy expansion (no file_path) came from, through the index when there is one. */
export class LegacyFiles {
  private index: Index | undefined | null;

  constructor(private readonly root: string) {}

  fileOf(expansion: Receipt["expanded"][number]): string | undefined {
    if (expansion.kind === "file") return expansion.id;
    if (!expansion.section_id) return undefined;
    if (this.index === undefined) {
      try {
        this.index = Index.open(this.root, { mustExist: true });
      } catch {
        this.index = null;
      }
    }
    return this.index?.getSection(expansion.section_id)?.filePath;
  }

  close(): void {
    this.index?.close();
  }
}

/** The files one receipt touched, sorted; `unresolved` gets the ids of legacy expansions whose file is unknown. */
export function filesTouched(receipt: Receipt, legacy: LegacyFiles, unresolved: Set<string>): string[] {
  const files = new Set<string>();
  for (const expansion of receipt.expanded) {
    const file = expansion.file_path ?? legacy.fileOf(expansion);
    if (file === undefined) unresolved.add(`${expansion.kind}:${expansion.id}`);
    else files.add(file);
  }
  for (const action of receipt.actions) if (action.type === "WRITE" && action.before_hash !== undefined) files.add(action.target);
  return [...files].sort();
}

/** Whole-file tokens per touched file, computed once per file. */
export class BaselineCounter {
  private readonly tokens = new Map<string, { tokens: number; source: "prior" | "disk" } | null>();
  private readonly priorRefs = new Map<string, string | null>();

  constructor(
    private readonly root: string,
    private readonly counter: TokenCounter,
  ) {}

  /** Notes the run's writes in order: the first write to a file decides its prior content. */
  noteWrites(receipt: Receipt): void {
    for (const action of receipt.actions) {
      if (action.type === "WRITE" && !this.priorRefs.has(action.target)) this.priorRefs.set(action.target, action.prior_content_ref ?? null);
    }
  }

  /** Tokens of the whole file, or undefined when its content cannot be had. */
  of(filePath: string): { tokens: number; source: "prior" | "disk" } | undefined {
    if (!this.tokens.has(filePath)) this.tokens.set(filePath, this.measure(filePath));
    return this.tokens.get(filePath) ?? undefined;
  }

  baseline(files: Iterable<string>, unresolved: Iterable<string>): Baseline {
    const entries: Baseline["files"] = [];
    const missing = new Set(unresolved);
    for (const file of [...new Set(files)].sort()) {
      const measured = this.of(file);
      if (measured) entries.push({ file_path: file, ...measured });
      else missing.add(file);
    }
    return { tokens: entries.reduce((sum, e) => sum + e.tokens, 0), files: entries, missing: [...missing].sort() };
  }

  private measure(filePath: string): { tokens: number; source: "prior" | "disk" } | null {
    const prior = this.priorRefs.get(filePath);
    if (prior) {
      const text = readCas(this.root, prior);
      if (text !== undefined) return { tokens: this.counter.count(text), source: "prior" };
    }
    try {
      // Receipts are data: a path in one never reads outside the workspace.
      const text = readFileSync(resolveInsideWorkspace(this.root, filePath), "utf8");
      return { tokens: this.counter.count(text), source: "disk" };
    } catch {
      return null;
    }
  }
}
