// Batches that charge the job budget in the commit's own transaction (docs/cassette.md "Charged batches"): an ant
// reads several steps, then writes their budget charges, receipts and next claim in one BEGIN IMMEDIATE transaction
// instead of one transaction per charge and per commit.
import { BudgetError } from "@catalytic/core";
import { candidates, leaseAll, requireBatchSize, type ReceiptIds } from "./batch.js";
import { readQuery, writeTransaction } from "./connection.js";
import { isIntactStep } from "./integrity.js";
import type { Ledger } from "./ledger.js";
import { chargeBudget, checkCompletion, commitReceipt, type CheckedCompletion, type CompleteStepInput } from "./leasing.js";
import type { ClaimedStep } from "./records.js";
import { requireCount, requireNonEmpty, requireTtlMs } from "./validate.js";

export interface ChargedCompletion {
  completion: CompleteStepInput;
  /** Added to the job's budget just before this receipt is written (as consumeBudget would). */
  charge?: { bytes: number; symbols: number };
  /** The completion written instead when the charge would breach the budget; nothing is charged then. */
  overBudget?: (error: BudgetError) => CompleteStepInput;
}

export interface ChargedNext {
  runId: string;
  workerId: string;
  ttlSeconds: number;
  max: number;
  /** Claim nothing when a receipt of this batch is a FAILURE (the ant stops at a failure). */
  stopOnFailure: boolean;
}

export interface ChargedResult {
  receipts: ReceiptIds[];
  /** Positions in the batch whose charge breached the budget (their overBudget completion was written). */
  overBudget: number[];
  next: ClaimedStep[];
}

/**
 * In one transaction, in order: each item's charge, then its receipt (completeStep), then up to `next.max` steps of
 * `jobId` claimed for `next.workerId`. All or nothing, except that a breached charge writes the item's overBudget
 * completion instead (an item without one rethrows the BudgetError). A tampered next step stops the claim there.
 */
export function commitChargedBatch(ledger: Ledger, jobId: string, items: ChargedCompletion[], next?: ChargedNext): ChargedResult {
  requireNonEmpty(jobId, "jobId");
  const checked = items.map((item) => ({
    done: checkCompletion(item.completion),
    charge: item.charge && { bytes: requireCount(item.charge.bytes, "bytes"), symbols: requireCount(item.charge.symbols, "symbols") },
    overBudget: item.overBudget,
  }));
  const ttlMs = next && requireTtlMs(next.ttlSeconds);
  if (next) requireBatchSize(next.max, "max");
  return writeTransaction(ledger.db, ledger.logger, () => {
    const overBudget: number[] = [];
    let failed = false;
    const receipts = checked.map(({ done, charge, overBudget: replace }, i): ReceiptIds => {
      let completion: CheckedCompletion = done;
      if (charge && (charge.bytes > 0 || charge.symbols > 0)) {
        try {
          chargeBudget(ledger, jobId, charge.bytes, charge.symbols);
        } catch (error) {
          if (!(error instanceof BudgetError) || !replace) throw error;
          completion = checkCompletion(replace(error));
          overBudget.push(i);
        }
      }
      failed ||= completion.outcome === "FAILURE";
      return commitReceipt(ledger, completion);
    });
    if (!next || ttlMs === undefined || (failed && next.stopOnFailure)) return { receipts, overBudget, next: [] };
    const found = candidates(ledger, next.runId, jobId, next.max);
    const intact = found.findIndex((candidate) => !isIntactStep(ledger, candidate));
    return { receipts, overBudget, next: leaseAll(ledger, intact === -1 ? found : found.slice(0, intact), next.workerId, ttlMs) };
  });
}

/** The distinct ops of a job's steps: an ant takes several steps at a time only from jobs with no side effects. */
export function jobOps(ledger: Ledger, jobId: string): string[] {
  requireNonEmpty(jobId, "jobId");
  const rows = readQuery(() => ledger.stmt("SELECT DISTINCT op FROM steps WHERE job_id = ? ORDER BY op").all(jobId) as Array<{ op: string }>);
  return rows.map((row) => row.op);
}
