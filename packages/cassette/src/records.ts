// Public record shapes (camelCase, parsed JSON) and the row mappers that build them.
import type { LedgerReceipt, Outcome } from "@catalytic/core";

export type MessageSource = "USER" | "PLANNER" | "SYSTEM" | "WORKER";
export type StepStatus = "PENDING" | "LEASED" | "COMMITTED";

export const MESSAGE_SOURCES: readonly MessageSource[] = ["USER", "PLANNER", "SYSTEM", "WORKER"];

export interface MessageRecord {
  messageId: string;
  runId: string;
  seq: number;
  source: MessageSource;
  idempotencyKey: string | null;
  payload: unknown;
  createdAt: string;
}

export interface JobRecord {
  jobId: string;
  messageId: string;
  runId: string;
  messageSeq: number;
  ordinal: number;
  intent: string;
  planHash: string | null;
  plannerVersion: string | null;
  /** The request id the plan was posted with (the message's idempotency key); same as idempotencyKey. */
  requestId: string | null;
  idempotencyKey: string | null;
  stepCount: number;
  createdAt: string;
}

export interface StepRecord {
  stepId: string;
  jobId: string;
  runId: string;
  ordinal: number;
  op: string;
  payload: unknown;
  dependsOn: string[];
  status: StepStatus;
  leaseOwner: string | null;
  /** ISO time the lease ends (null when PENDING). */
  leaseExpiresAt: string | null;
  fencingToken: number;
  createdAt: string;
}

export interface ClaimedStep extends StepRecord {
  runId: string;
  fencingToken: number;
  leaseExpiresAt: string;
  leaseOwner: string;
}

export interface ReceiptRecord extends LedgerReceipt {
  /** Position in its job's receipt chain, from 1. */
  jobSeq: number;
}

export interface StepTransition {
  transitionId: number;
  stepId: string;
  jobId: string;
  runId: string;
  from: StepStatus | null;
  to: StepStatus;
  workerId: string | null;
  fencingToken: number;
  at: string;
}

export interface JobStatus {
  jobId: string;
  runId: string;
  intent: string;
  stepCount: number;
  pending: number;
  leased: number;
  committed: number;
  /** Pending steps whose dependencies are all committed with SUCCESS. */
  runnable: number;
  /** Leased steps whose lease has run out (requeue them). */
  expiredLeases: number;
  receipts: number;
  workersSeen: string[];
  outcomes: Record<Outcome, number>;
  bytesUsed: number;
  symbolsUsed: number;
  maxBytes: number | null;
  maxSymbols: number | null;
  /** Every step committed. */
  done: boolean;
  /** Not done, nothing leased and nothing runnable: a dependency failed, so nothing more can run. */
  blocked: boolean;
}

export interface RunSummary {
  runId: string;
  messages: number;
  jobs: number;
  steps: number;
  pending: number;
  leased: number;
  committed: number;
  receipts: number;
  firstMessageAt: string;
  lastMessageAt: string;
}

export interface MessageRow {
  message_id: string;
  run_id: string;
  seq: number;
  source: MessageSource;
  idempotency_key: string | null;
  payload_json: string;
  created_at: string;
}

export interface JobRow {
  job_id: string;
  message_id: string;
  run_id: string;
  message_seq: number;
  ordinal: number;
  intent: string;
  plan_hash: string | null;
  planner_version: string | null;
  idempotency_key: string | null;
  step_count: number;
  created_at: string;
}

export interface StepRow {
  step_id: string;
  job_id: string;
  run_id: string;
  message_seq: number;
  job_ordinal: number;
  ordinal: number;
  op: string;
  payload_json: string;
  status: StepStatus;
  lease_owner: string | null;
  lease_expires_at: number | null;
  fencing_token: number;
  created_at: string;
  /** JSON array of dependency step ids, from a subquery. */
  depends_on_json: string;
}

export interface ReceiptRow {
  receipt_id: string;
  step_id: string;
  job_id: string;
  run_id: string;
  worker_id: string;
  fencing_token: number;
  outcome: Outcome;
  receipt_json: string;
  job_seq: number;
  prev_receipt_hash: string | null;
  receipt_hash: string;
  created_at: string;
}

export interface TransitionRow {
  transition_id: number;
  step_id: string;
  job_id: string;
  run_id: string;
  from_status: StepStatus | null;
  to_status: StepStatus;
  worker_id: string | null;
  fencing_token: number;
  at: string;
}

export function msToIso(ms: number): string {
  return new Date(ms).toISOString();
}

export function toMessage(row: MessageRow): MessageRecord {
  return {
    messageId: row.message_id,
    runId: row.run_id,
    seq: row.seq,
    source: row.source,
    idempotencyKey: row.idempotency_key,
    payload: JSON.parse(row.payload_json),
    createdAt: row.created_at,
  };
}

export function toJob(row: JobRow): JobRecord {
  return {
    jobId: row.job_id,
    messageId: row.message_id,
    runId: row.run_id,
    messageSeq: row.message_seq,
    ordinal: row.ordinal,
    intent: row.intent,
    planHash: row.plan_hash,
    plannerVersion: row.planner_version,
    requestId: row.idempotency_key,
    idempotencyKey: row.idempotency_key,
    stepCount: row.step_count,
    createdAt: row.created_at,
  };
}

export function toStep(row: StepRow): StepRecord {
  return {
    stepId: row.step_id,
    jobId: row.job_id,
    runId: row.run_id,
    ordinal: row.ordinal,
    op: row.op,
    payload: JSON.parse(row.payload_json),
    dependsOn: JSON.parse(row.depends_on_json) as string[],
    status: row.status,
    leaseOwner: row.lease_owner,
    leaseExpiresAt: row.lease_expires_at === null ? null : msToIso(row.lease_expires_at),
    fencingToken: row.fencing_token,
    createdAt: row.created_at,
  };
}

/** The ledger fields a receipt hash covers besides the receipt document (ids.ts). */
export type ReceiptHeader = Omit<LedgerReceipt, "receipt" | "receiptHash" | "createdAt">;

export function receiptHeaderOf(row: ReceiptRow): ReceiptHeader {
  return {
    receiptId: row.receipt_id,
    stepId: row.step_id,
    jobId: row.job_id,
    runId: row.run_id,
    workerId: row.worker_id,
    fencingToken: row.fencing_token,
    outcome: row.outcome,
    prevReceiptHash: row.prev_receipt_hash,
  };
}

export function toReceipt(row: ReceiptRow): ReceiptRecord {
  return {
    ...receiptHeaderOf(row),
    receipt: JSON.parse(row.receipt_json),
    jobSeq: row.job_seq,
    receiptHash: row.receipt_hash,
    createdAt: row.created_at,
  };
}

export function toTransition(row: TransitionRow): StepTransition {
  return {
    transitionId: row.transition_id,
    stepId: row.step_id,
    jobId: row.job_id,
    runId: row.run_id,
    from: row.from_status,
    to: row.to_status,
    workerId: row.worker_id,
    fencingToken: row.fencing_token,
    at: row.at,
  };
}
