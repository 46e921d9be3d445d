// One ant: claim the next runnable step of a job, execute it, commit its receipt; renew the lease
// while the step runs; stop when nothing is left (bounded idle polls) or, by default, at a failure.
import {
  CassetteError,
  InvariantError,
  PlanStepOpSchema,
  PlanStepSchema,
  SILENT_LOGGER,
  loadConfig,
  loadTokenCounter,
  toCatalyticError,
  type Logger,
  type PlanStep,
  type Receipt,
  type TokenCounter,
} from "@catalytic/core";
import { Cassette, type ClaimedStep } from "@catalytic/cassette";
import { Index } from "@catalytic/indexer";
import type { ExecutionContext, ExpansionSource } from "./context.js";
import { EXECUTORS } from "./executors/index.js";
import { indexExpansions } from "./expansions.js";
import { failureOf } from "./failures.js";
import { ReceiptDraft } from "./receipt.js";
import { RunMemo } from "./run-memo.js";

export interface WorkerOptions {
  root: string;
  runId: string;
  jobId: string;
  workerId: string;
  /** Lease length in seconds (default: catalytic.json lease_ttl_seconds). */
  ttl?: number;
  /** Keep claiming after a failed step (default: stop at the first failure in the job). */
  continueOnFail?: boolean;
  /** Consecutive polls finding nothing claimable while other ants still hold steps (default: lease length + 2 s worth). */
  idlePolls?: number;
  pollIntervalMs?: number;
  logger?: Logger;
}

export type StopReason = "done" | "blocked" | "failure" | "idle" | "error";

export interface WorkerResult {
  workerId: string;
  exitCode: 0 | 1 | 2;
  executed: number;
  failed: number;
  stoppedBecause: StopReason;
  error?: { code: string; message: string };
}

// Often enough to stop soon after another ant's failure; each check reads only the receipts since the last one.
const FAILURE_CHECK_INTERVAL_MS = 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The first ordinal at which each symbol is read in the job: the job budget charges a symbol once. */
function firstSymbolUses(cassette: Cassette, jobId: string): Map<string, number> {
  const first = new Map<string, number>();
  for (const step of cassette.listSteps(jobId)) {
    const symbolId = (step.payload as PlanStep | null)?.refs?.symbol_id;
    if (step.op !== "READ_SYMBOL" || typeof symbolId !== "string") continue;
    if (!first.has(symbolId) || step.ordinal < (first.get(symbolId) as number)) first.set(symbolId, step.ordinal);
  }
  return first;
}

export async function runWorker(options: WorkerOptions): Promise<WorkerResult> {
  const { root, runId, jobId, workerId } = options;
  const logger = options.logger ?? SILENT_LOGGER;
  const config = loadConfig(root);
  const ttl = options.ttl ?? config.lease_ttl_seconds;
  const pollMs = options.pollIntervalMs ?? 50;
  const idleLimit = options.idlePolls ?? Math.ceil(((ttl + 2) * 1000) / pollMs);
  const continueOnFail = options.continueOnFail ?? false;
  let cassette: Cassette | undefined;
  let index: Index | undefined;
  let expansions: ExpansionSource | undefined;
  const result: WorkerResult = { workerId, exitCode: 0, executed: 0, failed: 0, stoppedBecause: "done" };
  try {
    cassette = Cassette.openWorkspace(root);
    const job = cassette.getJob(jobId);
    if (!job || job.runId !== runId) {
      throw new CassetteError("CAT_JOB_NOT_FOUND", `no job ${jobId} in run ${runId}`, {
        hint: "check the ids with 'catalytic cassette status --run-id R'",
        details: { runId, jobId },
      });
    }
    const ledger = cassette;
    // Every receipt counts tokens (docs/economy.md#per-step-metrics); the tokenizer loads once per ant.
    const counter = await loadTokenCounter();
    const memo = new RunMemo(ledger, runId, jobId);
    // Listed on the first READ_SYMBOL only: jobs without symbols start faster.
    let firstUses: Map<string, number> | undefined;
    const baseContext = {
      root,
      runId,
      jobId,
      config,
      consumeBudget: (bytes: number, symbols: number) => void ledger.consumeBudget(jobId, bytes, symbols),
      firstUseOf: (symbolId: string, ordinal: number) => (firstUses ??= firstSymbolUses(ledger, jobId)).get(symbolId) === ordinal,
      expansions: () => (expansions ??= indexExpansions((index ??= Index.open(root, { mustExist: true })))),
    };
    let idle = 0;
    let lastFailureCheck = 0;
    let receiptsSeen = 0;
    let failureSeen = false;
    /**
     * Whether another ant's failure should stop this one (checked at most once a second; never with continueOnFail).
     * Reads only the receipts committed since the last check.
     */
    const jobHasFailed = (): boolean => {
      if (continueOnFail || failureSeen || Date.now() - lastFailureCheck < FAILURE_CHECK_INTERVAL_MS) return failureSeen;
      lastFailureCheck = Date.now();
      const seen = ledger.jobFailuresSince(jobId, receiptsSeen);
      receiptsSeen = seen.lastSeq;
      failureSeen = seen.failures > 0;
      return failureSeen;
    };
    // The step claimed together with the previous completion (completeAndClaimNext), if any.
    let claimed: ClaimedStep | undefined;
    for (;;) {
      if (!claimed) {
        if (jobHasFailed()) {
          result.stoppedBecause = "failure";
          break;
        }
        claimed = ledger.claimNextStep(runId, jobId, workerId, ttl);
      }
      if (!claimed) {
        const status = ledger.jobStatus(jobId);
        if (status.done) break;
        if (status.blocked) {
          result.stoppedBecause = "blocked";
          break;
        }
        if (status.expiredLeases > 0) {
          const requeued = ledger.requeueExpired(runId);
          logger.warn("requeued expired leases", { steps: requeued });
          continue;
        }
        if (++idle > idleLimit) {
          result.stoppedBecause = "idle";
          break;
        }
        await sleep(pollMs);
        continue;
      }
      idle = 0;
      const step = claimed;
      memo.refresh();
      const { receipt, fatal } = await executeClaimed(ledger, step, { ...baseContext, workerId, ttl, logger, counter, memo });
      const failed = receipt.status === "FAILURE";
      // Claim the next step in the commit's transaction only when this worker goes on: a claim it would abandon
      // would sit leased until its lease expired.
      const goOn = !fatal && (!failed || continueOnFail) && !jobHasFailed();
      claimed = commitReceipt(ledger, step, receipt, { runId, workerId, ttl, jobId, claimNext: goOn });
      logger.info(`committed ${step.stepId}`, { op: step.op, status: receipt.status });
      result.executed++;
      if (failed) {
        result.failed++;
        logger.warn(`step ${step.stepId} failed`, { error: receipt.error });
        if (fatal) throw new InvariantError("CAT_INVARIANT", `step ${step.stepId}: ${receipt.error?.message ?? "invariant error"}`);
      }
      if (!goOn) {
        result.stoppedBecause = "failure";
        break;
      }
    }
    const jobFailed = failureSeen || ledger.jobFailuresSince(jobId, receiptsSeen).failures > 0;
    result.exitCode = result.failed > 0 || jobFailed ? 1 : 0;
  } catch (raw) {
    const error = toCatalyticError(raw);
    logger.error(`worker ${workerId} stopped: ${error.code}: ${error.message}`);
    result.stoppedBecause = "error";
    result.error = { code: error.code, message: error.message };
    // Anything escaping the loop is the ledger's or an invariant's failure, except a wrong job id.
    result.exitCode = error.code === "CAT_JOB_NOT_FOUND" ? 1 : 2;
  } finally {
    index?.close();
    cassette?.close();
  }
  return result;
}

