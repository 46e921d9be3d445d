// The Cassette: the append-only ledger over .catalytic/cassette.db. A thin API; the triggers hold the invariants.
import path from "node:path";
import type Database from "better-sqlite3";
import { SILENT_LOGGER, STATE_DIR, type Logger } from "@catalytic/core";
import { openConnection, readQuery, writeTransaction } from "./connection.js";
import { requireIntactJob } from "./integrity.js";
import { createLedger, type Ledger } from "./ledger.js";
import {
  claimNextStep,
  claimStep,
  completeAndClaimNext,
  completeStep,
  consumeBudget,
  renewLease,
  requeueExpired,
  type CompleteStepInput,
} from "./leasing.js";
import { claimSteps, completeSteps, completeStepsAndClaimNext, type ReceiptIds } from "./batch.js";
import { checkpointWhileIdle, commitChargedBatch, expandedHashesSince, jobOps, pendingStepCount, tryCommitChargedBatch, verifyJobForClaims, type ChargedCompletion, type ChargedNext, type ChargedResult } from "./charged.js";
import { findJobByRequest, postMessage, postMessages, postPlan, type PostMessageInput, type PostMessageResult, type PostPlanInput, type PostPlanResult } from "./posting.js";
import {
  changesSince,
  dataVersion,
  getJob,
  getMessage,
  getReceipt,
  getReceiptForStep,
  getStep,
  jobFailuresSince,
  jobStatus,
  listJobs,
  listReceipts,
  listRuns,
  listSteps,
  type ChangeBatch,
} from "./queries.js";
import type { ClaimedStep, JobRecord, JobStatus, MessageRecord, ReceiptRecord, RunSummary, StepRecord } from "./records.js";
import { applyMigrations, dumpSchema } from "./schema.js";
import { verifyLedger, type VerifyResult } from "./verify.js";
import { checkCheckpoint, makeCheckpoint, proveReceipt, type CheckpointCheck, type ReceiptProof, type SignedCheckpoint } from "./checkpoint.js";
import type { NoteSigner, NoteVerifier } from "./note.js";

export const CASSETTE_FILE = "cassette.db";

export interface CassetteOptions {
  logger?: Logger;
  /** Clock (ms) for the ISO timestamps written in rows. Lease expiry always uses SQLite's clock, like the triggers. */
  now?: () => number;
}

export function cassettePath(root: string): string {
  return path.join(root, STATE_DIR, CASSETTE_FILE);
}

export class Cassette {
  readonly dbPath: string;
  private readonly ledger: Ledger;

  private constructor(dbPath: string, db: Database.Database, options: CassetteOptions) {
    this.dbPath = dbPath;
    this.ledger = createLedger(db, options.logger ?? SILENT_LOGGER, options.now ?? Date.now);
  }

  /** Opens (creating folders and file if needed) and migrates the ledger at `dbPath`. */
  static open(dbPath: string, options: CassetteOptions = {}): Cassette {
    const db = openConnection(dbPath);
    try {
      writeTransaction(db, options.logger ?? SILENT_LOGGER, () => applyMigrations(db, dbPath));
    } catch (error) {
      db.close();
      throw error;
    }
    return new Cassette(dbPath, db, options);
  }

  /** `<root>/.catalytic/cassette.db`. */
  static openWorkspace(root: string, options: CassetteOptions = {}): Cassette {
    return Cassette.open(cassettePath(root), options);
  }

  close(): void {
    if (this.ledger.db.open) this.ledger.db.close();
  }

  postMessage(input: PostMessageInput): PostMessageResult {
    return postMessage(this.ledger, input);
  }

  /** postMessage for each input in one transaction (all or none); the same rows and ids as one by one. */
  postMessages(inputs: PostMessageInput[]): PostMessageResult[] {
    return postMessages(this.ledger, inputs);
  }

  postPlan(input: PostPlanInput): PostPlanResult {
    return postPlan(this.ledger, input);
  }

