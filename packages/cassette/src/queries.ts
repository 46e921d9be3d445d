// Read side: records, listings, job status and the change feed. "Nothing found" is undefined.
import { CassetteError } from "@catalytic/core";
import { readQuery } from "./connection.js";
import { stepIdOfReceipt } from "./ids.js";
import { JOB_STEPS, SQL_NOW_MS, STEP_COLUMNS, type Ledger } from "./ledger.js";
import { RUNNABLE_CONDITION } from "./leasing.js";
import {
  toJob,
  toMessage,
  toReceipt,
  toStep,
  toTransition,
  type JobRecord,
  type JobRow,
  type JobStatus,
  type MessageRecord,
  type MessageRow,
  type ReceiptRecord,
  type ReceiptRow,
  type RunSummary,
  type StepRecord,
  type StepRow,
  type StepTransition,
  type TransitionRow,
} from "./records.js";

export interface ChangeBatch {
  /** Pass this back to get what happened after. */
  cursor: number;
  receipts: ReceiptRecord[];
  transitions: StepTransition[];
}

/** A receipt is keyed by its step's step_seq (migration 3): found through the step. */
const RECEIPT_OF_STEP_SQL = "SELECT r.* FROM steps s JOIN receipts r ON r.step_seq = s.step_seq WHERE s.step_id = ?";

export function getStep(ledger: Ledger, stepId: string): StepRecord | undefined {
  const row = readQuery(() => ledger.stmt(`SELECT ${STEP_COLUMNS} FROM steps s WHERE s.step_id = ?`).get(stepId) as StepRow | undefined);
  return row ? toStep(row) : undefined;
}

export function getJob(ledger: Ledger, jobId: string): JobRecord | undefined {
  const row = readQuery(() => ledger.stmt("SELECT * FROM jobs WHERE job_id = ?").get(jobId) as JobRow | undefined);
  return row ? toJob(row) : undefined;
}

export function getMessage(ledger: Ledger, messageId: string): MessageRecord | undefined {
  const row = readQuery(() => ledger.stmt("SELECT * FROM messages WHERE message_id = ?").get(messageId) as MessageRow | undefined);
  return row ? toMessage(row) : undefined;
}

export function getReceipt(ledger: Ledger, receiptId: string): ReceiptRecord | undefined {
  const stepId = stepIdOfReceipt(receiptId);
  if (stepId === undefined) return undefined;
  const row = readQuery(() => ledger.stmt(`${RECEIPT_OF_STEP_SQL} AND r.receipt_id = ?`).get(stepId, receiptId) as ReceiptRow | undefined);
  return row ? toReceipt(row) : undefined;
}

export function getReceiptForStep(ledger: Ledger, stepId: string): ReceiptRecord | undefined {
  const row = readQuery(() => ledger.stmt(RECEIPT_OF_STEP_SQL).get(stepId) as ReceiptRow | undefined);
  return row ? toReceipt(row) : undefined;
}

export function listRuns(ledger: Ledger): RunSummary[] {
  // One grouped scan per table (no per-run subqueries): a UI call, never on the claim path.
  return readQuery(() =>
    ledger.db
      .transaction(() =>
        ledger
          .stmt(
            `WITH m AS (SELECT run_id, COUNT(*) AS messages, MIN(created_at) AS first_at, MAX(created_at) AS last_at FROM messages GROUP BY run_id),
                  j AS (SELECT run_id, COUNT(*) AS jobs FROM jobs GROUP BY run_id),
                  s AS (SELECT run_id, COUNT(*) AS steps, SUM(status = 'PENDING') AS pending, SUM(status = 'LEASED') AS leased,
                               SUM(status = 'COMMITTED') AS committed FROM steps GROUP BY run_id),
                  r AS (SELECT run_id, COUNT(*) AS receipts FROM receipts GROUP BY run_id)
             SELECT m.run_id AS runId, m.messages, COALESCE(j.jobs, 0) AS jobs, COALESCE(s.steps, 0) AS steps, COALESCE(s.pending, 0) AS pending,
                    COALESCE(s.leased, 0) AS leased, COALESCE(s.committed, 0) AS committed, COALESCE(r.receipts, 0) AS receipts,
                    m.first_at AS firstMessageAt, m.last_at AS lastMessageAt
             FROM m LEFT JOIN j ON j.run_id = m.run_id LEFT JOIN s ON s.run_id = m.run_id LEFT JOIN r ON r.run_id = m.run_id
             ORDER BY m.run_id`,
          )
          .all() as RunSummary[],
      )
      .deferred(),
  );
}

export function listJobs(ledger: Ledger, runId?: string): JobRecord[] {
  const rows = readQuery(() =>
    runId === undefined
      ? (ledger.stmt("SELECT * FROM jobs ORDER BY run_id, message_seq, ordinal").all() as JobRow[])
      : (ledger.stmt("SELECT * FROM jobs WHERE run_id = ? ORDER BY message_seq, ordinal").all(runId) as JobRow[]),
  );
  return rows.map(toJob);
}

export function listSteps(ledger: Ledger, jobId: string): StepRecord[] {
  const rows = readQuery(() => ledger.stmt(`SELECT ${STEP_COLUMNS} FROM ${JOB_STEPS} WHERE j.job_id = ? ORDER BY s.ordinal`).all(jobId) as StepRow[]);
  return rows.map(toStep);
}

/** Receipts of a job in chain order. */
export function listReceipts(ledger: Ledger, jobId: string, afterSeq = 0): ReceiptRecord[] {
  const rows = readQuery(() => ledger.stmt("SELECT * FROM receipts WHERE job_id = ? AND job_seq > ? ORDER BY job_seq").all(jobId, afterSeq) as ReceiptRow[]);
  return rows.map(toReceipt);
}

