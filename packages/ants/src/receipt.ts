// Building a receipt while a step runs: expansions, actions and outputs accumulate; finish() adds
// status, error, timings and metrics, and validates the result against the core Receipt schema.
import { ReceiptSchema, type Receipt, type ReceiptAction, type ReceiptExpansion, type PlanStepOp } from "@catalytic/core";

export interface ReceiptHeader {
  runId: string;
  jobId: string;
  stepId: string;
  op: PlanStepOp;
  workerId: string;
  fencingToken: number;
}

export class ReceiptDraft {
  readonly expanded: ReceiptExpansion[] = [];
  readonly actions: ReceiptAction[] = [];
  readonly outputs: Record<string, unknown> = {};
  private readonly startedAt = new Date();
  private readonly startedNs = process.hrtime.bigint();

  /** What the step charges to the job budget, and how much of the receipt was written before the charge. */
  private charged?: { bytes: number; symbols: number; expanded: number; actions: number; outputs: number };

  constructor(private readonly header: ReceiptHeader) {}

  /**
   * Records a budget charge; the ledger applies it in the commit's transaction. If it breaches the budget,
   * overBudget() is the receipt instead: what the step did from its first charge on is dropped.
   */
  charge(bytes: number, symbols: number): void {
    if (this.charged) {
      this.charged.bytes += bytes;
      this.charged.symbols += symbols;
      return;
    }
    const outputs = Object.keys(this.outputs).length;
    this.charged = { bytes, symbols, expanded: this.expanded.length, actions: this.actions.length, outputs };
  }

  get charges(): { bytes: number; symbols: number } | undefined {
    return this.charged && { bytes: this.charged.bytes, symbols: this.charged.symbols };
  }

  /** The FAILURE receipt of a step whose charge breached the budget: as if the charge had thrown where it was made. */
  overBudget(error: { code: string; message: string }): Receipt {
    const mark = this.charged ?? { expanded: this.expanded.length, actions: this.actions.length, outputs: Object.keys(this.outputs).length };
    this.expanded.length = mark.expanded;
    this.actions.length = mark.actions;
    for (const key of Object.keys(this.outputs).slice(mark.outputs)) delete this.outputs[key];
    return this.finish(error);
  }

  expand(expansion: ReceiptExpansion): void {
    this.expanded.push(expansion);
  }

  act(action: ReceiptAction): void {
    this.actions.push(action);
  }

  output(key: string, value: unknown): void {
    this.outputs[key] = value;
  }

  finish(error?: { code: string; message: string }): Receipt {
    const bytes = this.expanded.reduce((sum, e) => sum + e.bytes, 0);
    const durationMs = Math.round(Number(process.hrtime.bigint() - this.startedNs) / 1e6);
    return ReceiptSchema.parse({
      run_id: this.header.runId,
      job_id: this.header.jobId,
      step_id: this.header.stepId,
      op: this.header.op,
      status: error ? "FAILURE" : "SUCCESS",
      worker_id: this.header.workerId,
      fencing_token: this.header.fencingToken,
      expanded: this.expanded,
      actions: this.actions,
      outputs: this.outputs,
      ...(error ? { error } : {}),
      timings: { started_at: this.startedAt.toISOString(), finished_at: new Date().toISOString(), duration_ms: durationMs },
      metrics: {
        bytes_expanded: bytes,
        expansions: this.expanded.length,
        cache_hits: this.expanded.filter((e) => e.cache_hit).length,
        estimated_tokens: Math.ceil(bytes / 4),
      },
    });
  }
}
