import { describe, expect, it } from "vitest";
import type { JobProgress, StepSummary } from "@catalytic/core/protocol";
import { renderRunPanelBody, renderRunPanelPage } from "./run-panel-html.js";

const progress = (overrides: Partial<JobProgress> = {}): JobProgress => ({
  jobId: "job_01",
  runId: "run_demo",
  counts: { pending: 1, leased: 1, committed: 1, success: 1, failure: 0, aborted: 0 },
  total: 3,
  workers: [{ workerId: "ant-1", committed: 1, current: "step_b" }],
  bytesExpanded: 2048,
  tokensExpanded: 1234,
  savings: null,
  startedAt: "2026-11-21T10:00:00.000Z",
  elapsedMs: 1500,
  failures: [],
  done: false,
  ...overrides,
});

const step = (stepId: string, ordinal: number, status: StepSummary["status"], outcome: StepSummary["outcome"] = null): StepSummary => ({
  stepId,
  jobId: "job_01",
  ordinal,
  op: "READ_SYMBOL",
  label: `@CANON/s${ordinal}`,
  status,
  outcome,
  leaseOwner: status === "LEASED" ? "ant-1" : null,
  fencingToken: 1,
  receiptId: null,
  dependsOn: [],
});

describe("run panel", () => {
  it("shows counts, steps by status, workers, bytes and elapsed time", () => {
    const html = renderRunPanelBody({ progress: progress(), steps: [step("step_a", 0, "COMMITTED", "SUCCESS"), step("step_b", 1, "LEASED"), step("step_c", 2, "PENDING")], execution: { state: "running", workers: 2 } });
    expect(html).toContain(`<main id="run-panel" data-run="run_demo" data-job="job_01" data-done="false">`);
    expect(html).toContain(`<div class="figure" id="committed-count">1 / 3</div>`);
    expect(html).toContain(`<td class="step-status status-committed">committed (success)</td>`);
    expect(html).toContain(`<td class="step-status status-leased">leased by ant-1</td>`);
    expect(html).toContain(`<td class="step-status status-pending">pending</td>`);
    expect(html).toContain(`<td><code>ant-1</code></td><td>1</td><td><code>step_b</code></td>`);
    expect(html).toContain("2.0 KiB");
    expect(html).toContain(`data-elapsed-ms="1500" data-running="true">1.5 s</div>`);
    expect(html).toContain("Executing with 2 ants…");
    expect(html).toContain(`<progress max="100" value="33" aria-label="33% of steps committed">`);
    expect(html).toContain(`<div class="figure" id="tokens-expanded">1,234</div><div class="muted">tokens expanded</div>`);
    expect(html).toContain(`<div class="figure" id="savings">…</div><div class="muted">saved (when done)</div>`);
  });

  it("shows the savings ratio of a finished job against its whole-file baseline", () => {
    const html = renderRunPanelBody({ progress: progress({ done: true, tokensExpanded: 122, savings: { baselineTokens: 383, ratio: 122 / 383 } }), steps: [] });
    expect(html).toContain(`<div class="figure" id="tokens-expanded">122</div>`);
    expect(html).toContain(`id="savings" title="31.9% of 383 whole-file tokens">68.1%</div><div class="muted">saved (31.9% of 383 whole-file tokens)</div>`);
    const nothingWhole = renderRunPanelBody({ progress: progress({ done: true, tokensExpanded: 0, savings: { baselineTokens: 0, ratio: null } }), steps: [] });
    expect(nothingWhole).toContain(`>n/a</div><div class="muted">saved (nothing read whole)</div>`);
  });

  it("says when the job is complete and lists failures with their error", () => {
    const done = renderRunPanelBody({ progress: progress({ counts: { pending: 0, leased: 0, committed: 3, success: 3, failure: 0, aborted: 0 }, done: true }), steps: [], execution: { state: "finished", exitCode: 0 } });
    expect(done).toContain(`<p id="job-state" class="status-committed">Job complete: every step committed</p>`);
    expect(done).toContain("Execution finished: all steps done (exit 0)");
    const failed = renderRunPanelBody({
      progress: progress({ counts: { pending: 0, leased: 0, committed: 3, success: 2, failure: 1, aborted: 0 }, done: true, failures: [{ stepId: "step_c", op: "RUN_TEST", label: "unit", error: "CAT_TEST_FAILED: exit 1 <b>" }] }),
      steps: [],
    });
    expect(failed).toContain("Job finished with failures");
    expect(failed).toContain(`<td class="error">CAT_TEST_FAILED: exit 1 &lt;b&gt;</td>`);
  });

  it("escapes labels and ids and keeps one nonce'd script", () => {
    const evil = "<img src=x onerror=alert(1)>";
    const html = renderRunPanelPage({ progress: progress({ jobId: evil, runId: evil, workers: [{ workerId: evil, committed: 0, current: evil }] }), steps: [{ ...step(evil, 0, "PENDING"), op: evil, label: evil }] }, "Tk9OQ0U=", "vscode-webview://x");
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain(`<script nonce="Tk9OQ0U=">`);
    expect(html).toContain("script-src &#39;nonce-Tk9OQ0U=&#39;");
  });
});
