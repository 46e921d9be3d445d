// Building a receipt while a step runs: expansions, actions and outputs accumulate; end() records status, error and
// timings when the step ends; receipt() adds the per-step metrics from the token counts of texts() (counted by the
// core counter, in this ant or in its spawner: docs/economy.md#per-step-metrics) and validates the result against
// the core Receipt schema.
import {
  InvariantError,
  ReceiptSchema,
  TOKENIZER,
  type PlanStepOp,
  type Receipt,
  type ReceiptAction,
  type ReceiptExpansion,
  type TokenizerInfo,
} from "@catalytic/core";

/** Token counts of a step's texts() in order, and the tokenizer that counted them. */
export interface TextCounts {
  info: TokenizerInfo;
  counts: readonly number[];
}

type StepError = { code: string; message: string };

export interface ReceiptHeader {
  runId: string;
  jobId: string;
  stepId: string;
  op: PlanStepOp;
  workerId: string;
  fencingToken: number;
  /** k of the search that proposed the step's items (steps planned from a bundle), else null. */
  searchK: number | null;
  /** Whether the run expanded content with this sha256 before this step (memoized items). */
  expandedBefore(contentHash: string): boolean;
}

/** An expansion as an executor records it; tokens and reuse are filled in by the draft. */
export type ExpansionRecord = Omit<ReceiptExpansion, "tokens" | "reused">;

export class ReceiptDraft {
  readonly actions: ReceiptAction[] = [];
  readonly outputs: Record<string, unknown> = {};
  private readonly expansions: Array<{ record: ExpansionRecord; payload: string; reused: boolean }> = [];
  private readonly produced: string[] = [];
  private readonly startedAt = new Date();
  private readonly startedNs = process.hrtime.bigint();
  /** Set by end(): when the step ended, its error, and how many expansions and produced texts texts() returns. */
  private ended?: { finishedAt: Date; durationMs: number; error?: StepError; expansions: number; produced: number };
  /** Set when the step's texts could not be counted: the receipt records nothing that needs a count. */
  private uncountable = false;

  /** What the step charges to the job budget, and how much of the receipt was recorded before the charge. */
  private charged?: { bytes: number; symbols: number; expansions: number; produced: number; actions: number; outputs: number };

  constructor(private readonly header: ReceiptHeader) {}

  /**
   * Records a budget charge; the ledger applies it in the commit's transaction. If it breaches the budget,
   * overBudget() is the receipt instead: what the step recorded from its first charge on is dropped.
   */
  charge(bytes: number, symbols: number): void {
    if (this.charged) {
      this.charged.bytes += bytes;
      this.charged.symbols += symbols;
      return;
    }
    const outputs = Object.keys(this.outputs).length;
    this.charged = { bytes, symbols, expansions: this.expansions.length, produced: this.produced.length, actions: this.actions.length, outputs };
  }

  /** The charge the commit applies; none for a step whose texts could not be counted (its receipt expands nothing). */
  get charges(): { bytes: number; symbols: number } | undefined {
    return this.charged && !this.uncountable ? { bytes: this.charged.bytes, symbols: this.charged.symbols } : undefined;
  }

  /** Whether end() recorded an error. */
  get failed(): boolean {
    return this.ended?.error !== undefined;
  }

  /** The FAILURE receipt of a step whose charge breached the budget: as if the charge had thrown where it was made. */
  overBudget(counted: TextCounts, error: StepError): Receipt {
    if (this.charged) {
      this.expansions.length = this.charged.expansions;
      this.produced.length = this.charged.produced;
      this.actions.length = this.charged.actions;
      for (const key of Object.keys(this.outputs).slice(this.charged.outputs)) delete this.outputs[key];
    }
    this.requireEnded().error = error;
    return this.receipt(counted);
  }

