// What an executor gets: the workspace, the config, the job budget and the expansion source.
import type { CatalyticConfig, PlanStep } from "@catalytic/core";
import type { ReceiptDraft } from "./receipt.js";

/** One bounded expansion as the indexer produced it. */
export interface Expansion {
  sectionId: string;
  /** Workspace-relative file of the section. */
  filePath: string;
  /** Canonical text of the slice applied. */
  slice: string;
  payload: string;
  /** sha256 of the payload. */
  payloadHash: string;
  bytes: number;
  cacheHit: boolean;
  /** Where the payload is stored (`cas/ab/cd/<hash>` under .catalytic/), when it is. */
  payloadRef?: string;
}

/** Reads symbols and sections from the index (opened lazily: only read steps need it). */
export interface ExpansionSource {
  resolveSymbol(symbolId: string, slice: string | undefined, runId: string): Expansion;
  readSection(sectionId: string, slice: string | undefined): Expansion;
}

export interface ExecutionContext {
  root: string;
  runId: string;
  jobId: string;
  config: CatalyticConfig;
  /**
   * Charges the job's global budget. The ledger applies the charge atomically in the transaction that commits the
   * receipt; on a breach that receipt is a CAT_BUDGET_EXCEEDED FAILURE without what the step did after the charge.
   */
  consumeBudget(bytes: number, symbols: number): void;
  /** Whether this step is the first READ_SYMBOL of its symbol in the job (distinct symbols are charged once). */
  firstUseOf(symbolId: string, ordinal: number): boolean;
  expansions(): ExpansionSource;
  /** Called while long steps run, so the lease can be renewed in between. */
  signal: AbortSignal;
}

export type Executor = (step: PlanStep, ctx: ExecutionContext, receipt: ReceiptDraft) => void | Promise<void>;
