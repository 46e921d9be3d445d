// Claims, renewals, completions, requeues and budget use: each one BEGIN IMMEDIATE transaction.
// The API checks first to give a precise typed error; the triggers are the authority behind it.
import { BudgetError, CassetteError, canonicalJson, type Outcome } from "@catalytic/core";
import { readQuery, writeTransaction } from "./connection.js";
import { receiptHashOfCanonical, receiptIdFor } from "./ids.js";
import { JOB_STEPS, SQL_NOW_MS, isoNow, type Ledger } from "./ledger.js";
import { msToIso, type ClaimedStep } from "./records.js";
import { isIntactStep, isJobVerified, requireIntactStep, requireIntactStepUnlocked } from "./integrity.js";
import { requireCount, requireNonEmpty, requireOutcome, requireToken, requireTtlMs } from "./validate.js";

export interface CompleteStepInput {
  runId: string;
  stepId: string;
  workerId: string;
  fencingToken: number;
  receipt: unknown;
  outcome: Outcome;
}

/** A pending step whose dependencies are all committed with SUCCESS. */
const RUNNABLE = `s.status = 'PENDING' AND NOT EXISTS (
  SELECT 1 FROM step_deps d LEFT JOIN steps ds ON ds.step_id = d.depends_on_step_id LEFT JOIN receipts r ON r.step_seq = ds.step_seq
  WHERE d.step_id = s.step_id AND r.outcome IS NOT 'SUCCESS')`;

export const RUNNABLE_CONDITION = RUNNABLE;

// Hot-path SQL as module constants: one string each, so the statement cache never rehashes a rebuilt string.
// Only the lease fields: the rest of the claimed step is the verified step (integrity.ts), which never changes.
const LEASE_SQL = `UPDATE steps SET status = 'LEASED', lease_owner = ?, lease_expires_at = ${SQL_NOW_MS} + ?, fencing_token = fencing_token + 1
  WHERE step_id = ? AND status = 'PENDING' RETURNING lease_expires_at, fencing_token`;
const NEXT_IN_RUN_SQL = `SELECT s.step_id, s.job_id, s.payload_json FROM steps s WHERE s.run_id = ? AND ${RUNNABLE} ORDER BY s.message_seq, s.job_ordinal, s.ordinal LIMIT 1`;
const NEXT_IN_JOB_SQL = `SELECT s.step_id, s.job_id, s.payload_json FROM ${JOB_STEPS}
  WHERE j.job_id = ? AND j.run_id = ? AND ${RUNNABLE} ORDER BY s.ordinal LIMIT 1`;
const LEASE_STATE_SQL = `SELECT step_seq, step_id, job_id, run_id, status, lease_owner, lease_expires_at, fencing_token,
  COALESCE(lease_expires_at <= ${SQL_NOW_MS}, 0) AS expired FROM steps WHERE step_id = ?`;
// A completion's lease state and the link it chains to (its job's latest receipt), in one statement.
const LEASE_AND_CHAIN_SQL = `SELECT s.step_seq, s.step_id, s.job_id, s.run_id, s.status, s.lease_owner, s.lease_expires_at, s.fencing_token,
  COALESCE(s.lease_expires_at <= ${SQL_NOW_MS}, 0) AS expired, r.job_seq AS prev_job_seq, r.receipt_hash AS prev_receipt_hash
  FROM steps s LEFT JOIN receipts r ON r.job_id = s.job_id AND r.job_seq = (SELECT MAX(job_seq) FROM receipts WHERE job_id = s.job_id)
  WHERE s.step_id = ?`;
