// The `catalytic/*` requests the extension (or any client) sends: the cassette read as protocol
// shapes, symbol listing and resolution, and request planning. Pure mappings over a Cassette and the
// model; the server wires them to the connection and spawns processes for execution.
import {
  CassetteError,
  PLAN_SCHEMA_VERSION,
  parseReference,
  planHash,
  type CatalyticConfig,
  type JobProgress,
  type JobSummary,
  type PlanRequestParams,
  type PlanRequestResult,
  type ReceiptView,
  type ResolveSymbolParams,
  type ResolveSymbolResult,
  type RunSummary,
  type StepCounts,
  type StepSummary,
  type SymbolSummary,
} from "@catalytic/core";
import type { GetPlanResult } from "@catalytic/core/protocol";
import type { Cassette, JobStatus, ReceiptRecord, StepRecord } from "@catalytic/cassette";
import type { WorkspaceModel } from "@catalytic/indexer";
import { modelSubstrate, plan, planOptionsFromConfig, postPlan, readRequestFile } from "@catalytic/planner";
import { toResolveSymbolResult } from "../resolution-result.js";

export function listRuns(cassette: Cassette | undefined): RunSummary[] {
  if (!cassette) return [];
  return cassette.listRuns().map((run) => ({ runId: run.runId, jobs: run.jobs, steps: run.steps, committed: run.committed, lastActivityAt: run.lastMessageAt ?? null }));
}

function countsOf(status: JobStatus): StepCounts {
  return {
    pending: status.pending,
    leased: status.leased,
    committed: status.committed,
    success: status.outcomes.SUCCESS ?? 0,
    failure: status.outcomes.FAILURE ?? 0,
    aborted: status.outcomes.ABORTED ?? 0,
  };
}

export function listJobs(cassette: Cassette | undefined, runId?: string): JobSummary[] {
  if (!cassette) return [];
  return cassette.listJobs(runId).map((job) => ({
    jobId: job.jobId,
    runId: job.runId,
    requestId: job.requestId,
    intent: job.intent,
    planHash: job.planHash,
    stepCount: job.stepCount,
    counts: countsOf(cassette.jobStatus(job.jobId)),
    createdAt: job.createdAt,
  }));
}

/** A short human label for a step: the symbol, section, file, test or note it works on. */
export function stepLabel(step: Pick<StepRecord, "op" | "payload">): string {
  const refs = ((step.payload ?? {}) as { refs?: Record<string, unknown> }).refs ?? {};
  const text = (key: string): string | undefined => (typeof refs[key] === "string" && refs[key] !== "" ? (refs[key] as string) : undefined);
  const section = text("section_id");
  return text("symbol_id") ?? (section ? `section ${section.slice(0, 12)}` : undefined) ?? text("file_path") ?? text("test_name") ?? text("message")?.slice(0, 80) ?? step.op;
}

export function listSteps(cassette: Cassette | undefined, jobId: string): StepSummary[] {
  if (!cassette) return [];
  const receipts = new Map(cassette.listReceipts(jobId).map((receipt) => [receipt.stepId, receipt]));
  return cassette.listSteps(jobId).map((step) => {
    const receipt = receipts.get(step.stepId);
    return {
      stepId: step.stepId,
      jobId: step.jobId,
      ordinal: step.ordinal,
      op: step.op,
      label: stepLabel(step),
      status: step.status,
      outcome: receipt?.outcome ?? null,
      leaseOwner: step.leaseOwner,
      fencingToken: step.fencingToken,
      receiptId: receipt?.receiptId ?? null,
      dependsOn: step.dependsOn,
    };
  });
}

interface ExpandedItem {
  kind?: string;
  id?: string;
  section_id?: string;
}

export function receiptView(cassette: Cassette | undefined, model: WorkspaceModel, params: { receiptId?: string; stepId?: string }): ReceiptView {
  const record = !cassette
    ? undefined
    : params.receiptId
      ? cassette.getReceipt(params.receiptId)
      : params.stepId
        ? cassette.getReceiptForStep(params.stepId)
        : undefined;
  if (!record) {
    throw new CassetteError("CAT_RECEIPT_NOT_FOUND", `no receipt for ${params.receiptId ? `id ${params.receiptId}` : `step ${params.stepId ?? "(none given)"}`}`, {
      hint: "pass a receiptId or the stepId of a committed step (catalytic/listSteps shows them)",
    });
  }
  return toReceiptView(record, model);
}

