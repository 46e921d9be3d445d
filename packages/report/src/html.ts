// The report as one self-contained HTML page (docs/economy.md#the-html-page): inline styles, the vendored chartist
// build and the report data; nothing remote, so it works offline and inside a VS Code webview under a strict CSP.
// Charts: baseline against expanded tokens per run (several runs) or per step, and a cumulative per-step timeline.
import { createHash } from "node:crypto";
import { formatCount, formatRatio, formatSavings } from "./format.js";
import type { Report, ReportRun, ReportStep } from "./schema.js";
import { CHARTIST_CSS, CHARTIST_JS, CHARTIST_VERSION } from "./vendor/chartist.js";

export interface HtmlOptions {
  /** Nonce for the inline script and styles; default: derived from the report (the page is static). */
  nonce?: string;
  /** Extra CSP source for images and fonts (a VS Code webview's cspSource); default: none. */
  cspSource?: string;
  /** Steps listed per run in the tables (default 500; the charts use every step). */
  maxTableSteps?: number;
}

/** Bars beyond this are grouped into consecutive buckets of steps. */
const MAX_BARS = 60;
/** Timeline points beyond this are sampled evenly (the last step always kept). */
const MAX_POINTS = 400;

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

/** JSON that is safe inside a <script> element (no "</script", no HTML comment openers). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

export interface ChartData {
  bars: { title: string; labels: string[]; baseline: number[]; expanded: number[] };
  timeline: { labels: string[]; baseline: number[]; expanded: number[] };
}

function stepBars(steps: readonly ReportStep[]): ChartData["bars"] {
  const size = Math.max(1, Math.ceil(steps.length / MAX_BARS));
  const bars: ChartData["bars"] = { title: size === 1 ? "Tokens per step: whole files vs expanded" : `Tokens per ${size} steps: whole files vs expanded`, labels: [], baseline: [], expanded: [] };
  for (let i = 0; i < steps.length; i += size) {
    const group = steps.slice(i, i + size);
    bars.labels.push(size === 1 ? `#${group[0]!.seq}` : `#${group[0]!.seq}-${group[group.length - 1]!.seq}`);
    bars.baseline.push(group.reduce((sum, s) => sum + s.baseline_tokens, 0));
    bars.expanded.push(group.reduce((sum, s) => sum + (s.tokens_expanded ?? 0), 0));
  }
  return bars;
}

/** The numbers the charts draw: per run (several runs) or per step, and the cumulative timeline over every step. */
export function chartData(report: Report): ChartData {
  const bars =
    report.runs.length > 1
      ? {
          title: "Tokens per run: whole files vs expanded",
          labels: report.runs.map((run) => run.run_id),
          baseline: report.runs.map((run) => run.baseline.tokens),
          expanded: report.runs.map((run) => run.totals.tokens_expanded),
        }
      : stepBars(report.runs[0]?.steps ?? []);
  const points: Array<{ label: string; baseline: number; expanded: number }> = [];
  let baseline = 0;
  let expanded = 0;
  for (const run of report.runs) {
    const seen = new Set<string>();
    const fileTokens = new Map(run.baseline.files.map((f) => [f.file_path, f.tokens]));
    for (const step of run.steps) {
      expanded += step.tokens_expanded ?? 0;
      for (const file of step.files) {
        if (seen.has(file)) continue;
        seen.add(file);
        baseline += fileTokens.get(file) ?? 0;
      }
      points.push({ label: report.runs.length > 1 ? `${run.run_id}#${step.seq}` : `#${step.seq}`, baseline, expanded });
    }
  }
  const every = Math.max(1, Math.ceil(points.length / MAX_POINTS));
  const sampled = points.filter((_, i) => i % every === 0 || i === points.length - 1);
  return {
    bars,
    timeline: { labels: sampled.map((p) => p.label), baseline: sampled.map((p) => p.baseline), expanded: sampled.map((p) => p.expanded) },
  };
}

