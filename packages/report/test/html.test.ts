// The HTML builder: one self-contained page (nothing remote, one strict CSP, nonce'd script and styles), hostile
// ids escaped, chart data that matches the report, and the vendored chartist equal to the installed package.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { TOKENIZER } from "@catalytic/core";
import { chartData, renderReportHtml, type Report, type ReportRun, type ReportStep } from "../src/index.js";

const HOSTILE = `</script><img src="https://evil.example/x.png" onerror="alert(1)"><link rel="stylesheet" href="http://evil.example/z.css">`;

function step(seq: number, over: Partial<ReportStep> = {}): ReportStep {
  return {
    seq,
    job_id: "job_1",
    step_id: `step_${String(seq).padStart(16, "0")}`,
    op: "READ_SECTION",
    status: "SUCCESS",
    worker_id: "ant-1",
    started_at: "2026-01-01T00:00:00.000Z",
    duration_ms: 1,
    legacy: false,
    tokens_in: 10 * seq,
    tokens_reused: 0,
    tokens_expanded: 10 * seq,
    tokens_out: 0,
    bytes_expanded: 40 * seq,
    expansions: 1,
    cache_hits: 0,
    reused: 0,
    search_k: 5,
    files: [`docs/${seq % 3}.md`],
    baseline_tokens: 1000,
    ...over,
  };
}

function run(runId: string, steps: ReportStep[]): ReportRun {
  const expanded = steps.reduce((sum, s) => sum + (s.tokens_expanded ?? 0), 0);
  const files = [...new Set(steps.flatMap((s) => s.files))].sort().map((file_path) => ({ file_path, tokens: 1000, source: "disk" as const }));
  const totals = { steps: steps.length, legacy_steps: 0, tokens_in: expanded, tokens_reused: 0, tokens_expanded: expanded, tokens_out: 0, bytes_expanded: 0, expansions: steps.length, cache_hits: 0, reused: 0 };
  return { run_id: runId, jobs: 1, steps, totals, baseline: { tokens: files.length * 1000, files, missing: [] }, ratio: expanded / (files.length * 1000), reuse_rate: 0, cache_hit_rate: 0 };
}

function report(runs: ReportRun[]): Report {
  const expanded = runs.reduce((sum, r) => sum + r.totals.tokens_expanded, 0);
  const baseline = runs.reduce((sum, r) => sum + r.baseline.tokens, 0);
  return { report_version: 1, tokenizer: { ...TOKENIZER }, runs, totals: { ...runs[0]!.totals, tokens_expanded: expanded }, baseline_tokens: baseline, ratio: expanded / baseline, reuse_rate: 0, cache_hit_rate: 0 };
}

describe("renderReportHtml", () => {
  const html = renderReportHtml(report([run(HOSTILE, [step(1, { files: [HOSTILE] }), step(2)])]), { nonce: "bm9uY2U=" });

  it("loads nothing from anywhere: no src or href attribute, no <link>, no url(), no import", () => {
    const markup = html.replace(/(<script\b[^>]*>)[\s\S]*?<\/script>/g, "$1</script>");
    expect(markup.match(/<[^>]*\s(src|href)\s*=[^>]*>/gi)).toBeNull();
    expect(markup).not.toMatch(/<link\b/i);
    expect(markup).not.toMatch(/<img\b/i);
    expect(html).not.toMatch(/url\(\s*['"]?(https?:)?\/\//i);
    expect(html).not.toMatch(/\bimport\s*\(/);
    expect(html).not.toMatch(/\b(fetch|XMLHttpRequest|WebSocket)\b/);
  });

  it("has one strict CSP and only nonce'd scripts and styles", () => {
    const metas = [...html.matchAll(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/g)];
    expect(metas).toHaveLength(1);
    const policy = metas[0]![1]!.replace(/&#39;/g, "'");
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'nonce-bm9uY2U='");
    expect(policy).not.toContain("unsafe");
    const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]!.trim());
    expect(scripts).toEqual(['type="application/json" id="report-data"', 'nonce="bm9uY2U="', 'nonce="bm9uY2U="']);
    expect([...html.matchAll(/<style\b([^>]*)>/g)].map((m) => m[1]!.trim())).toEqual(['nonce="bm9uY2U="', 'nonce="bm9uY2U="']);
  });

  it("escapes ids in the markup and in the embedded data", () => {
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;/script&gt;&lt;img");
    const data = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)![1]!;
    expect(data).not.toContain("<");
    expect(JSON.parse(data).timeline.labels).toEqual(["#1", "#2"]);
  });

  it("takes a webview's CSP source for images and fonts", () => {
    const page = renderReportHtml(report([run("r", [step(1)])]), { nonce: "n", cspSource: "https://*.vscode-cdn.net" });
    expect(page).toContain("img-src https://*.vscode-cdn.net data:");
  });
});

describe("chartData", () => {
  it("one run: a bar per step (grouped past 60 steps) and a cumulative timeline that counts each file once", () => {
    const small = chartData(report([run("r", [step(1), step(2), step(3), step(4)])]));
    expect(small.bars).toMatchObject({ labels: ["#1", "#2", "#3", "#4"], baseline: [1000, 1000, 1000, 1000], expanded: [10, 20, 30, 40] });
    // Files 1, 2, 0, 1: the baseline grows on first touch only.
    expect(small.timeline).toEqual({ labels: ["#1", "#2", "#3", "#4"], baseline: [1000, 2000, 3000, 3000], expanded: [10, 30, 60, 100] });
    const big = chartData(report([run("r", Array.from({ length: 130 }, (_, i) => step(i + 1)))]));
    expect(big.bars.labels).toHaveLength(44);
    expect(big.bars.labels[0]).toBe("#1-3");
    expect(big.bars.expanded.reduce((a, b) => a + b, 0)).toBe((130 * 131 * 10) / 2);
  });

  it("several runs: a bar per run", () => {
    const data = chartData(report([run("a", [step(1)]), run("b", [step(1), step(2)])]));
    expect(data.bars).toMatchObject({ labels: ["a", "b"], expanded: [10, 30], baseline: [1000, 2000] });
    expect(data.timeline.labels).toEqual(["a#1", "b#1", "b#2"]);
  });
});

describe("vendored chartist", () => {
  it("src/vendor/chartist.ts is what scripts/vendor-chartist.mjs makes from the installed chartist", () => {
    const script = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "scripts", "vendor-chartist.mjs");
    const result = spawnSync(process.execPath, [script, "--check"], { encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});