function toReceiptView(record: ReceiptRecord, model: WorkspaceModel): ReceiptView {
  const receipt = (record.receipt ?? {}) as { expanded?: ExpandedItem[] };
  const locations: ReceiptView["locations"] = [];
  for (const item of Array.isArray(receipt.expanded) ? receipt.expanded : []) {
    if (typeof item.id !== "string") continue;
    const section =
      (item.section_id ? model.getSection(item.section_id) : undefined) ??
      (item.kind === "symbol" ? model.resolveTarget(item.id) : item.kind === "section" ? model.getSection(item.id) : model.sectionsOf(item.id)?.[0]);
    if (section) locations.push({ id: item.id, file: section.filePath, lineStart: section.lineStart, lineEnd: section.lineEnd });
  }
  return {
    receiptId: record.receiptId,
    stepId: record.stepId,
    jobId: record.jobId,
    runId: record.runId,
    workerId: record.workerId,
    fencingToken: record.fencingToken,
    outcome: record.outcome,
    receipt: (record.receipt ?? {}) as Record<string, unknown>,
    prevReceiptHash: record.prevReceiptHash,
    receiptHash: record.receiptHash,
    createdAt: record.createdAt,
    locations,
  };
}

/** Tokens a receipt put into context: tokens_in - tokens_reused (0 for receipts written before token metrics). */
function tokensExpandedOf(receipt: ReceiptRecord): number {
  const metrics = (receipt.receipt as { metrics?: { tokens_in?: unknown; tokens_reused?: unknown } } | null)?.metrics;
  const tokensIn = typeof metrics?.tokens_in === "number" ? metrics.tokens_in : 0;
  const reused = typeof metrics?.tokens_reused === "number" ? metrics.tokens_reused : 0;
  return tokensIn - reused;
}

/**
 * A job's progress. `savings` measures the whole-file baseline of a finished job (features/economy.ts); without it,
 * or while the job runs, the savings stay null.
 */
export function jobProgress(
  cassette: Cassette | undefined,
  jobId: string,
  now = Date.now(),
  savings?: (jobId: string) => JobProgress["savings"],
): JobProgress {
  const job = cassette?.getJob(jobId);
  if (!cassette || !job) {
    throw new CassetteError("CAT_JOB_NOT_FOUND", `no job ${jobId}`, { hint: "catalytic/listJobs shows the jobs of each run" });
  }
  const status = cassette.jobStatus(jobId);
  const steps = cassette.listSteps(jobId);
  const receipts = cassette.listReceipts(jobId);
  const workers = new Map<string, { workerId: string; committed: number; current: string | null }>();
  const worker = (workerId: string) => {
    let entry = workers.get(workerId);
    if (!entry) workers.set(workerId, (entry = { workerId, committed: 0, current: null }));
    return entry;
  };
  for (const receipt of receipts) worker(receipt.workerId).committed++;
  for (const step of steps) if (step.status === "LEASED" && step.leaseOwner) worker(step.leaseOwner).current = stepLabel(step);
  const stepsById = new Map(steps.map((step) => [step.stepId, step]));
  const failures = receipts
    .filter((receipt) => receipt.outcome !== "SUCCESS")
    .map((receipt) => {
      const step = stepsById.get(receipt.stepId);
      const error = ((receipt.receipt ?? {}) as { error?: { code?: string; message?: string } }).error;
      return { stepId: receipt.stepId, op: step?.op ?? "", label: step ? stepLabel(step) : receipt.stepId, error: error ? `${error.code ?? ""}: ${error.message ?? ""}` : receipt.outcome };
    });
  const startTimes = receipts.map((r) => startedAtOf(r)).filter((t): t is string => t !== undefined).sort();
  const startedAt = startTimes[0] ?? null;
  const lastAt = receipts.map((r) => r.createdAt).sort().pop();
  const end = status.done && lastAt ? Date.parse(lastAt) : now;
  return {
    jobId,
    runId: job.runId,
    counts: countsOf(status),
    total: status.stepCount,
    workers: [...workers.values()].sort((a, b) => (a.workerId < b.workerId ? -1 : 1)),
    bytesExpanded: status.bytesUsed,
    tokensExpanded: receipts.reduce((sum, receipt) => sum + tokensExpandedOf(receipt), 0),
    savings: status.done && savings ? savings(jobId) : null,
    startedAt,
    elapsedMs: startedAt ? Math.max(0, end - Date.parse(startedAt)) : 0,
    failures,
    done: status.done,
  };
}