interface StepRuntime extends Omit<ExecutionContext, "signal"> {
  workerId: string;
  ttl: number;
  logger: Logger;
  counter: TokenCounter;
  memo: RunMemo;
}

/** k of the search that proposed a step's items, when its plan recorded one (steps planned from a bundle). */
function searchKOf(payload: unknown): number | null {
  const k = (payload as PlanStep | null)?.refs?.search_k;
  return typeof k === "number" && Number.isSafeInteger(k) && k >= 1 ? k : null;
}

/**
 * Commits a step's receipt; with `claimNext`, claims this worker's next step of the job in the same transaction
 * (one commit per step instead of two) and returns it.
 */
function commitReceipt(
  cassette: Cassette,
  step: ClaimedStep,
  receipt: Receipt,
  at: { runId: string; workerId: string; ttl: number; jobId: string; claimNext: boolean },
): ClaimedStep | undefined {
  const completion = {
    runId: at.runId,
    stepId: step.stepId,
    workerId: at.workerId,
    fencingToken: step.fencingToken,
    receipt,
    outcome: receipt.status,
  };
  if (!at.claimNext) {
    cassette.completeStep(completion);
    return undefined;
  }
  return cassette.completeAndClaimNext(completion, at.ttl, at.jobId).next;
}

/** Executes one claimed step under a renewed lease; the receipt (SUCCESS or FAILURE) is for the caller to commit. */
async function executeClaimed(cassette: Cassette, claimed: ClaimedStep, runtime: StepRuntime): Promise<{ receipt: Receipt; fatal: boolean }> {
  const op = PlanStepOpSchema.safeParse(claimed.op);
  if (!op.success) {
    throw new InvariantError("CAT_INVARIANT", `step ${claimed.stepId} has op ${JSON.stringify(claimed.op)}, which no ant can execute`, {
      hint: "the step was not posted by the planner; post plans with 'catalytic plan'",
    });
  }
  const receipt = new ReceiptDraft({
    runId: runtime.runId,
    jobId: runtime.jobId,
    stepId: claimed.stepId,
    op: op.data,
    workerId: runtime.workerId,
    fencingToken: claimed.fencingToken,
    searchK: searchKOf(claimed.payload),
    expandedBefore: (hash) => runtime.memo.has(hash),
  });
  const controller = new AbortController();
  let leaseError: unknown;
  const renew = setInterval(
    () => {
      try {
        cassette.renewLease(claimed.stepId, runtime.workerId, claimed.fencingToken, runtime.ttl);
      } catch (error) {
        leaseError = error;
        controller.abort();
      }
    },
    Math.max(200, (runtime.ttl * 1000) / 3),
  );
  let failure: { code: string; message: string } | undefined;
  let fatal = false;
  try {
    const step = PlanStepSchema.safeParse(claimed.payload);
    if (!step.success || step.data.step_id !== claimed.stepId || step.data.op !== op.data) {
      failure = { code: "CAT_PLAN_INVALID", message: `step ${claimed.stepId} is not a valid plan step: ${step.success ? "its payload names another step or op" : step.error.message}` };
    } else {
      await EXECUTORS[op.data](step.data, { ...runtime, signal: controller.signal }, receipt);
    }
  } catch (error) {
    const { code, message, fatal: broken } = failureOf(error);
    failure = { code, message };
    fatal = broken;
  } finally {
    clearInterval(renew);
  }
  if (leaseError) throw leaseError;
  return { receipt: receipt.finish(runtime.counter, failure), fatal };
}
