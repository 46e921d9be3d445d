// One ant: claim the next runnable step of a job, execute it, commit its receipt; renew the lease
// while the step runs; stop when nothing is left (bounded idle polls) or, by default, at a failure.
import {
  CassetteError,
  CatalyticError,
  InvariantError,
  PlanStepOpSchema,
  PlanStepSchema,
  SILENT_LOGGER,
  loadConfig,
  loadTokenCounter,
  toCatalyticError,
  type BudgetError,
  type Logger,
  type PlanStep,
  type Receipt,
} from "@catalytic/core";
import { Cassette, type ClaimedStep, type CompleteStepInput } from "@catalytic/cassette";
import { Index } from "@catalytic/indexer";
import type { ExecutionContext, ExpansionSource } from "./context.js";
import { EXECUTORS } from "./executors/index.js";
import { indexExpansions } from "./expansions.js";
import { failureOf } from "./failures.js";
import { ReceiptDraft, type TextCounts } from "./receipt.js";
import { RunMemo } from "./run-memo.js";
import { SpawnerTokenCounts, ownTokenCounts, type StepTokenCounts, type TokenCountSource } from "./token-counts.js";

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
  /** Where receipts' token counts come from (default: this ant's own tokenizer); docs/ants.md "Token counts". */
  tokenCounts?: TokenCountSource;
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
/** While nothing is left to claim, every this many polls (about a second) an ant reads the whole job status. */
const FULL_STATUS_EVERY = 20;
/** Most steps an ant claims at once: small enough that the last batch leaves little for the other ants to wait on. */
const MAX_ANT_BATCH = 128;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** How often a lease of `ttlSeconds` is renewed while its step runs or waits: three times per lease, and no more often than every 200 ms. */
const renewalIntervalMs = (ttlSeconds: number): number => Math.max(200, (ttlSeconds * 1000) / 3);

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
  let counts: StepTokenCounts | undefined;
  const result: WorkerResult = { workerId, exitCode: 0, executed: 0, failed: 0, stoppedBecause: "done" };
  try {
    // Listening to the spawner before anything else: its answers are for this ant only.
    if (options.tokenCounts === "spawner") counts = new SpawnerTokenCounts();
    cassette = Cassette.openWorkspace(root);
    const job = cassette.getJob(jobId);
    if (!job || job.runId !== runId) {
      throw new CassetteError("CAT_JOB_NOT_FOUND", `no job ${jobId} in run ${runId}`, {
        hint: "check the ids with 'catalytic cassette status --run-id R'",
        details: { runId, jobId },
      });
    }
    const ledger = cassette;
    // The plan hash, checked before the first claim and outside the write lock: ants starting together do not queue
    // behind each other's check, and a tampered plan stops this ant before it leases anything.
    ledger.verifyJobForClaims(jobId);
    // Every receipt counts tokens (docs/economy.md#per-step-metrics): an ant started alone loads the tokenizer itself.
    counts ??= ownTokenCounts(await loadTokenCounter());
    const counter = counts;
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
    // Claimed and not yet executed; executed and not yet committed.
    let held: ClaimedStep[] = [];
    let ran: Ran[] = [];
    // Content this ant expanded (committed or not): later steps count it as reused, as they would once committed.
    const expandedHere = new Set<string>();
    const runtime: StepRuntime = { ...baseContext, workerId, ttl, logger, expandedBefore: (hash) => memo.has(hash) || expandedHere.has(hash) };
    // Doubles per claim up to MAX_ANT_BATCH (the first receipt waits for one step only), and at most an eighth of the
    // steps still unclaimed, so that the last steps are shared among the ants instead of held by one.
    let size = 1;
    const grow = (): number => (size = batchable ? Math.max(1, Math.min(size * 2, MAX_ANT_BATCH, Math.ceil(ledger.pendingStepCount(jobId) / 8))) : 1);
    // After a failure (unless continueOnFail) the ant finishes the reads it holds, commits them and claims no more.
    let stopping = false;
    let renewedAt = Date.now();
    /** Renews the leases this ant holds: claimed and not executed, executed and not committed. */
    const renewHeld = (): void => {
      for (const { stepId, fencingToken } of [...held, ...ran.map((r) => r.step)]) ledger.renewLease(stepId, workerId, fencingToken, ttl);
      renewedAt = Date.now();
    };
    // The job's last receipt position seen while waiting for the other ants' last steps.
    let followedSeq = 0;
    /**
     * Commits the executed steps, claiming the next ones in the same transaction while this ant goes on (a claim it
     * would abandon would sit leased until its lease expired). Their receipts are made first, once their token
     * counts are in. Without `wait`, returns false at once, with nothing written, while another ant holds the lock.
     */
    const commit = async (wait: boolean): Promise<boolean> => {
      // Waiting commits every executed step; the others commit those counted so far (the answers that arrived while
      // this ant ran are read first), and leave the rest for a later commit.
      counter.flush(!wait);
      if (wait) {
        // Counts can take a while (a loaded spawner, or one that stopped answering): the leases stay renewed meanwhile.
        let lost: unknown;
        const renewing = setInterval(() => {
          try {
            renewHeld();
          } catch (error) {
            lost ??= error;
          }
        }, renewalIntervalMs(ttl));
        try {
          await Promise.all(ran.map((entry) => entry.settled));
        } finally {
          clearInterval(renewing);
        }
        if (lost) throw lost;
      } else if (ran[0]?.counts === undefined) await new Promise((resolve) => setImmediate(resolve));
      let ready = 0;
      while (ready < ran.length && (ran[ready] as Ran).counts !== undefined) ready++;
      if (ready === 0) return false;
      const batch = ran.slice(0, ready);
      for (const entry of batch) entry.receipt ??= receiptOf(entry);
      const goOn = !stopping && !jobHasFailed();
      const items = batch.map(({ step, receipt, draft, counts }) => {
        const completion = completionOf(runId, workerId, step, receipt as Receipt);
        const charge = draft.charges;
        const overBudget = (error: BudgetError) => completionOf(runId, workerId, step, draft.overBudget(counts as TextCounts, { code: error.code, message: error.message }));
        return charge ? { completion, charge, overBudget } : { completion };
      });
      const next = goOn ? { runId, workerId, ttlSeconds: ttl, max: grow(), stopOnFailure: !continueOnFail } : undefined;
      const committed = wait ? ledger.commitChargedBatch(jobId, items, next) : ledger.tryCommitChargedBatch(jobId, items, next);
      if (!committed) return false;
      const overBudget = new Set(committed.overBudget);
      batch.forEach(({ step, receipt }, i) => {
        const status = overBudget.has(i) ? "FAILURE" : (receipt as Receipt).status;
        logger.info(`committed ${step.stepId}`, { op: step.op, status });
        result.executed++;
        if (status === "FAILURE") {
          result.failed++;
          if (!continueOnFail) stopping = true;
          logger.warn(`step ${step.stepId} failed`, { error: overBudget.has(i) ? "CAT_BUDGET_EXCEEDED" : (receipt as Receipt).error });
        }
      });
      ran = ran.slice(ready);
      if (!goOn) stopping = true;
      if (committed.next.length > 0) {
        held.push(...committed.next);
        memo.refresh();
      }
      return true;
    };
    for (;;) {
      if (held.length === 0) {
        if (stopping || jobHasFailed()) {
          result.stoppedBecause = "failure";
          break;
        }
        held = ledger.claimSteps(runId, workerId, ttl, size, jobId);
        if (held.length === 0) {
          // Nothing left to claim while other ants finish the steps they hold: follow their commits by the receipts'
          // chain position (cheap), and read the whole job status (blocked, expired leases of dead ants) only when
          // steps are pending, on the first empty poll and about once a second after it; the waiting ant then takes no
          // CPU from the ones still working.
          if (idle % FULL_STATUS_EVERY !== 0 && ledger.pendingStepCount(jobId) === 0) {
            followedSeq = ledger.jobFailuresSince(jobId, followedSeq).lastSeq;
            if (followedSeq >= job.stepCount) break;
          } else {
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
          }
          if (++idle > idleLimit) {
            result.stoppedBecause = "idle";
            break;
          }
          // Waiting for the other ants' last steps: copy the WAL into the database meanwhile (the last close would).
          if (idle === 1) ledger.checkpointWhileIdle();
          // Short polls first (5, 10, 20, 40 ms): at the end of a job the others' last commits are milliseconds away.
          await sleep(Math.min(pollMs, 5 * 2 ** (idle - 1)));
          continue;
        }
        idle = 0;
        memo.refresh();
        renewedAt = Date.now();
      }
      // A synchronous step gives the renewal timer no turn: the held and uncommitted leases are renewed in between.
      if (Date.now() - renewedAt > (ttl * 1000) / 3) renewHeld();
      const step = held.shift() as ClaimedStep;
      const { draft, fatal, error } = await executeClaimed(ledger, step, runtime);
      for (const hash of draft.expandedHashes()) expandedHere.add(hash);
      // Asked now, made into a receipt at the commit: counts from the spawner arrive while the next steps run.
      ran.push(counted(step, draft, counter.count(draft.texts())));
      if (fatal) {
        // The steps still held keep their leases until they expire: nothing more runs in this ant.
        stopping = true;
        await commit(true);
        throw new InvariantError("CAT_INVARIANT", `step ${step.stepId}: ${error?.message ?? "invariant error"}`);
      }
      if (draft.failed && !continueOnFail) stopping = true;
      // With nothing left to execute, wait for the lock; with steps held, commit (and claim ahead) only if the lock is
      // free now, else execute the next step and try again after it.
      if (held.length === 0) await commit(true);
      else if (batchable && ran.length >= held.length) await commit(false);
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
    counts?.close();
    index?.close();
    cassette?.close();
  }
  return result;
}

