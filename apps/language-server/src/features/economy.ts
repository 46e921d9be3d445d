// The token economy for the extension (docs/economy.md): a finished job's savings for the run panel, and the
// report page for "Catalytic: Show Report". The tokenizer is loaded by the caller (once per server).
import { CassetteError, type JobProgress, type ReportParams, type ReportResult, type TokenCounter } from "@catalytic/core";
import type { Cassette } from "@catalytic/cassette";
import { buildReport, renderReportHtml } from "@catalytic/report";

/** Whole-file baseline and ratio of one job (its run's reuse counts). */
export function jobSavings(cassette: Cassette, root: string, jobId: string, counter: TokenCounter): NonNullable<JobProgress["savings"]> {
  const run = buildReport(cassette, root, { job_id: jobId }, counter).runs[0];
  return { baselineTokens: run?.baseline.tokens ?? 0, ratio: run?.ratio ?? null };
}

export function reportPage(cassette: Cassette | undefined, root: string, params: ReportParams, counter: TokenCounter): ReportResult {
  if (!cassette) {
    throw new CassetteError("CAT_FILE_NOT_FOUND", "no cassette in this workspace yet", { hint: "post and execute a plan first; the report reads its receipts" });
  }
  const report = buildReport(cassette, root, { ...(params.runId ? { run_id: params.runId } : {}), ...(params.jobId ? { job_id: params.jobId } : {}) }, counter);
  return { report, html: renderReportHtml(report, { nonce: params.nonce, cspSource: params.cspSource }) };
}
