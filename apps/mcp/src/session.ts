// One client session: its run id (every receipt of the session goes there unless a call names another
// run), the tokens it has been given so far against the session cap, and the section ids it has seen
// (offered as completions of catalytic://section/{id}).
import { BudgetError, type TokenCounter, loadTokenCounter } from "@catalytic/core";
import { newSessionRunId, type ResolvedOptions } from "./options.js";
import type { Workspace } from "./workspace.js";

const SEEN_SECTIONS_MAX = 1_000;

/** Content hashes (receipt reuse) and (section, slice) pairs (bundle reuse) a run has expanded. */
export class RunExpansions {
  readonly hashes = new Set<string>();
  readonly slices: Array<{ section_id: string; slice: string }> = [];

  /** Adds the `expanded` list of a receipt (entries without the fields are skipped: files, old receipts). */
  add(expanded: unknown): void {
    if (!Array.isArray(expanded)) return;
    for (const item of expanded as Array<{ content_hash?: unknown; section_id?: unknown; slice?: unknown }>) {
      if (typeof item.content_hash === "string") this.hashes.add(item.content_hash);
      if (typeof item.section_id === "string" && typeof item.slice === "string") this.slices.push({ section_id: item.section_id, slice: item.slice });
    }
  }
}

export class Session {
  readonly runId: string;
  private used = 0;
  private readonly seen = new Set<string>();
  private readonly expanded = new Map<string, RunExpansions>();

  constructor(
    readonly options: ResolvedOptions,
    readonly workspace: Workspace,
  ) {
    this.runId = options.runId ?? newSessionRunId();
  }

  /** The run a call writes to: the one it names, else the session's. */
  runFor(runId: string | undefined): string {
    return runId ?? this.runId;
  }

  tokens(): Promise<TokenCounter> {
    return loadTokenCounter();
  }

  get tokensUsed(): number {
    return this.used;
  }

  /** Tokens this call may return: the per-call cap, or what is left of the session cap if less. */
  callCap(): number {
    const { maxOutputTokens, maxSessionTokens } = this.options;
    if (maxSessionTokens === undefined) return maxOutputTokens;
    const left = maxSessionTokens - this.used;
    if (left <= 0) {
      throw new BudgetError("CAT_BUDGET_EXCEEDED", `this session has returned ${this.used} tokens, its cap of ${maxSessionTokens} is used up`, {
        hint: "start a new session, or restart the server with a larger --max-session-tokens",
        details: { tokens_used: this.used, max_session_tokens: maxSessionTokens },
      });
    }
    return Math.min(maxOutputTokens, left);
  }

  charge(tokens: number): void {
    this.used += tokens;
  }

  /**
   * What the run has expanded according to its committed receipts, read from the ledger once per run and extended
   * by the receipts this session writes; `forgetRuns` after ants ran, whose receipts it has not seen.
   */
  expandedIn(runId: string): RunExpansions {
    let known = this.expanded.get(runId);
    if (known) return known;
    known = new RunExpansions();
    const cassette = this.workspace.cassette();
    for (const job of cassette.listJobs(runId)) {
      for (const { receipt } of cassette.listReceipts(job.jobId)) known.add((receipt as { expanded?: unknown }).expanded);
    }
    this.expanded.set(runId, known);
    return known;
  }

  forgetRuns(): void {
    this.expanded.clear();
  }

  noteSections(ids: Iterable<string>): void {
    for (const id of ids) {
      this.seen.delete(id);
      this.seen.add(id);
      if (this.seen.size > SEEN_SECTIONS_MAX) this.seen.delete(this.seen.values().next().value as string);
    }
  }

  seenSections(): string[] {
    return [...this.seen].reverse();
  }
}
