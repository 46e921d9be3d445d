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
import { Cassette, type ClaimedStep, type CompleteStepInput } from "@catalytic/cassette";
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
// Ops whose executors only read (and charge the budget): their steps may be taken several at a time.
const SIDE_EFFECT_FREE_OPS: ReadonlySet<string> = new Set(["READ_SECTION", "READ_FILE", "READ_SYMBOL"]);
/** Most steps an ant claims at once: small enough that the last batch leaves little for the other ants to wait on. */
const MAX_ANT_BATCH = 128;
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
    // Several steps per claim only in jobs without side effects: there an ant that stops at a failure can finish the
    // reads it already holds (as other ants do until their next failure check) instead of stranding their leases.
    const batchable = ledger.jobOps(jobId).every((op) => SIDE_EFFECT_FREE_OPS.has(op));
    // Doubles per batch up to MAX_ANT_BATCH: the first receipt waits for one step only.
    let size = 1;
    // The steps claimed together with the previous commit (commitChargedBatch), if any.
    let held: ClaimedStep[] = [];
    for (;;) {
      if (held.length === 0) {
        if (jobHasFailed()) {
          result.stoppedBecause = "failure";
          break;
        }
        held = ledger.claimSteps(runId, workerId, ttl, size, jobId);
      }
      if (held.length === 0) {
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
      memo.refresh();
      const runtime = { ...baseContext, workerId, ttl, logger, counter, memo };
      const batch = held;
      const ran = await executeBatch(ledger, batch, runtime);
      const fatal = ran.some((r) => r.fatal);
      const failedBefore = ran.some((r) => r.receipt.status === "FAILURE");
      // Claim the next steps in the commit's transaction only when this worker goes on: a claim it would abandon
      // would sit leased until its lease expired.
      const goOn = !fatal && (!failedBefore || continueOnFail) && !jobHasFailed();
      if (batchable) size = Math.min(size * 2, MAX_ANT_BATCH);
      const committed = ledger.commitChargedBatch(
        jobId,
        ran.map(({ step, receipt, draft }) => {
          const completion = completionOf(runId, workerId, step, receipt);
          const charge = draft.charges;
          return charge ? { completion, charge, overBudget: (error) => completionOf(runId, workerId, step, draft.overBudget(counter, { code: error.code, message: error.message })) } : { completion };
        }),
        goOn ? { runId, workerId, ttlSeconds: ttl, max: size, stopOnFailure: !continueOnFail } : undefined,
      );
      held = committed.next;
      const overBudget = new Set(committed.overBudget);
      let failed = false;
      ran.forEach(({ step, receipt }, i) => {
        const status = overBudget.has(i) ? "FAILURE" : receipt.status;
        logger.info(`committed ${step.stepId}`, { op: step.op, status });
        result.executed++;
        if (status === "FAILURE") {
          failed = true;
          result.failed++;
          logger.warn(`step ${step.stepId} failed`, { error: overBudget.has(i) ? "CAT_BUDGET_EXCEEDED" : receipt.error });
        }
      });
      const broken = ran.find((r) => r.fatal);
      if (broken) throw new InvariantError("CAT_INVARIANT", `step ${broken.step.stepId}: ${broken.receipt.error?.message ?? "invariant error"}`);
      if (!goOn || (failed && !continueOnFail)) {
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

interface StepRuntime extends Omit<ExecutionContext, "signal" | "consumeBudget"> {
  workerId: string;
  ttl: number;
  logger: Logger;
  counter: TokenCounter;
  memo: RunMemo;
  /** Whether content was expanded before this step (default: in the run's committed receipts). */
  expandedBefore?: (contentHash: string) => boolean;
}

/** k of the search that proposed a step's items, when its plan recorded one (steps planned from a bundle). */
function searchKOf(payload: unknown): number | null {
  const k = (payload as PlanStep | null)?.refs?.search_k;
  return typeof k === "number" && Number.isSafeInteger(k) && k >= 1 ? k : null;
}

function completionOf(runId: string, workerId: string, step: ClaimedStep, receipt: Receipt): CompleteStepInput {
  return { runId, stepId: step.stepId, workerId, fencingToken: step.fencingToken, receipt, outcome: receipt.status };
}

interface Ran {
  step: ClaimedStep;
  receipt: Receipt;
  draft: ReceiptDraft;
  fatal: boolean;
}

/**
 * Executes claimed steps in claim order (they are independent: a step is claimable only once its dependencies are
 * committed). Stops after a fatal (invariant) failure; the steps not yet run keep their leases until they expire.
 * The held leases are renewed between steps, since a synchronous step gives the renewal timer no turn.
 */
async function executeBatch(cassette: Cassette, batch: ClaimedStep[], runtime: StepRuntime): Promise<Ran[]> {
  const ran: Ran[] = [];
  // Content expanded by earlier steps of this batch counts as reused, as it would once they were committed.
  const expandedInBatch = new Set<string>();
  const batchRuntime: StepRuntime = { ...runtime, expandedBefore: (hash) => runtime.memo.has(hash) || expandedInBatch.has(hash) };
  const renewEvery = (runtime.ttl * 1000) / 3;
  let renewedAt = Date.now();
  for (const [i, step] of batch.entries()) {
    if (i > 0 && Date.now() - renewedAt > renewEvery) {
      for (const rest of batch.slice(i)) cassette.renewLease(rest.stepId, runtime.workerId, rest.fencingToken, runtime.ttl);
      renewedAt = Date.now();
    }
    const done = await executeClaimed(cassette, step, batchRuntime);
    for (const hash of done.draft.expandedHashes()) expandedInBatch.add(hash);
    ran.push({ step, ...done });
    if (done.fatal) break;
  }
  return ran;
}

/** Executes one claimed step under a renewed lease; the receipt (SUCCESS or FAILURE) is for the caller to commit. */
async function executeClaimed(cassette: Cassette, claimed: ClaimedStep, runtime: StepRuntime): Promise<{ receipt: Receipt; draft: ReceiptDraft; fatal: boolean }> {
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
    expandedBefore: runtime.expandedBefore ?? ((hash) => runtime.memo.has(hash)),
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
      const consumeBudget = (bytes: number, symbols: number): void => receipt.charge(bytes, symbols);
      await EXECUTORS[op.data](step.data, { ...runtime, consumeBudget, signal: controller.signal }, receipt);
    }
  } catch (error) {
    const { code, message, fatal: broken } = failureOf(error);
    failure = { code, message };
    fatal = broken;
  } finally {
    clearInterval(renew);
  }
  if (leaseError) throw leaseError;
  return { receipt: receipt.finish(runtime.counter, failure), draft: receipt, fatal };
}