export function jobStatus(ledger: Ledger, jobId: string): JobStatus {
  return readQuery(() => {
    const job = ledger
      .stmt(
        `SELECT j.job_id, j.run_id, j.intent, j.step_count, b.bytes_used, b.symbols_used, b.max_bytes, b.max_symbols
         FROM jobs j LEFT JOIN job_budgets b ON b.job_id = j.job_id WHERE j.job_id = ?`,
      )
      .get(jobId) as
      | { job_id: string; run_id: string; intent: string; step_count: number; bytes_used: number | null; symbols_used: number | null; max_bytes: number | null; max_symbols: number | null }
      | undefined;
    if (!job) {
      throw new CassetteError("CAT_JOB_NOT_FOUND", `no job ${jobId}`, { hint: "list jobs with 'catalytic cassette jobs'", details: { jobId } });
    }
    const counts = ledger
      .stmt(
        `SELECT COALESCE(SUM(s.status = 'PENDING'), 0) AS pending, COALESCE(SUM(s.status = 'LEASED'), 0) AS leased,
                COALESCE(SUM(s.status = 'COMMITTED'), 0) AS committed,
                COALESCE(SUM(s.status = 'LEASED' AND s.lease_expires_at <= ${SQL_NOW_MS}), 0) AS expired,
                COALESCE(SUM(${RUNNABLE_CONDITION}), 0) AS runnable
         FROM ${JOB_STEPS} WHERE j.job_id = ?`,
      )
      .get(jobId) as { pending: number; leased: number; committed: number; expired: number; runnable: number };
    const outcomes = { SUCCESS: 0, FAILURE: 0, ABORTED: 0 };
    const outcomeRows = ledger.stmt("SELECT outcome, COUNT(*) AS n FROM receipts WHERE job_id = ? GROUP BY outcome").all(jobId) as Array<{
      outcome: keyof typeof outcomes;
      n: number;
    }>;
    for (const row of outcomeRows) outcomes[row.outcome] = row.n;
    const workers = ledger
      .stmt("SELECT DISTINCT worker_id FROM step_transitions WHERE job_id = ? AND to_status = 'LEASED' ORDER BY worker_id")
      .all(jobId) as Array<{ worker_id: string }>;
    const done = counts.committed === job.step_count;
    return {
      jobId: job.job_id,
      runId: job.run_id,
      intent: job.intent,
      stepCount: job.step_count,
      pending: counts.pending,
      leased: counts.leased,
      committed: counts.committed,
      runnable: counts.runnable,
      expiredLeases: counts.expired,
      receipts: outcomes.SUCCESS + outcomes.FAILURE + outcomes.ABORTED,
      workersSeen: workers.map((row) => row.worker_id),
      outcomes,
      bytesUsed: job.bytes_used ?? 0,
      symbolsUsed: job.symbols_used ?? 0,
      maxBytes: job.max_bytes,
      maxSymbols: job.max_symbols,
      done,
      blocked: !done && counts.leased === 0 && counts.runnable === 0,
    };
  });
}

/**
 * FAILURE receipts of a job after chain position `afterSeq`, and the position reached: reads only the receipts
 * committed since the last call, so a worker can watch for another's failure without scanning the whole job.
 */
export function jobFailuresSince(ledger: Ledger, jobId: string, afterSeq: number): { failures: number; lastSeq: number } {
  return readQuery(
    () =>
      ledger
        .stmt(
          `SELECT COALESCE(SUM(outcome = 'FAILURE'), 0) AS failures, COALESCE(MAX(job_seq), ?) AS lastSeq
           FROM receipts WHERE job_id = ? AND job_seq > ?`,
        )
        .get(afterSeq, jobId, afterSeq) as { failures: number; lastSeq: number },
  );
}

/**
 * Everything after `cursor` (a step_transitions id; 0 = from the start): step transitions, and the receipts
 * committed by those transitions (a receipt and its COMMITTED transition are written in one transaction).
 */
export function changesSince(ledger: Ledger, cursor: number, limit = 10_000): ChangeBatch {
  if (!Number.isSafeInteger(cursor) || cursor < 0) {
    throw new CassetteError("CAT_SCHEMA_INVALID", `cursor must be a non-negative integer, got ${JSON.stringify(cursor)}`, {
      hint: "start from 0 and pass back the cursor each call returns",
    });
  }
  return readQuery(() =>
    ledger.db
      .transaction(() => {
        const rows = ledger.stmt("SELECT * FROM step_transitions WHERE transition_id > ? ORDER BY transition_id LIMIT ?").all(cursor, limit) as TransitionRow[];
        const last = rows[rows.length - 1];
        if (!last) return { cursor, receipts: [], transitions: [] };
        const receipts = ledger
          .stmt(
            `SELECT r.* FROM step_transitions t JOIN steps s ON s.step_id = t.step_id JOIN receipts r ON r.step_seq = s.step_seq
             WHERE t.transition_id > ? AND t.transition_id <= ? AND t.to_status = 'COMMITTED' ORDER BY t.transition_id`,
          )
          .all(cursor, last.transition_id) as ReceiptRow[];
        return { cursor: last.transition_id, receipts: receipts.map(toReceipt), transitions: rows.map(toTransition) };
      })
      .deferred(),
  );
}

export function dataVersion(ledger: Ledger): number {
  return ledger.db.pragma("data_version", { simple: true }) as number;
}