  findJobByRequest(runId: string, idempotencyKey: string): JobRecord | undefined {
    return findJobByRequest(this.ledger, runId, idempotencyKey);
  }

  claimStep(runId: string, workerId: string, ttlSeconds: number): ClaimedStep | undefined {
    return claimStep(this.ledger, runId, workerId, ttlSeconds);
  }

  claimNextStep(runId: string, jobId: string, workerId: string, ttlSeconds: number): ClaimedStep | undefined {
    return claimNextStep(this.ledger, runId, jobId, workerId, ttlSeconds);
  }

  renewLease(stepId: string, workerId: string, fencingToken: number, ttlSeconds: number): { leaseExpiresAt: string } {
    return renewLease(this.ledger, stepId, workerId, fencingToken, ttlSeconds);
  }

  completeStep(input: CompleteStepInput): { receiptId: string; receiptHash: string } {
    return completeStep(this.ledger, input);
  }

  /** completeStep, then claim the worker's next step (of the run, or of `jobId`) in the same transaction. */
  completeAndClaimNext(
    input: CompleteStepInput,
    ttlSeconds: number,
    jobId?: string,
  ): { receiptId: string; receiptHash: string; next: ClaimedStep | undefined } {
    return completeAndClaimNext(this.ledger, input, ttlSeconds, jobId);
  }

  /** Up to `max` runnable steps (of the run, or of `jobId`) leased in one transaction; [] when none is runnable. */
  claimSteps(runId: string, workerId: string, ttlSeconds: number, max: number, jobId?: string): ClaimedStep[] {
    return claimSteps(this.ledger, runId, workerId, ttlSeconds, max, jobId);
  }

  /** completeStep for each input in one transaction: all commit, or none does. */
  completeSteps(inputs: CompleteStepInput[]): ReceiptIds[] {
    return completeSteps(this.ledger, inputs);
  }

  /** completeSteps, then up to `next.max` steps claimed by `next.workerId` in the same transaction. */
  completeStepsAndClaimNext(
    inputs: CompleteStepInput[],
    next: { runId: string; workerId: string; ttlSeconds: number; max: number; jobId?: string },
  ): { receipts: ReceiptIds[]; next: ClaimedStep[] } {
    return completeStepsAndClaimNext(this.ledger, inputs, next);
  }

  /** Budget charges, receipts and the next claims of a job in one transaction (docs/cassette.md "Charged batches"). */
  commitChargedBatch(jobId: string, items: ChargedCompletion[], next?: ChargedNext): ChargedResult {
    return commitChargedBatch(this.ledger, jobId, items, next);
  }

  /** commitChargedBatch if the write lock is free at this instant; undefined (nothing written) while another connection holds it. */
  tryCommitChargedBatch(jobId: string, items: ChargedCompletion[], next?: ChargedNext): ChargedResult | undefined {
    return tryCommitChargedBatch(this.ledger, jobId, items, next);
  }

  /** A PASSIVE WAL checkpoint (never waits for writers); the frames copied. */
  checkpointWhileIdle(): number {
    return checkpointWhileIdle(this.ledger);
  }

  /** Steps of the job not yet claimed (PENDING). */
  pendingStepCount(jobId: string): number {
    return pendingStepCount(this.ledger, jobId);
  }

  /** Content hashes expanded by the job's receipts after `afterSeq`, and the last job_seq read. */
  expandedHashesSince(jobId: string, afterSeq = 0): { hashes: string[]; lastSeq: number } {
    return expandedHashesSince(this.ledger, jobId, afterSeq);
  }

  /** Checks the job's plan hash for this connection's later claims without the write lock (CAT_PLAN_TAMPERED). */
  verifyJobForClaims(jobId: string): void {
    verifyJobForClaims(this.ledger, jobId);
  }

  /** The distinct ops of a job's steps. */
  jobOps(jobId: string): string[] {
    return jobOps(this.ledger, jobId);
  }

  requeueExpired(runId?: string): string[] {
    return requeueExpired(this.ledger, runId);
  }