interface StepRuntime extends Omit<ExecutionContext, "signal" | "consumeBudget"> {
  workerId: string;
  ttl: number;
  logger: Logger;
  /** Whether content was expanded before this step: in the run's committed receipts or by this ant. */
  expandedBefore: (contentHash: string) => boolean;
}

/** k of the search that proposed a step's items, when its plan recorded one (steps planned from a bundle). */
function searchKOf(payload: unknown): number | null {
  const k = (payload as PlanStep | null)?.refs?.search_k;
  return typeof k === "number" && Number.isSafeInteger(k) && k >= 1 ? k : null;
}

function completionOf(runId: string, workerId: string, step: ClaimedStep, receipt: Receipt): CompleteStepInput {
  return { runId, stepId: step.stepId, workerId, fencingToken: step.fencingToken, receipt, outcome: receipt.status };
}

/** An executed step on its way to its commit: its draft, its token counts once they are in, then its receipt. */
interface Ran {
  step: ClaimedStep;
  draft: ReceiptDraft;
  /** Resolves (never rejects) when `counts` is set. */
  settled: Promise<void>;
  /** The counts of draft.texts(), or why there are none. */
  counts?: TextCounts | CatalyticError;
  receipt?: Receipt;
}

function counted(step: ClaimedStep, draft: ReceiptDraft, counting: TextCounts | Promise<TextCounts>): Ran {
  if (!(counting instanceof Promise)) return { step, draft, counts: counting, settled: Promise.resolve() };
  const entry: Ran = { step, draft, settled: Promise.resolve() };
  entry.settled = counting.then(
    (counts) => void (entry.counts = counts),
    (error: unknown) => void (entry.counts = toCatalyticError(error)),
  );
  return entry;
}