function startedAtOf(receipt: ReceiptRecord): string | undefined {
  const timings = ((receipt.receipt ?? {}) as { timings?: { started_at?: unknown } }).timings;
  return typeof timings?.started_at === "string" ? timings.started_at : receipt.createdAt;
}

export function listSymbols(model: WorkspaceModel, prefix?: string): SymbolSummary[] {
  return model.listSymbols(prefix ?? "").map((symbol) => {
    const section = symbol.sectionId ? model.getSection(symbol.sectionId) : undefined;
    return {
      symbolId: symbol.symbolId,
      targetType: symbol.targetType,
      targetRef: symbol.targetRef,
      ...(section ? { file: section.filePath, lineStart: section.lineStart, lineEnd: section.lineEnd } : {}),
      stale: symbol.stale,
    };
  });
}

/** Resolution from the in-memory model (no expansion cache); `cacheHit` is always false here. */
export function resolveFromModel(model: WorkspaceModel, params: ResolveSymbolParams): ResolveSymbolResult {
  const parts = parseReference(params.reference);
  const resolved = model.resolve({ symbolId: parts.symbolId, slug: parts.slug, slice: params.slice ?? parts.slice });
  return toResolveSymbolResult(resolved, false);
}

/** Plans a request file; with dryRun false, posts it into the cassette (same request twice: same job). */
export function planRequest(
  root: string,
  model: WorkspaceModel,
  config: CatalyticConfig,
  params: PlanRequestParams,
  openCassette: () => Cassette,
): PlanRequestResult {
  // The live model (unsaved buffers included) is the substrate, so the plan matches what the editor shows.
  const request = readRequestFile(root, params.requestFile);
  const substrate = modelSubstrate(model, root);
  const options = planOptionsFromConfig(config);
  if (params.dryRun) return { plan: plan(request, substrate, options) as unknown as PlanRequestResult["plan"] };
  const posted = postPlan(openCassette(), request, substrate, options);
  return {
    plan: posted.plan as unknown as PlanRequestResult["plan"],
    posted: { jobId: posted.posted.jobId, messageId: posted.posted.messageId, stepIds: posted.posted.stepIds, created: posted.posted.created },
  };
}

/** The plan a job was posted with, rebuilt from the stored request message and steps (nothing recompiled). */
export function storedPlan(cassette: Cassette | undefined, jobId: string): GetPlanResult {
  const job = cassette?.getJob(jobId);
  const message = job ? cassette?.getMessage(job.messageId) : undefined;
  if (!cassette || !job || !message) {
    throw new CassetteError("CAT_JOB_NOT_FOUND", `no job ${jobId}`, { hint: "catalytic/listJobs shows the jobs of each run" });
  }
  const steps = [...cassette.listSteps(jobId)].sort((a, b) => a.ordinal - b.ordinal).map((step) => step.payload);
  const requestId = job.requestId ?? "";
  // A plan made from a bundle (catalytic plan --bundle) records the bundle hash its request carries.
  const bundleHash = (message.payload as { bundle?: { bundle_hash?: unknown } } | null)?.bundle?.bundle_hash;
  return {
    jobId,
    runId: job.runId,
    messageId: job.messageId,
    request: message.payload,
    plan: {
      run_id: job.runId,
      request_id: requestId,
      planner_version: job.plannerVersion,
      schema_version: PLAN_SCHEMA_VERSION,
      steps,
      ...(typeof bundleHash === "string" ? { bundle_hash: bundleHash } : {}),
      plan_hash: job.planHash ?? "",
    },
    planHashMatches: job.planHash !== null && planHash(job.runId, requestId, steps) === job.planHash,
    createdAt: job.createdAt,
  };
}
