// Deterministic ids and the receipt hash. Never a timestamp, never randomness.
import { canonicalJson, sha256Hex } from "@catalytic/core";
import type { ReceiptHeader } from "./records.js";

const ID_HEX = 32;

/** With an idempotency key the id ignores the sequence (a repeat finds the same id); without one the per-run sequence tells repeats apart. */
export function messageIdFor(input: { runId: string; source: string; payload: unknown; idempotencyKey: string | null; seq: number }): string {
  const identity =
    input.idempotencyKey === null
      ? { run_id: input.runId, seq: input.seq, source: input.source, payload: input.payload }
      : { run_id: input.runId, idempotency_key: input.idempotencyKey, source: input.source, payload: input.payload };
  return `msg_${sha256Hex(canonicalJson(identity)).slice(0, ID_HEX)}`;
}

export function jobIdFor(messageId: string, ordinal: number, intent: string, planHash: string | null): string {
  return `job_${sha256Hex(canonicalJson({ message_id: messageId, ordinal, intent, plan_hash: planHash })).slice(0, ID_HEX)}`;
}

/** The single step of a job made from a plain message (no plan). */
export function messageStepIdFor(jobId: string): string {
  return `step_${sha256Hex(canonicalJson({ job_id: jobId, ordinal: 1 })).slice(0, 16)}`;
}

/** `rcpt_<step id>_<fencing token>`: readable, and the ledger can check it (and find the receipt) without another index. */
export function receiptIdFor(stepId: string, fencingToken: number): string {
  return `rcpt_${stepId}_${fencingToken}`;
}

export function stepIdOfReceipt(receiptId: string): string | undefined {
  return /^rcpt_(.+)_\d+$/.exec(receiptId)?.[1];
}

/** What a receipt hash covers: the receipt and its ledger fields, not the hash itself or the time. */
export type ReceiptHashInput = ReceiptHeader & { receipt: unknown };

/** sha256 of the canonical JSON of the receipt and its ledger fields: what chains a job's receipts. */
export function receiptHashFor(input: ReceiptHashInput): string {
  return receiptHashOfCanonical(input, canonicalJson(input.receipt));
}

/**
 * receiptHashFor over a receipt already in canonical JSON: the same bytes, with the receipt spliced in instead of
 * serialized again (the completion holds the write lock while it hashes). Keys in canonicalJson's sorted order.
 */
export function receiptHashOfCanonical(header: ReceiptHeader, receiptJson: string): string {
  return sha256Hex(receiptDocumentOfCanonical(header, receiptJson));
}

/** The canonical JSON document a receipt hash is the sha256 of; also a checkpoint's Merkle leaf (checkpoint.ts). */
export function receiptDocumentOfCanonical(header: ReceiptHeader, receiptJson: string): string {
  const fields: Array<[string, string]> = [
    ["fencing_token", canonicalJson(header.fencingToken)],
    ["job_id", canonicalJson(header.jobId)],
    ["outcome", canonicalJson(header.outcome)],
    ["prev_receipt_hash", canonicalJson(header.prevReceiptHash)],
    ["receipt", receiptJson],
    ["receipt_id", canonicalJson(header.receiptId)],
    ["run_id", canonicalJson(header.runId)],
    ["step_id", canonicalJson(header.stepId)],
    ["worker_id", canonicalJson(header.workerId)],
  ];
  return `{${fields.map(([key, json]) => `"${key}":${json}`).join(",")}}`;
}