/** The receipt of a counted step: a step whose texts could not be counted fails (CAT_TOKEN_COUNT_FAILED). */
function receiptOf({ draft, counts }: Ran): Receipt {
  if (!(counts instanceof CatalyticError)) return draft.receipt(counts as TextCounts);
  if (counts.code !== "CAT_TOKEN_COUNT_FAILED") throw counts;
  return draft.uncounted({ code: counts.code, message: counts.message });
}

/**
 * Executes one claimed step, renewing its lease while an asynchronous executor runs; the ended draft (SUCCESS or
 * FAILURE) is for the caller to count and commit.
 */
async function executeClaimed(
  cassette: Cassette,
  claimed: ClaimedStep,
  runtime: StepRuntime,
): Promise<{ draft: ReceiptDraft; fatal: boolean; error?: { code: string; message: string } }> {
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
    expandedBefore: runtime.expandedBefore,
  });
  // Made only for executors that ask for the signal or return a promise: a synchronous step (every read) gives a
  // renewal timer no turn, and the loop renews held leases between steps.
  let controller: AbortController | undefined;
  let leaseError: unknown;
  let renew: NodeJS.Timeout | undefined;
  let failure: { code: string; message: string } | undefined;
  let fatal = false;
  try {
    const step = PlanStepSchema.safeParse(claimed.payload);
    if (!step.success || step.data.step_id !== claimed.stepId || step.data.op !== op.data) {
      failure = { code: "CAT_PLAN_INVALID", message: `step ${claimed.stepId} is not a valid plan step: ${step.success ? "its payload names another step or op" : step.error.message}` };
    } else {
      const consumeBudget = (bytes: number, symbols: number): void => receipt.charge(bytes, symbols);
      const context: ExecutionContext = {
        ...runtime,
        consumeBudget,
        get signal() {
          return (controller ??= new AbortController()).signal;
        },
      };
      const running = EXECUTORS[op.data](step.data, context, receipt);
      if (running instanceof Promise) {
        const aborter = (controller ??= new AbortController());
        renew = setInterval(
          () => {
            try {
              cassette.renewLease(claimed.stepId, runtime.workerId, claimed.fencingToken, runtime.ttl);
            } catch (error) {
              leaseError = error;
              aborter.abort();
            }
          },
          renewalIntervalMs(runtime.ttl),
        );
        await running;
      }
    }
  } catch (error) {
    const { code, message, fatal: broken } = failureOf(error);
    failure = { code, message };
    fatal = broken;
  } finally {
    clearInterval(renew);
  }
  if (leaseError) throw leaseError;
  receipt.end(failure);
  return { draft: receipt, fatal, ...(failure ? { error: failure } : {}) };
}
