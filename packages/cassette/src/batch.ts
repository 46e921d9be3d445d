// Batched claims and completions: several steps per BEGIN IMMEDIATE transaction (docs/cassette.md "Batches").
// A commit writes every page its transaction dirtied once, so a batch shares the claim index, receipt index,
// transition log and header pages among its steps instead of writing them again per step. Same triggers, same rows.
import { CassetteError } from "@catalytic/core";
import { writeTransaction } from "./connection.js";
import { isIntactStep } from "./integrity.js";
import { JOB_STEPS, type Ledger } from "./ledger.js";
import { RUNNABLE_CONDITION, checkCompletion, commitReceipt, lease, type Candidate, type CheckedCompletion, type CompleteStepInput } from "./leasing.js";
import type { ClaimedStep } from "./records.js";
import { requireNonEmpty, requireTtlMs } from "./validate.js";

/** The most steps one batch call claims or completes: bounds how long one process holds the write lock. */
export const MAX_BATCH = 1000;

// Leasing a step changes no other step's runnability (that needs receipts), so one query finds the whole batch.
const NEXT_IN_RUN_SQL = `SELECT s.step_id, s.job_id, s.payload_json FROM steps s WHERE s.run_id = ? AND ${RUNNABLE_CONDITION}
  ORDER BY s.message_seq, s.job_ordinal, s.ordinal LIMIT ?`;
const NEXT_IN_JOB_SQL = `SELECT s.step_id, s.job_id, s.payload_json FROM ${JOB_STEPS}
  WHERE j.job_id = ? AND j.run_id = ? AND ${RUNNABLE_CONDITION} ORDER BY s.ordinal LIMIT ?`;

export interface ReceiptIds {
  receiptId: string;
  receiptHash: string;
}

function requireBatchSize(value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1 || value > MAX_BATCH) {
    throw new CassetteError("CAT_SCHEMA_INVALID", `${name} must be an integer in 1..${MAX_BATCH}, got ${JSON.stringify(value)}`, {
      hint: `pass how many steps to claim at most (1..${MAX_BATCH})`,
    });
  }
  return value;
}

function checkCompletions(inputs: unknown): CheckedCompletion[] {
  if (!Array.isArray(inputs)) {
    throw new CassetteError("CAT_SCHEMA_INVALID", "completions must be an array", { hint: "pass an array of completeStep inputs" });
  }
  if (inputs.length > MAX_BATCH) {
    throw new CassetteError("CAT_SCHEMA_INVALID", `at most ${MAX_BATCH} completions per call, got ${inputs.length}`, { hint: "split the batch" });
  }
  return inputs.map((input: CompleteStepInput) => checkCompletion(input));
}

function candidates(ledger: Ledger, runId: string, jobId: string | undefined, max: number): Candidate[] {
  return (jobId === undefined ? ledger.stmt(NEXT_IN_RUN_SQL).all(runId, max) : ledger.stmt(NEXT_IN_JOB_SQL).all(jobId, runId, max)) as Candidate[];
}

function leaseAll(ledger: Ledger, found: Candidate[], workerId: string, ttlMs: number): ClaimedStep[] {
  const claimed: ClaimedStep[] = [];
  for (const candidate of found) {
    const step = lease(ledger, candidate, workerId, ttlMs);
    if (step !== undefined) claimed.push(step);
  }
  return claimed;
}

/**
 * Up to `max` runnable steps in claim order (of the run, or of `jobId`), leased to `workerId` in one transaction.
 * CAT_PLAN_TAMPERED on any of them leases none. An empty array when nothing is runnable.
 */
export function claimSteps(ledger: Ledger, runId: string, workerId: string, ttlSeconds: number, max: number, jobId?: string): ClaimedStep[] {
  requireNonEmpty(runId, "runId");
  requireNonEmpty(workerId, "workerId");
  if (jobId !== undefined) requireNonEmpty(jobId, "jobId");
  const ttlMs = requireTtlMs(ttlSeconds);
  const limit = requireBatchSize(max, "max");
  return writeTransaction(ledger.db, ledger.logger, () => leaseAll(ledger, candidates(ledger, runId, jobId, limit), workerId, ttlMs));
}

/** completeStep for each input, in order, in one transaction: all commit or, on the first error, none does. */
export function completeSteps(ledger: Ledger, inputs: CompleteStepInput[]): ReceiptIds[] {
  const done = checkCompletions(inputs);
  if (done.length === 0) return [];
  return writeTransaction(ledger.db, ledger.logger, () => done.map((completion) => commitReceipt(ledger, completion)));
}

/**
 * completeSteps, then up to `max` next steps claimed by `workerId` (of `runId`, or of `jobId`) in the same
 * transaction: one commit per batch. A tampered next step stops the claim there and keeps the commits (as
 * completeAndClaimNext does); the worker's own claim then reports it.
 */
export function completeStepsAndClaimNext(
  ledger: Ledger,
  inputs: CompleteStepInput[],
  next: { runId: string; workerId: string; ttlSeconds: number; max: number; jobId?: string },
): { receipts: ReceiptIds[]; next: ClaimedStep[] } {
  const done = checkCompletions(inputs);
  const runId = requireNonEmpty(next.runId, "runId");
  const workerId = requireNonEmpty(next.workerId, "workerId");
  if (next.jobId !== undefined) requireNonEmpty(next.jobId, "jobId");
  const ttlMs = requireTtlMs(next.ttlSeconds);
  const limit = requireBatchSize(next.max, "max");
  return writeTransaction(ledger.db, ledger.logger, () => {
    const receipts = done.map((completion) => commitReceipt(ledger, completion));
    const found = candidates(ledger, runId, next.jobId, limit);
    const intact = found.findIndex((candidate) => !isIntactStep(ledger, candidate));
    return { receipts, next: leaseAll(ledger, intact === -1 ? found : found.slice(0, intact), workerId, ttlMs) };
  });
}
