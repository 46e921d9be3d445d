// The HTML report in Debian's Chromium (as the VS Code suite runs it): a real run's page, opened offline from a
// file, draws both charts (SVG bars and lines with non-zero sizes), asks for nothing over the network and breaks
// no rule of its own CSP.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser } from "playwright-core";
import { TOKENIZER } from "@catalytic/core";
import { renderReportHtml, type Report, type ReportRun } from "@catalytic/report";
import { CLI, REPO_ROOT, copyToTemp, runCatalytic } from "../cli/helpers.js";

const CHROMIUM = "/usr/bin/chromium";

/** Debian's chromium, installed when missing and we are root (as tests/vscode/setup.mjs does); never skipped. */
function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  if (process.getuid?.() !== 0) throw new Error(`${CHROMIUM} is missing: run as root 'apt-get update && apt-get install -y chromium'`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [["update", "-qq"], ["install", "-y", "-qq", "--no-install-recommends", "chromium"]]) {
    const result = spawnSync("apt-get", args, { env, encoding: "utf8" });
    if (result.status !== 0) throw new Error(`apt-get ${args.join(" ")} failed: ${result.stderr}`);
  }
}

let browser: Browser;
let htmlFile: string;

beforeAll(async () => {
  expect(existsSync(CLI), `${CLI} missing: run 'pnpm --filter @catalytic/cli build'`).toBe(true);
  ensureChromium();
  const root = copyToTemp(path.join(REPO_ROOT, "docs", "demo"), "cat-report-html-");
  const ok = (args: string[]) => {
    const result = runCatalytic(["--root", root, ...args]);
    expect(result.code, `${args.join(" ")}: ${result.stderr}`).toBe(0);
    return result;
  };
  ok(["build"]);
  const request = JSON.parse(readFileSync(path.join(root, "request.json"), "utf8"));
  const posted = JSON.parse(ok(["plan", "--request-file", path.join(root, "request.json"), "--json"]).stdout);
  ok(["execute", "--run-id", request.run_id, "--job-id", posted.posted.job_id]);
  htmlFile = path.join(root, "report.html");
  const report = JSON.parse(ok(["report", "--run-id", request.run_id, "--html", htmlFile, "--json"]).stdout);
  expect(report.report.runs[0].steps).toHaveLength(5);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
}, 300_000);

afterAll(async () => {
  await browser?.close();
});

describe("HTML report in Chromium", () => {
  it("draws the bar chart and the timeline offline, with nothing remote and no CSP violation", async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, offline: true });
    const requests: string[] = [];
    const problems: string[] = [];
    page.on("request", (request) => requests.push(request.url()));
    page.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warning") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));
    await page.goto(pathToFileURL(htmlFile).href);
    await page.waitForSelector("body[data-charts=drawn]", { timeout: 10_000 });

    const bars = await page.$$eval("#chart-bars svg.ct-chart-bar .ct-series line.ct-bar", (lines) =>
      lines.map((line) => ({ length: Math.abs(Number(line.getAttribute("y2")) - Number(line.getAttribute("y1"))), width: line.getBoundingClientRect().width })),
    );
    // 5 steps x (baseline, expanded); every READ step has both bars drawn with a height.
    expect(bars).toHaveLength(10);
    expect(bars.filter((bar) => bar.length > 0).length).toBeGreaterThanOrEqual(6);
    const svg = await page.$eval("#chart-bars svg", (el) => el.getBoundingClientRect());
    expect(svg.width).toBeGreaterThan(300);
    expect(svg.height).toBeGreaterThan(200);
    const lines = await page.$$eval("#chart-timeline svg.ct-chart-line path.ct-line", (paths) => paths.map((p) => (p as SVGPathElement).getTotalLength()));
    expect(lines).toHaveLength(2);
    for (const length of lines) expect(length).toBeGreaterThan(100);
    expect(await page.$$eval("#chart-bars .ct-label", (labels) => labels.length)).toBeGreaterThan(5);
    expect(await page.textContent("#figure-ratio")).toMatch(/%$/);

    writeFileSync(path.join(path.dirname(htmlFile), "report.png"), await page.screenshot({ fullPage: true }));
    expect(requests).toEqual([pathToFileURL(htmlFile).href]);
    expect([...new Set(problems)]).toEqual([]);
  });

  it("several runs: a bar pair per run, hostile run ids shown as text and never run", async () => {
    const hostile = `<img src=x onerror="window.__pwned = 1">`;
    const run = (runId: string, expanded: number, baseline: number): ReportRun => ({
      run_id: runId,
      jobs: 1,
      steps: [],
      totals: { steps: 1, legacy_steps: 0, tokens_in: expanded, tokens_reused: 0, tokens_expanded: expanded, tokens_out: 0, bytes_expanded: 0, expansions: 1, cache_hits: 0, reused: 0 },
      baseline: { tokens: baseline, files: [], missing: [] },
      ratio: expanded / baseline,
      reuse_rate: 0,
      cache_hit_rate: 0,
    });
    const runs = [run("task-1", 500, 9000), run(hostile, 800, 4000), run("task-3", 120, 30000)];
    const report: Report = { report_version: 1, tokenizer: { ...TOKENIZER }, runs, totals: { ...runs[0]!.totals, tokens_expanded: 1420 }, baseline_tokens: 43000, ratio: 1420 / 43000, reuse_rate: 0, cache_hit_rate: 0 };
    const file = path.join(path.dirname(htmlFile), "runs.html");
    writeFileSync(file, renderReportHtml(report));
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, offline: true });
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector("body[data-charts=drawn]", { timeout: 10_000 });
    const series = await page.$$eval("#chart-bars svg .ct-series", (groups) => groups.map((g) => g.querySelectorAll("line.ct-bar").length));
    expect(series).toEqual([3, 3]);
    const labels = await page.$$eval("#chart-bars .ct-label.ct-horizontal", (spans) => spans.map((s) => s.textContent));
    expect(labels).toEqual(["task-1", hostile, "task-3"]);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.$$eval("img", (images) => images.length)).toBe(0);
  });
});