  /**
   * The FAILURE receipt of a step whose texts could not be counted (`error`, CAT_TOKEN_COUNT_FAILED): its expansions
   * and produced texts are left out rather than recorded with guessed counts, and nothing is charged; its actions
   * and outputs stay (what it did).
   */
  uncounted(error: StepError): Receipt {
    this.uncountable = true;
    this.expansions.length = 0;
    this.produced.length = 0;
    this.requireEnded().error = error;
    return this.receipt({ info: TOKENIZER, counts: [] });
  }

  /** Content hashes this step expanded (so later steps of the ant's batch count them as reused). */
  expandedHashes(): string[] {
    return this.expansions.map((e) => e.record.content_hash);
  }

  /** Records one expansion and its payload (counted at finish). Content already expanded in the run, or earlier in this step, is reused. */
  expand(record: ExpansionRecord, payload: string | Buffer): void {
    const seenInStep = this.expansions.some((e) => e.record.content_hash === record.content_hash);
    const reused = seenInStep || this.header.expandedBefore(record.content_hash);
    this.expansions.push({ record, payload: typeof payload === "string" ? payload : payload.toString("utf8"), reused });
  }

  /** Text the step wrote or produced (written content, test output, note): counted as tokens_out. */
  produce(text: string): void {
    this.produced.push(text);
  }

  act(action: ReceiptAction): void {
    this.actions.push(action);
  }

  output(key: string, value: unknown): void {
    this.outputs[key] = value;
  }

  /** Records the end of the step (its timings) and its error; texts() are then what the receipt needs counted. */
  end(error?: StepError): void {
    if (this.ended) throw new InvariantError("CAT_INVARIANT", `step ${this.header.stepId} ended twice`);
    const durationMs = Math.round(Number(process.hrtime.bigint() - this.startedNs) / 1e6);
    this.ended = { finishedAt: new Date(), durationMs, ...(error ? { error } : {}), expansions: this.expansions.length, produced: this.produced.length };
  }

  /** What the receipt counts, in order: each expansion's payload, then each produced text. */
  texts(): string[] {
    return [...this.expansions.map((e) => e.payload), ...this.produced];
  }

  /** The receipt, its tokens taken from `counted` (the counts of texts(), in order). */
  receipt(counted: TextCounts): Receipt {
    const ended = this.requireEnded();
    const { counts } = counted;
    if (!this.uncountable && counts.length !== ended.expansions + ended.produced) {
      throw new InvariantError("CAT_INVARIANT", `step ${this.header.stepId}: ${counts.length} token counts for ${ended.expansions + ended.produced} texts`);
    }
    const error = ended.error;
    const expanded = this.expansions.map(({ record, reused }, i) => ({ ...record, tokens: counts[i] as number, reused }));
    const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
    return ReceiptSchema.parse({
      run_id: this.header.runId,
      job_id: this.header.jobId,
      step_id: this.header.stepId,
      op: this.header.op,
      status: error ? "FAILURE" : "SUCCESS",
      worker_id: this.header.workerId,
      fencing_token: this.header.fencingToken,
      expanded,
      actions: this.actions,
      outputs: this.outputs,
      ...(error ? { error } : {}),
      timings: { started_at: this.startedAt.toISOString(), finished_at: ended.finishedAt.toISOString(), duration_ms: ended.durationMs },
      metrics: {
        tokens_in: sum(expanded.map((e) => e.tokens)),
        tokens_out: sum(this.produced.map((_, j) => counts[ended.expansions + j] as number)),
        tokens_reused: sum(expanded.filter((e) => e.reused).map((e) => e.tokens)),
        bytes_expanded: sum(expanded.map((e) => e.bytes)),
        expansions: expanded.length,
        cache_hits: expanded.filter((e) => e.cache_hit).length,
        reused: expanded.filter((e) => e.reused).length,
        search_k: this.header.searchK,
        tokenizer: { ...counted.info },
      },
    });
  }

  private requireEnded(): NonNullable<ReceiptDraft["ended"]> {
    if (!this.ended) throw new InvariantError("CAT_INVARIANT", `step ${this.header.stepId} has not ended`);
    return this.ended;
  }
}
