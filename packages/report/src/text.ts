// The terminal rendering of a report: one block per run (totals, baseline, ratios, a table of steps).
import { formatCount, formatRatio, formatSavings } from "./format.js";
import type { Report, ReportRun } from "./schema.js";

/** Pads columns of rows (first row = header); numbers right-aligned. */
export function table(rows: readonly (readonly string[])[], rightAligned: readonly boolean[]): string[] {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  return rows.map((row) => row.map((cell, col) => (rightAligned[col] ? cell.padStart(widths[col]!) : cell.padEnd(widths[col]!))).join("  ").trimEnd());
}

function runLines(run: ReportRun, maxSteps: number): string[] {
  const t = run.totals;
  const lines = [
    `run ${run.run_id}: ${run.jobs} job(s), ${t.steps} step(s)${t.legacy_steps ? ` (${t.legacy_steps} legacy, without token metrics)` : ""}`,
    `  expanded ${formatCount(t.tokens_expanded)} tokens (in ${formatCount(t.tokens_in)}, reused ${formatCount(t.tokens_reused)}), out ${formatCount(t.tokens_out)}, ${formatCount(t.bytes_expanded)} bytes`,
    `  baseline ${formatCount(run.baseline.tokens)} tokens (${run.baseline.files.length} whole file(s)${run.baseline.missing.length ? `, ${run.baseline.missing.length} missing` : ""})`,
    `  ratio ${formatRatio(run.ratio)} of baseline (saves ${formatSavings(run.ratio)}), reuse rate ${formatRatio(run.reuse_rate)}, cache hit rate ${formatRatio(run.cache_hit_rate)}`,
  ];
  const header = ["#", "op", "status", "in", "reused", "out", "exp", "hits", "k", "baseline", "files"];
  const rows = run.steps.slice(0, maxSteps).map((s) => [
    String(s.seq),
    s.op,
    s.status,
    formatCount(s.tokens_in),
    formatCount(s.tokens_reused),
    formatCount(s.tokens_out),
    String(s.expansions),
    String(s.cache_hits),
    s.search_k === null ? "-" : String(s.search_k),
    formatCount(s.baseline_tokens),
    s.files.length > 2 ? `${s.files.slice(0, 2).join(", ")} +${s.files.length - 2}` : s.files.join(", "),
  ]);
  if (rows.length > 0) lines.push(...table([header, ...rows], [true, false, false, true, true, true, true, true, true, true, false]).map((line) => `  ${line}`));
  if (run.steps.length > maxSteps) lines.push(`  ... ${run.steps.length - maxSteps} more step(s) (--json has all)`);
  return lines;
}

export function renderReportText(report: Report, options: { maxStepsPerRun?: number } = {}): string {
  const lines: string[] = [];
  for (const run of report.runs) lines.push(...runLines(run, options.maxStepsPerRun ?? 50), "");
  if (report.runs.length !== 1) {
    lines.push(
      `all ${report.runs.length} run(s): expanded ${formatCount(report.totals.tokens_expanded)} of a ${formatCount(report.baseline_tokens)}-token baseline = ${formatRatio(report.ratio)}, reuse ${formatRatio(report.reuse_rate)}, cache hits ${formatRatio(report.cache_hit_rate)}`,
    );
  }
  lines.push(`tokens: ${report.tokenizer.name} (${report.tokenizer.library} ${report.tokenizer.version})`);
  return `${lines.join("\n")}\n`;
}