function figures(report: Report): string {
  const t = report.totals;
  const cells: Array<[string, string, string]> = [
    ["tokens-expanded", formatCount(t.tokens_expanded), "tokens expanded"],
    ["tokens-baseline", formatCount(report.baseline_tokens), "whole-file baseline"],
    ["ratio", formatRatio(report.ratio), "expanded / baseline"],
    ["savings", formatSavings(report.ratio), "saved"],
    ["reuse-rate", formatRatio(report.reuse_rate), "reuse rate"],
    ["cache-hit-rate", formatRatio(report.cache_hit_rate), "cache hit rate"],
    ["steps", formatCount(t.steps), "steps"],
  ];
  return `<div class="figures">${cells.map(([id, value, label]) => `<div><div class="figure" id="figure-${id}">${escapeHtml(value)}</div><div class="muted">${escapeHtml(label)}</div></div>`).join("")}</div>`;
}

function runsTable(report: Report): string {
  const rows = report.runs
    .map((run) => {
      const t = run.totals;
      return `<tr><td><code>${escapeHtml(run.run_id)}</code></td><td>${run.jobs}</td><td>${t.steps}</td><td>${formatCount(t.tokens_in)}</td><td>${formatCount(t.tokens_reused)}</td><td>${formatCount(t.tokens_expanded)}</td><td>${formatCount(t.tokens_out)}</td><td>${formatCount(run.baseline.tokens)}</td><td>${formatRatio(run.ratio)}</td><td>${formatRatio(run.reuse_rate)}</td><td>${formatRatio(run.cache_hit_rate)}</td></tr>`;
    })
    .join("");
  return `<table id="runs"><thead><tr><th>Run</th><th>Jobs</th><th>Steps</th><th>Tokens in</th><th>Reused</th><th>Expanded</th><th>Out</th><th>Baseline</th><th>Ratio</th><th>Reuse</th><th>Cache hits</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function stepsTable(run: ReportRun, max: number): string {
  const rows = run.steps
    .slice(0, max)
    .map(
      (s) =>
        `<tr class="step-row"><td>${s.seq}</td><td>${escapeHtml(s.op)}</td><td class="${s.status === "SUCCESS" ? "ok" : "bad"}">${escapeHtml(s.status)}</td><td>${formatCount(s.tokens_in)}</td><td>${formatCount(s.tokens_reused)}</td><td>${formatCount(s.tokens_out)}</td><td>${s.expansions}</td><td>${s.cache_hits}</td><td>${s.search_k ?? "-"}</td><td>${formatCount(s.baseline_tokens)}</td><td>${s.files.map((f) => `<code>${escapeHtml(f)}</code>`).join(" ")}</td></tr>`,
    )
    .join("");
  const more = run.steps.length > max ? `<p class="muted">${run.steps.length - max} more step(s) not listed; the JSON report has all.</p>` : "";
  const missing = run.baseline.missing.length ? `<p class="muted">Not in the baseline (content unavailable): ${run.baseline.missing.map((m) => `<code>${escapeHtml(m)}</code>`).join(" ")}</p>` : "";
  return `<h3>Run <code>${escapeHtml(run.run_id)}</code></h3>
<table class="steps"><thead><tr><th>#</th><th>Op</th><th>Status</th><th>In</th><th>Reused</th><th>Out</th><th>Exp.</th><th>Hits</th><th>k</th><th>Whole files</th><th>Files</th></tr></thead><tbody>${rows}</tbody></table>${more}${missing}`;
}

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 0 16px 32px; color: var(--vscode-foreground, #1f2328); background: var(--vscode-editor-background, #fff); }
h1 { font-size: 1.5em; margin: 16px 0 4px; } h2 { font-size: 1.15em; margin: 24px 0 6px; border-bottom: 1px solid #8884; padding-bottom: 4px; } h3 { font-size: 1em; }
table { border-collapse: collapse; width: 100%; font-size: 0.9em; } th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid #8883; vertical-align: top; }
code { font-family: ui-monospace, monospace; font-size: 0.95em; word-break: break-all; } .muted { opacity: 0.7; } .ok { color: #1a7f37; } .bad { color: #cf222e; }
.figures { display: flex; gap: 28px; flex-wrap: wrap; margin: 12px 0; } .figure { font-size: 1.6em; font-weight: 600; }
.chart { height: 320px; } .legend span { display: inline-block; margin-right: 16px; } .swatch { display: inline-block; width: 10px; height: 10px; margin-right: 4px; }
.swatch-a { background: #8c959f; } .swatch-b { background: #1f883d; }
.ct-series-a .ct-bar, .ct-series-a .ct-line, .ct-series-a .ct-point { stroke: #8c959f; }
.ct-series-b .ct-bar, .ct-series-b .ct-line, .ct-series-b .ct-point { stroke: #1f883d; }
.ct-bar { stroke-width: 12px; } .ct-line { stroke-width: 3px; }
.ct-label { color: inherit; fill: currentColor; opacity: 0.75; }
`;

// Draws both charts from the embedded data; the page needs nothing else. Chartist sets the svg's size with
// setAttribute("style"), which a strict CSP (no 'unsafe-inline') refuses: the shim applies it through the CSSOM.
const SCRIPT = `
const setAttributes = Chartist.Svg.prototype.attr;
Chartist.Svg.prototype.attr = function (attributes, ns) {
  if (attributes && typeof attributes === "object" && typeof attributes.style === "string") {
    const { style, ...rest } = attributes;
    this._node.style.cssText = style;
    return setAttributes.call(this, rest, ns);
  }
  return setAttributes.call(this, attributes, ns);
};
const data = JSON.parse(document.getElementById("report-data").textContent);
const axisY = { axisY: { onlyInteger: true, offset: 60 } };
new Chartist.BarChart("#chart-bars", { labels: data.bars.labels, series: [data.bars.baseline, data.bars.expanded] }, Object.assign({ height: "300px", seriesBarDistance: 12 }, axisY));
const every = Math.max(1, Math.ceil(data.timeline.labels.length / 12));
new Chartist.LineChart("#chart-timeline", { labels: data.timeline.labels, series: [data.timeline.baseline, data.timeline.expanded] },
  Object.assign({ height: "300px", lineSmooth: false, fullWidth: true, chartPadding: { right: 40 }, showPoint: data.timeline.labels.length <= 60, axisX: { labelInterpolationFnc: (value, index) => (index % every === 0 ? value : null) } }, axisY));
document.body.setAttribute("data-charts", "drawn");
`;

export function contentSecurityPolicy(nonce: string, cspSource?: string): string {
  const extra = cspSource ? ` ${cspSource}` : "";
  return [
    "default-src 'none'",
    `img-src${extra} data:`,
    `font-src${extra || " 'none'"}`,
    `style-src 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    "connect-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join("; ");
}

/** The whole page. Deterministic for a given report and options. */
export function renderReportHtml(report: Report, options: HtmlOptions = {}): string {
  const data = chartData(report);
  const nonce = options.nonce ?? createHash("sha256").update(JSON.stringify(report)).digest("base64").slice(0, 24);
  const title = report.runs.length === 1 ? `Catalytic report: run ${report.runs[0]!.run_id}` : `Catalytic report: ${report.runs.length} runs`;
  const n = escapeHtml(nonce);
  const legend = `<p class="legend"><span><i class="swatch swatch-a"></i>whole-file baseline</span><span><i class="swatch swatch-b"></i>tokens expanded</span></p>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(nonce, options.cspSource))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(title)}</title>
<style nonce="${n}">${CHARTIST_CSS}</style>
<style nonce="${n}">${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="muted">Tokens: ${escapeHtml(`${report.tokenizer.name} (${report.tokenizer.library} ${report.tokenizer.version})`)}. Baseline: the whole files the run touched, each once. Charts: chartist ${escapeHtml(CHARTIST_VERSION)}, inlined.</p>
${figures(report)}
<h2>${escapeHtml(data.bars.title)}</h2>
${legend}
<div class="chart" id="chart-bars"></div>
<h2>Timeline: cumulative tokens, step by step</h2>
${legend}
<div class="chart" id="chart-timeline"></div>
<h2>Runs</h2>
${runsTable(report)}
<h2>Steps</h2>
${report.runs.map((run) => stepsTable(run, options.maxTableSteps ?? 500)).join("\n")}
<script type="application/json" id="report-data">${scriptJson(data)}</script>
<script nonce="${n}">${CHARTIST_JS.replace(/<\/(script)/gi, "<\\/$1")}</script>
<script nonce="${n}">${SCRIPT}</script>
</body>
</html>
`;
}