const INSERT_RECEIPT_SQL = `INSERT INTO receipts (step_seq, step_id, receipt_id, job_id, run_id, worker_id, fencing_token, outcome, receipt_json, job_seq,
  prev_receipt_hash, receipt_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const COMMIT_STEP_SQL = "UPDATE steps SET status = 'COMMITTED' WHERE step_seq = ?";

/** The next runnable step: what a claim leases once its payload is checked against the posted plan. */
export interface Candidate {
  step_id: string;
  job_id: string;
  payload_json: string;
}

/** Leases the candidate after checking it against its job's plan hash (CAT_PLAN_TAMPERED: nothing is leased). */
export function lease(ledger: Ledger, candidate: Candidate | undefined, workerId: string, ttlMs: number): ClaimedStep | undefined {
  if (candidate === undefined) return undefined;
  const step = requireIntactStep(ledger, candidate.job_id, candidate.step_id, candidate.payload_json);
  const row = ledger.stmt(LEASE_SQL).get(workerId, ttlMs, candidate.step_id) as { lease_expires_at: number; fencing_token: number } | undefined;
  if (row === undefined) return undefined;
  return {
    stepId: candidate.step_id,
    jobId: candidate.job_id,
    runId: step.runId,
    ordinal: step.ordinal,
    op: step.op,
    payload: JSON.parse(step.payloadJson),
    dependsOn: [...step.dependsOn],
    status: "LEASED",
    leaseOwner: workerId,
    leaseExpiresAt: msToIso(row.lease_expires_at),
    fencingToken: row.fencing_token,
    createdAt: step.createdAt,
  };
}

function nextInRun(ledger: Ledger, runId: string): Candidate | undefined {
  return ledger.stmt(NEXT_IN_RUN_SQL).get(runId) as Candidate | undefined;
}

function nextInJob(ledger: Ledger, runId: string, jobId: string): Candidate | undefined {
  return ledger.stmt(NEXT_IN_JOB_SQL).get(jobId, runId) as Candidate | undefined;
}

/** What a claim's write transaction did: its result, or the candidate whose job this connection has not verified yet. */
export type ClaimAttempt<T> = { done: T } | { verify: Candidate };

/**
 * Runs `attempt` in write transactions until it is done. When it meets a job new to this connection it writes
 * nothing and returns the candidate: the job is verified in a read transaction, without the write lock (hashing a
 * whole plan while every other writer waits cost each new worker's first claim ~10 ms per 4,000 steps), then the
 * claim runs again. CAT_PLAN_TAMPERED from that check: nothing was leased.
 */
export function claimWithVerifiedJobs<T>(ledger: Ledger, attempt: () => ClaimAttempt<T>): T {
  for (;;) {
    const result = writeTransaction(ledger.db, ledger.logger, attempt);
    if ("done" in result) return result.done;
    readQuery(() => requireIntactStepUnlocked(ledger, result.verify));
  }
}

/** The attempt of a one-step claim: lease the candidate, or hand it back when its job is new to this connection. */
function leaseAttempt(ledger: Ledger, candidate: Candidate | undefined, workerId: string, ttlMs: number): ClaimAttempt<ClaimedStep | undefined> {
  if (candidate !== undefined && !isJobVerified(ledger, candidate.job_id)) return { verify: candidate };
  return { done: lease(ledger, candidate, workerId, ttlMs) };
}

/**
 * The claim that follows a commit (completeAndClaimNext, completeStepsAndClaimNext) when the commit's own
 * transaction met a job new to this connection: claimWithVerifiedJobs, where CAT_PLAN_TAMPERED claims nothing
 * (`none`) because the commit stands; the worker's own claim then reports it.
 */
export function claimAfterCommit<T>(ledger: Ledger, attempt: () => ClaimAttempt<T>, none: T): T {
  try {
    return claimWithVerifiedJobs(ledger, attempt);
  } catch (error) {
    if ((error as { code?: unknown }).code === "CAT_PLAN_TAMPERED") return none;
    throw error;
  }
}

/** Deterministic: oldest message, lowest job ordinal, lowest step ordinal, dependencies satisfied. */
export function claimStep(ledger: Ledger, runId: string, workerId: string, ttlSeconds: number): ClaimedStep | undefined {
  requireNonEmpty(runId, "runId");
  requireNonEmpty(workerId, "workerId");
  const ttlMs = requireTtlMs(ttlSeconds);
  return claimWithVerifiedJobs(ledger, () => leaseAttempt(ledger, nextInRun(ledger, runId), workerId, ttlMs));
}

export function claimNextStep(ledger: Ledger, runId: string, jobId: string, workerId: string, ttlSeconds: number): ClaimedStep | undefined {
  requireNonEmpty(runId, "runId");
  requireNonEmpty(jobId, "jobId");
  requireNonEmpty(workerId, "workerId");
  const ttlMs = requireTtlMs(ttlSeconds);
  return claimWithVerifiedJobs(ledger, () => leaseAttempt(ledger, nextInJob(ledger, runId, jobId), workerId, ttlMs));
}

interface LeaseState {
  step_seq: number;
  step_id: string;
  job_id: string;
  run_id: string;
  status: string;
  lease_owner: string | null;
  lease_expires_at: number | null;
  fencing_token: number;
  expired: number;
}

/** The checks completion and renewal share: the step exists (in the run), and this worker holds its current, unexpired lease. */
function checkLease<State extends LeaseState>(state: State | undefined, stepId: string, workerId: string, token: number, runId?: string): State {
  if (!state || (runId !== undefined && state.run_id !== runId)) {
    throw new CassetteError("CAT_STEP_NOT_FOUND", `no step ${stepId}${runId === undefined ? "" : ` in run ${runId}`}`, {
      hint: "check the step id and run id (catalytic cassette status --run-id R)",
      details: { stepId, runId },
    });
  }
  if (state.fencing_token !== token) {
    throw new CassetteError("CAT_STALE_TOKEN", `fencing token ${token} is stale for step ${stepId} (current token ${state.fencing_token})`, {
      hint: "the lease was requeued or re-claimed; drop this work and claim again",
      details: { stepId, token, currentToken: state.fencing_token },
    });
  }
  if (state.status !== "LEASED" || state.lease_owner !== workerId) {
    throw new CassetteError(
      "CAT_LEASE_NOT_HELD",
      state.status === "LEASED"
        ? `step ${stepId} is leased by ${state.lease_owner}, not ${workerId}`
        : `step ${stepId} is ${state.status}, not leased by ${workerId}`,
      { hint: "only the worker holding the lease may renew or complete a step", details: { stepId, status: state.status, leaseOwner: state.lease_owner } },
    );
  }
  if (state.expired) {
    throw new CassetteError("CAT_LEASE_EXPIRED", `the lease of ${workerId} on step ${stepId} expired at ${msToIso(state.lease_expires_at!)}`, {
      hint: "renew leases before they run out; run 'catalytic cassette requeue' and claim the step again",
      details: { stepId, leaseExpiresAt: msToIso(state.lease_expires_at!) },
    });
  }
  return state;
}

function requireLease(ledger: Ledger, stepId: string, workerId: string, token: number): LeaseState {
  return checkLease(ledger.stmt(LEASE_STATE_SQL).get(stepId) as LeaseState | undefined, stepId, workerId, token);
}

export function renewLease(ledger: Ledger, stepId: string, workerId: string, fencingToken: number, ttlSeconds: number): { leaseExpiresAt: string } {
  requireNonEmpty(stepId, "stepId");
  requireNonEmpty(workerId, "workerId");
  const token = requireToken(fencingToken);
  const ttlMs = requireTtlMs(ttlSeconds);
  return writeTransaction(ledger.db, ledger.logger, () => {
    requireLease(ledger, stepId, workerId, token);
    // Expiry only moves forward: a shorter ttl than what remains leaves the lease as it is.
    ledger
      .stmt(`UPDATE steps SET lease_expires_at = ${SQL_NOW_MS} + ? WHERE step_id = ? AND lease_expires_at < ${SQL_NOW_MS} + ?`)
      .run(ttlMs, stepId, ttlMs);
    const row = ledger.stmt("SELECT lease_expires_at FROM steps WHERE step_id = ?").get(stepId) as { lease_expires_at: number };
    return { leaseExpiresAt: msToIso(row.lease_expires_at) };
  });
}

export interface CheckedCompletion {
  runId: string;
  stepId: string;
  workerId: string;
  token: number;
  outcome: Outcome;
  /** The receipt in canonical JSON: stored as is and hashed as is. */
  receiptJson: string;
}

export function checkCompletion(input: CompleteStepInput): CheckedCompletion {
  const runId = requireNonEmpty(input.runId, "runId");
  const stepId = requireNonEmpty(input.stepId, "stepId");
  const workerId = requireNonEmpty(input.workerId, "workerId");
  const token = requireToken(input.fencingToken);
  const outcome = requireOutcome(input.outcome);
  if (input.receipt === undefined) {
    throw new CassetteError("CAT_SCHEMA_INVALID", "receipt is required", { hint: "pass the receipt payload (a JSON value)" });
  }
  return { runId, stepId, workerId, token, outcome, receiptJson: canonicalJson(input.receipt) };
}

/** Inserts the receipt (next link of its job's chain) and commits the step; the caller holds the write transaction. */
export function commitReceipt(ledger: Ledger, done: CheckedCompletion): { receiptId: string; receiptHash: string } {
  const { runId, stepId, workerId, token, outcome, receiptJson } = done;
  const state = checkLease(
    ledger.stmt(LEASE_AND_CHAIN_SQL).get(stepId) as (LeaseState & { prev_job_seq: number | null; prev_receipt_hash: string | null }) | undefined,
    stepId,
    workerId,
    token,
    runId,
  );
  const prevReceiptHash = state.prev_receipt_hash;
  const receiptId = receiptIdFor(stepId, token);
  const receiptHash = receiptHashOfCanonical({ receiptId, stepId, jobId: state.job_id, runId, workerId, fencingToken: token, outcome, prevReceiptHash }, receiptJson);
  ledger
    .stmt(INSERT_RECEIPT_SQL)
    .run(state.step_seq, stepId, receiptId, state.job_id, runId, workerId, token, outcome, receiptJson, (state.prev_job_seq ?? 0) + 1, prevReceiptHash, receiptHash, isoNow(ledger));
  ledger.stmt(COMMIT_STEP_SQL).run(state.step_seq);
  return { receiptId, receiptHash };
}

export function completeStep(ledger: Ledger, input: CompleteStepInput): { receiptId: string; receiptHash: string } {
  const done = checkCompletion(input);
  return writeTransaction(ledger.db, ledger.logger, () => commitReceipt(ledger, done));
}

/**
 * completeStep and then the claim of the next runnable step (of the run, or of `jobId`) by the same worker, in one
 * transaction: one commit per step instead of two. `next` is undefined when nothing is runnable. When the next step's
 * job is new to this connection, the claim follows in a transaction of its own, after the job is verified without
 * the write lock (claimWithVerifiedJobs).
 */
export function completeAndClaimNext(
  ledger: Ledger,
  input: CompleteStepInput,
  ttlSeconds: number,
  jobId?: string,
): { receiptId: string; receiptHash: string; next: ClaimedStep | undefined } {
  const done = checkCompletion(input);
  const ttlMs = requireTtlMs(ttlSeconds);
  if (jobId !== undefined) requireNonEmpty(jobId, "jobId");
  const next = () => (jobId === undefined ? nextInRun(ledger, done.runId) : nextInJob(ledger, done.runId, jobId));
  // A tampered next step must not undo this commit: claim nothing here; the worker's own claim then reports it.
  const chained = (): ClaimAttempt<ClaimedStep | undefined> => {
    const candidate = next();
    if (candidate !== undefined && isJobVerified(ledger, candidate.job_id) && !isIntactStep(ledger, candidate)) return { done: undefined };
    return leaseAttempt(ledger, candidate, done.workerId, ttlMs);
  };
  const first = writeTransaction(ledger.db, ledger.logger, () => ({ committed: commitReceipt(ledger, done), claim: chained() }));
  return { ...first.committed, next: "done" in first.claim ? first.claim.done : claimAfterCommit(ledger, chained, undefined) };
}

/** Returns expired leases to PENDING (fencing token + 1), in claim order; the ids of the steps requeued. */
export function requeueExpired(ledger: Ledger, runId?: string): string[] {
  if (runId !== undefined) requireNonEmpty(runId, "runId");
  const requeued = writeTransaction(ledger.db, ledger.logger, () => {
    const rows = (
      runId === undefined
        ? ledger
            .stmt(`SELECT step_id FROM steps WHERE status = 'LEASED' AND lease_expires_at <= ${SQL_NOW_MS} ORDER BY run_id, message_seq, job_ordinal, ordinal`)
            .all()
        : ledger
            .stmt(
              `SELECT step_id FROM steps WHERE run_id = ? AND status = 'LEASED' AND lease_expires_at <= ${SQL_NOW_MS} ORDER BY message_seq, job_ordinal, ordinal`,
            )
            .all(runId)
    ) as Array<{ step_id: string }>;
    const requeue = ledger.stmt(
      "UPDATE steps SET status = 'PENDING', lease_owner = NULL, lease_expires_at = NULL, fencing_token = fencing_token + 1 WHERE step_id = ?",
    );
    for (const row of rows) requeue.run(row.step_id);
    return rows.map((row) => row.step_id);
  });
  if (requeued.length > 0) ledger.logger.info("requeued expired leases", { runId, steps: requeued.length });
  return requeued;
}

/** Adds usage to a job's budget atomically; on a breach nothing is consumed and BudgetError is thrown. */
export function consumeBudget(ledger: Ledger, jobId: string, bytes: number, symbols: number): { bytesUsed: number; symbolsUsed: number } {
  requireNonEmpty(jobId, "jobId");
  const addBytes = requireCount(bytes, "bytes");
  const addSymbols = requireCount(symbols, "symbols");
  return writeTransaction(ledger.db, ledger.logger, () => chargeBudget(ledger, jobId, addBytes, addSymbols));
}

/** consumeBudget's work inside the caller's write transaction (counts already validated). */
export function chargeBudget(ledger: Ledger, jobId: string, addBytes: number, addSymbols: number): { bytesUsed: number; symbolsUsed: number } {
  const budget = ledger.stmt("SELECT * FROM job_budgets WHERE job_id = ?").get(jobId) as
    | { max_bytes: number | null; max_symbols: number | null; bytes_used: number; symbols_used: number }
    | undefined;
  if (!budget) {
    throw new CassetteError("CAT_JOB_NOT_FOUND", `no job ${jobId}`, { hint: "check the job id (catalytic cassette jobs)", details: { jobId } });
  }
  const bytesUsed = budget.bytes_used + addBytes;
  const symbolsUsed = budget.symbols_used + addSymbols;
  const over: string[] = [];
  if (budget.max_bytes !== null && bytesUsed > budget.max_bytes) over.push(`bytes ${bytesUsed} > max ${budget.max_bytes}`);
  if (budget.max_symbols !== null && symbolsUsed > budget.max_symbols) over.push(`symbols ${symbolsUsed} > max ${budget.max_symbols}`);
  if (over.length > 0) {
    throw new BudgetError("CAT_BUDGET_EXCEEDED", `job ${jobId} budget exceeded: ${over.join(", ")}`, {
      hint: "nothing was consumed; fail the step, or plan again with a larger budget",
      details: { jobId, bytesUsed: budget.bytes_used, symbolsUsed: budget.symbols_used, maxBytes: budget.max_bytes, maxSymbols: budget.max_symbols },
    });
  }
  ledger.stmt("UPDATE job_budgets SET bytes_used = ?, symbols_used = ? WHERE job_id = ?").run(bytesUsed, symbolsUsed, jobId);
  return { bytesUsed, symbolsUsed };
}