  consumeBudget(jobId: string, bytes: number, symbols: number): { bytesUsed: number; symbolsUsed: number } {
    return consumeBudget(this.ledger, jobId, bytes, symbols);
  }

  /** CAT_PLAN_TAMPERED unless the job's ids, plan hash and step payloads still agree (claims check this too). */
  requireIntactJob(jobId: string): void {
    readQuery(() => requireIntactJob(this.ledger, jobId));
  }

  jobStatus(jobId: string): JobStatus {
    return jobStatus(this.ledger, jobId);
  }

  /** FAILURE receipts of the job after chain position `afterSeq`, and the last position: pass it back next time. */
  jobFailuresSince(jobId: string, afterSeq = 0): { failures: number; lastSeq: number } {
    return jobFailuresSince(this.ledger, jobId, afterSeq);
  }

  listRuns(): RunSummary[] {
    return listRuns(this.ledger);
  }

  listJobs(runId?: string): JobRecord[] {
    return listJobs(this.ledger, runId);
  }

  listSteps(jobId: string): StepRecord[] {
    return listSteps(this.ledger, jobId);
  }

  /** The job's receipts in chain order; with `afterSeq`, only those after that job_seq (to follow a job incrementally). */
  listReceipts(jobId: string, afterSeq = 0): ReceiptRecord[] {
    return listReceipts(this.ledger, jobId, afterSeq);
  }

  getStep(stepId: string): StepRecord | undefined {
    return getStep(this.ledger, stepId);
  }

  getJob(jobId: string): JobRecord | undefined {
    return getJob(this.ledger, jobId);
  }

  getMessage(messageId: string): MessageRecord | undefined {
    return getMessage(this.ledger, messageId);
  }

  getReceipt(receiptId: string): ReceiptRecord | undefined {
    return getReceipt(this.ledger, receiptId);
  }

  getReceiptForStep(stepId: string): ReceiptRecord | undefined {
    return getReceiptForStep(this.ledger, stepId);
  }

  verify(runId?: string): VerifyResult {
    return verifyLedger(this.ledger, runId);
  }

  /** A signed tree head over every receipt (docs/cassette.md#checkpoints); deterministic for one ledger and key. */
  checkpoint(signer: NoteSigner, withLeaves = true): SignedCheckpoint {
    return makeCheckpoint(this.ledger, signer, withLeaves);
  }

  /** Whether this ledger extends a signed checkpoint (consistency proof), and where it departs from it if not. */
  checkCheckpoint(text: string, verifier: NoteVerifier): CheckpointCheck {
    return checkCheckpoint(this.ledger, text, verifier);
  }

  /** An inclusion proof of one receipt, against a given checkpoint or a new one signed by `signer`. */
  proveReceipt(receiptId: string, against: { signer: NoteSigner } | { text: string; verifier: NoteVerifier }): ReceiptProof {
    return proveReceipt(this.ledger, receiptId, against);
  }

  changesSince(cursor: number, limit?: number): ChangeBatch {
    return changesSince(this.ledger, cursor, limit);
  }

  /** PRAGMA data_version: changes when another connection commits; cheap change detection for pollers. */
  dataVersion(): number {
    return dataVersion(this.ledger);
  }

  /** The settings this connection runs with (what benchmarks print to compare like with like). */
  pragmas(): { journalMode: string; synchronous: number; foreignKeys: number; busyTimeout: number; walAutocheckpoint: number; pageSize: number } {
    const read = (name: string) => this.ledger.db.pragma(name, { simple: true });
    return {
      journalMode: String(read("journal_mode")),
      synchronous: Number(read("synchronous")),
      foreignKeys: Number(read("foreign_keys")),
      busyTimeout: Number(read("busy_timeout")),
      walAutocheckpoint: Number(read("wal_autocheckpoint")),
      pageSize: Number(read("page_size")),
    };
  }

  /** The schema as stored (the content of schema.sql). */
  schemaDump(): string {
    return dumpSchema(this.ledger.db);
  }
}
