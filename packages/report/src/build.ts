// buildReport: receipts of one run (or all runs) -> the Report object (docs/economy.md#the-report).
import { CassetteError, ReceiptSchema, hasTokenMetrics, parseWithSchema, type Receipt, type TokenCounter } from "@catalytic/core";
import type { Cassette } from "@catalytic/cassette";
import { BaselineCounter, LegacyFiles, filesTouched } from "./baseline.js";
import { ReportSchema, type Report, type ReportRun, type ReportStep, type ReportTotals } from "./schema.js";

export interface ReportOptions {
  /** One run; all runs when absent. */
  run_id?: string;
  /** Only this job's receipts (its run is the report's one run; reuse still counts the run's other jobs). */
  job_id?: string;
}

const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

function totalsOf(steps: readonly ReportStep[]): ReportTotals {
  const sum = (pick: (step: ReportStep) => number | null) => steps.reduce((total, step) => total + (pick(step) ?? 0), 0);
  const counted = steps.filter((step) => !step.legacy);
  const sumCounted = (pick: (step: ReportStep) => number | null) => counted.reduce((total, step) => total + (pick(step) ?? 0), 0);
  return {
    steps: steps.length,
    legacy_steps: steps.length - counted.length,
    tokens_in: sumCounted((s) => s.tokens_in),
    tokens_reused: sumCounted((s) => s.tokens_reused),
    tokens_expanded: sumCounted((s) => s.tokens_expanded),
    tokens_out: sumCounted((s) => s.tokens_out),
    bytes_expanded: sum((s) => s.bytes_expanded),
    expansions: sum((s) => s.expansions),
    cache_hits: sum((s) => s.cache_hits),
    reused: sumCounted((s) => s.reused),
  };
}

function addTotals(all: readonly ReportTotals[]): ReportTotals {
  const keys = Object.keys(totalsOf([])) as (keyof ReportTotals)[];
  return Object.fromEntries(keys.map((key) => [key, all.reduce((sum, t) => sum + t[key], 0)])) as unknown as ReportTotals;
}

function stepOf(seq: number, receipt: Receipt, files: string[], baselineTokens: number): ReportStep {
  const m = receipt.metrics;
  const token = hasTokenMetrics(m) ? m : undefined;
  return {
    seq,
    job_id: receipt.job_id,
    step_id: receipt.step_id,
    op: receipt.op,
    status: receipt.status,
    worker_id: receipt.worker_id,
    started_at: receipt.timings.started_at,
    duration_ms: receipt.timings.duration_ms,
    legacy: token === undefined,
    tokens_in: token?.tokens_in ?? null,
    tokens_reused: token?.tokens_reused ?? null,
    tokens_expanded: token ? token.tokens_in - token.tokens_reused : null,
    tokens_out: token?.tokens_out ?? null,
    bytes_expanded: m.bytes_expanded,
    expansions: m.expansions,
    cache_hits: m.cache_hits,
    reused: token?.reused ?? null,
    search_k: token?.search_k ?? null,
    files,
    baseline_tokens: baselineTokens,
  };
}

function runReport(cassette: Cassette, root: string, runId: string, counter: TokenCounter, legacy: LegacyFiles, jobId?: string): ReportRun {
  const jobs = cassette.listJobs(runId).filter((job) => jobId === undefined || job.jobId === jobId);
  const receipts: Receipt[] = [];
  for (const job of jobs) {
    for (const record of cassette.listReceipts(job.jobId)) {
      receipts.push(parseWithSchema(ReceiptSchema, record.receipt, `receipt ${record.receiptId}`, "receipt"));
    }
  }
  const baseline = new BaselineCounter(root, counter);
  for (const receipt of receipts) baseline.noteWrites(receipt);
  const unresolved = new Set<string>();
  const touched = receipts.map((receipt) => filesTouched(receipt, legacy, unresolved));
  const steps = receipts.map((receipt, i) => {
    const files = touched[i]!;
    return stepOf(i + 1, receipt, files, files.reduce((sum, file) => sum + (baseline.of(file)?.tokens ?? 0), 0));
  });
  const totals = totalsOf(steps);
  const runBaseline = baseline.baseline(touched.flat(), unresolved);
  return {
    run_id: runId,
    jobs: jobs.length,
    steps,
    totals,
    baseline: runBaseline,
    ratio: ratio(totals.tokens_expanded, runBaseline.tokens),
    reuse_rate: ratio(totals.reused, totals.expansions),
    cache_hit_rate: ratio(totals.cache_hits, totals.expansions),
  };
}

/**
 * The savings report over the receipts of `options.run_id` (CAT_RUN_NOT_FOUND when the run has no job), or of every
 * run. Tokens of new receipts come from their metrics; the baseline is counted now with `counter`.
 */
export function buildReport(cassette: Cassette, workspaceRoot: string, options: ReportOptions, counter: TokenCounter): Report {
  const runIds = cassette.listRuns().map((run) => run.runId);
  let only = options.run_id;
  if (options.job_id !== undefined) {
    const job = cassette.getJob(options.job_id);
    if (!job || (only !== undefined && job.runId !== only)) {
      throw new CassetteError("CAT_JOB_NOT_FOUND", `no job ${options.job_id}${only !== undefined ? ` in run ${only}` : ""}`, {
        hint: "list the jobs with 'catalytic cassette jobs'",
        details: { job_id: options.job_id, ...(only !== undefined ? { run_id: only } : {}) },
      });
    }
    only = job.runId;
  }
  if (only !== undefined && cassette.listJobs(only).length === 0) {
    throw new CassetteError("CAT_RUN_NOT_FOUND", `no job in run ${JSON.stringify(only)}`, {
      hint: "list the runs with 'catalytic cassette runs'",
      details: { run_id: only, runs: runIds.slice(0, 20) },
    });
  }
  const legacy = new LegacyFiles(workspaceRoot);
  try {
    const runs = (only !== undefined ? [only] : runIds).map((runId) => runReport(cassette, workspaceRoot, runId, counter, legacy, options.job_id));
    const totals = addTotals(runs.map((run) => run.totals));
    const baselineTokens = runs.reduce((sum, run) => sum + run.baseline.tokens, 0);
    return ReportSchema.parse({
      report_version: 1,
      tokenizer: { ...counter.info },
      runs,
      totals,
      baseline_tokens: baselineTokens,
      ratio: ratio(totals.tokens_expanded, baselineTokens),
      reuse_rate: ratio(totals.reused, totals.expansions),
      cache_hit_rate: ratio(totals.cache_hits, totals.expansions),
    });
  } finally {
    legacy.close();
  }
}
