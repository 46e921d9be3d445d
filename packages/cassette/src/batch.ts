// Batched claims and completions: several steps per BEGIN IMMEDIATE transaction (docs/cassette.md "Batches").
// A commit writes every page its transaction dirtied once, so a batch shares the claim index, receipt index,
// transition log and header pages among its steps instead of writing them again per step. Same triggers, same rows.
import { CassetteError } from "@catalytic/core";
import { writeTransaction } from "./connection.js";
import { isIntactStep, isJobVerified } from "./integrity.js";
import { JOB_STEPS, type Ledger } from "./ledger.js";
import {
  RUNNABLE_CONDITION,
  checkCompletion,
  claimAfterCommit,
  claimWithVerifiedJobs,
  commitReceipt,
  lease,
  type Candidate,
  type CheckedCompletion,
  type ClaimAttempt,
  type CompleteStepInput,
} from "./leasing.js";
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

export function requireBatchSize(value: unknown, name: string): number {
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

export function candidates(ledger: Ledger, runId: string, jobId: string | undefined, max: number): Candidate[] {
  return (jobId === undefined ? ledger.stmt(NEXT_IN_RUN_SQL).all(runId, max) : ledger.stmt(NEXT_IN_JOB_SQL).all(jobId, runId, max)) as Candidate[];
}

export function leaseAll(ledger: Ledger, found: Candidate[], workerId: string, ttlMs: number): ClaimedStep[] {
  const claimed: ClaimedStep[] = [];
  for (const candidate of found) {
    const step = lease(ledger, candidate, workerId, ttlMs);
    if (step !== undefined) claimed.push(step);
  }
  return claimed;
}

/** The attempt of a batch claim: lease the batch, or hand back its first candidate whose job is new to this connection. */
function leaseAllAttempt(ledger: Ledger, found: Candidate[], workerId: string, ttlMs: number): ClaimAttempt<ClaimedStep[]> {
  const unverified = found.find((candidate) => !isJobVerified(ledger, candidate.job_id));
  return unverified ? { verify: unverified } : { done: leaseAll(ledger, found, workerId, ttlMs) };
}

/**
 * Up to `max` runnable steps in claim order (of the run, or of `jobId`), leased to `workerId` in one transaction.
 * CAT_PLAN_TAMPERED on any of them leases none. An empty array when nothing is runnable. A job new to this
 * connection is verified first, without the write lock (claimWithVerifiedJobs).
 */
export function claimSteps(ledger: Ledger, runId: string, workerId: string, ttlSeconds: number, max: number, jobId?: string): ClaimedStep[] {
  requireNonEmpty(runId, "runId");
  requireNonEmpty(workerId, "workerId");
  if (jobId !== undefined) requireNonEmpty(jobId, "jobId");
  const ttlMs = requireTtlMs(ttlSeconds);
  const limit = requireBatchSize(max, "max");
  return claimWithVerifiedJobs(ledger, () => leaseAllAttempt(ledger, candidates(ledger, runId, jobId, limit), workerId, ttlMs));
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
 * completeAndClaimNext does); the worker's own claim then reports it. The claim stops before the first step of a
 * job new to this connection; when that is the first step found, the job is verified without the write lock and the
 * claim follows in a transaction of its own (as in completeAndClaimNext).
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
  const first = writeTransaction(ledger.db, ledger.logger, () => {
    const receipts = done.map((completion) => commitReceipt(ledger, completion));
    return { receipts, claim: claimIntactPrefix(ledger, candidates(ledger, runId, next.jobId, limit), workerId, ttlMs) };
  });
  const claimed = "done" in first.claim ? first.claim.done : claimAfterCommit(ledger, () => claimIntactPrefix(ledger, candidates(ledger, runId, next.jobId, limit), workerId, ttlMs), []);
  return { receipts: first.receipts, next: claimed };
}

/**
 * The chained claims of a batch: the candidates up to the first of a job new to this connection (handed back when
 * it is the first) or the first tampered one, whose check must not undo the batch's commits.
 */
function claimIntactPrefix(ledger: Ledger, found: Candidate[], workerId: string, ttlMs: number): ClaimAttempt<ClaimedStep[]> {
  const unverified = found.findIndex((candidate) => !isJobVerified(ledger, candidate.job_id));
  if (unverified === 0) return { verify: found[0]! };
  const known = unverified === -1 ? found : found.slice(0, unverified);
  const intact = known.findIndex((candidate) => !isIntactStep(ledger, candidate));
  return { done: leaseAll(ledger, intact === -1 ? known : known.slice(0, intact), workerId, ttlMs) };
}
