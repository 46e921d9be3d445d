// Batches that charge the job budget in the commit's own transaction (docs/cassette.md "Charged batches"): an ant
// reads several steps, then writes their budget charges, receipts and next claim in one BEGIN IMMEDIATE transaction
// instead of one transaction per charge and per commit.
import { BudgetError } from "@catalytic/core";
import { candidates, leaseAll, requireBatchSize, type ReceiptIds } from "./batch.js";
import { readQuery, tryWriteTransaction, writeTransaction } from "./connection.js";
import { isIntactStep, requireIntactStepUnlocked } from "./integrity.js";
import { JOB_STEPS, type Ledger } from "./ledger.js";
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
  const batch = checkChargedBatch(jobId, items, next);
  return writeTransaction(ledger.db, ledger.logger, () => writeChargedBatch(ledger, batch));
}

/**
 * commitChargedBatch if the write lock is free at this instant; undefined, with nothing written, while another
 * connection holds it. An ant with steps still to execute tries this and keeps working instead of sleeping in
 * SQLite's busy handler (1, 2, 5, 10 ms steps while a holder needs about one); docs/cassette.md "Charged batches".
 */
export function tryCommitChargedBatch(ledger: Ledger, jobId: string, items: ChargedCompletion[], next?: ChargedNext): ChargedResult | undefined {
  const batch = checkChargedBatch(jobId, items, next);
  return tryWriteTransaction(ledger.db, () => writeChargedBatch(ledger, batch));
}

interface CheckedChargedBatch {
  jobId: string;
  items: Array<{ done: CheckedCompletion; charge?: { bytes: number; symbols: number }; overBudget?: (error: BudgetError) => CompleteStepInput }>;
  next?: ChargedNext;
  ttlMs?: number;
}

function checkChargedBatch(jobId: string, items: ChargedCompletion[], next?: ChargedNext): CheckedChargedBatch {
  requireNonEmpty(jobId, "jobId");
  const checked = items.map((item) => ({
    done: checkCompletion(item.completion),
    charge: item.charge && { bytes: requireCount(item.charge.bytes, "bytes"), symbols: requireCount(item.charge.symbols, "symbols") },
    overBudget: item.overBudget,
  }));
  const ttlMs = next && requireTtlMs(next.ttlSeconds);
  if (next) requireBatchSize(next.max, "max");
  return { jobId, items: checked, next, ttlMs };
}

/** The charges, receipts and next claims of a checked batch; the caller holds the write transaction. */
function writeChargedBatch(ledger: Ledger, { jobId, items, next, ttlMs }: CheckedChargedBatch): ChargedResult {
  const overBudget: number[] = [];
  let failed = false;
  const receipts = items.map(({ done, charge, overBudget: replace }, i): ReceiptIds => {
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
}

/** Steps of the job not yet claimed: an ant sizes its claims by it so the last ones are shared among the ants. */
export function pendingStepCount(ledger: Ledger, jobId: string): number {
  requireNonEmpty(jobId, "jobId");
  return readQuery(() => ledger.stmt(`SELECT count(*) FROM ${JOB_STEPS} WHERE j.job_id = ? AND s.status = 'PENDING'`).pluck().get(jobId) as number);
}

/**
 * The content hashes the job's receipts after chain position `afterSeq` expanded, and the last position (pass it
 * back next time): what an ant needs to mark reuse, read in SQLite instead of parsing whole receipts in JavaScript.
 */
export function expandedHashesSince(ledger: Ledger, jobId: string, afterSeq: number): { hashes: string[]; lastSeq: number } {
  requireNonEmpty(jobId, "jobId");
  return readQuery(() => {
    // Receipts committed after this read have larger positions: bounding the second query makes the pair consistent.
    const lastSeq = ledger.stmt("SELECT COALESCE(MAX(job_seq), ?) FROM receipts WHERE job_id = ? AND job_seq > ?").pluck().get(afterSeq, jobId, afterSeq) as number;
    const hashes = ledger
      .stmt(
        `SELECT e.value ->> 'content_hash' FROM receipts r, json_each(r.receipt_json, '$.expanded') e
         WHERE r.job_id = ? AND r.job_seq > ? AND r.job_seq <= ?`,
      )
      .pluck()
      .all(jobId, afterSeq, lastSeq) as unknown[];
    return { hashes: hashes.filter((hash): hash is string => typeof hash === "string"), lastSeq };
  });
}

/** The distinct ops of a job's steps: an ant takes several steps at a time only from jobs with no side effects. */
export function jobOps(ledger: Ledger, jobId: string): string[] {
  requireNonEmpty(jobId, "jobId");
  const rows = readQuery(() => ledger.stmt("SELECT DISTINCT op FROM steps WHERE job_id = ? ORDER BY op").all(jobId) as Array<{ op: string }>);
  return rows.map((row) => row.op);
}

/**
 * Checks the job's plan hash for this connection's claims ahead of the first one, by the check a claim makes for a job
 * new to its connection (requireIntactStepUnlocked, on the job's first step: no write lock): a tampered plan stops an
 * ant before it leases anything, and the claims that follow only compare each step's payload with the verified one.
 * CAT_PLAN_TAMPERED as a claim would.
 */
export function verifyJobForClaims(ledger: Ledger, jobId: string): void {
  requireNonEmpty(jobId, "jobId");
  readQuery(() => {
    const first = ledger.stmt(`SELECT j.job_id, s.step_id, s.payload_json FROM ${JOB_STEPS} WHERE j.job_id = ? ORDER BY s.ordinal LIMIT 1`).get(jobId) as
      | { job_id: string; step_id: string; payload_json: string }
      | undefined;
    if (first) requireIntactStepUnlocked(ledger, first);
  });
}

/**
 * A PASSIVE checkpoint (copies committed WAL frames into the database file without blocking writers): an ant that
 * waits for the other ants' last steps runs it meanwhile, so the checkpoint the last connection's close runs has
 * little left to copy. Returns the WAL frames copied.
 */
export function checkpointWhileIdle(ledger: Ledger): number {
  return readQuery(() => (ledger.stmt("PRAGMA wal_checkpoint(PASSIVE)").get() as { checkpointed: number }).checkpointed);
}
