// Pure HTML of the run panel: a job's progress while ants work. The panel re-renders the body on every
// `catalytic/jobsChanged` and posts it to the page, which swaps it in (no reload, no polling).
import type { JobProgress, StepSummary } from "@catalytic/core/protocol";
import { stepStatusText } from "../tree/model.js";
import { escapeHtml, formatBytes, formatDuration, renderPage } from "./html.js";

export interface RunPanelState {
  progress: JobProgress;
  steps: StepSummary[];
  /** Set while the extension's Execute Job request is running, and its result once done. */
  execution?: { state: "running"; workers: number } | { state: "finished"; exitCode: number } | { state: "error"; message: string };
}

function stepStatusClass(step: StepSummary): string {
  if (step.status === "COMMITTED") return step.outcome === "FAILURE" ? "status-failure" : step.outcome === "ABORTED" ? "status-aborted" : "status-committed";
  return step.status === "LEASED" ? "status-leased" : "status-pending";
}

/** "saved 93.1%" of the whole-file baseline once the job is done; "when done" while it runs. */
function savingsHtml(progress: JobProgress): string {
  const { savings } = progress;
  if (!savings) return `<div><div class="figure" id="savings">…</div><div class="muted">saved (when done)</div></div>`;
  const figure = savings.ratio === null ? "n/a" : `${((1 - savings.ratio) * 100).toFixed(1)}%`;
  const ratio = savings.ratio === null ? "nothing read whole" : `${(savings.ratio * 100).toFixed(1)}% of ${savings.baselineTokens.toLocaleString("en-US")} whole-file tokens`;
  return `<div><div class="figure" id="savings" title="${escapeHtml(ratio)}">${escapeHtml(figure)}</div><div class="muted">saved (${escapeHtml(ratio)})</div></div>`;
}

function executionHtml(state: RunPanelState["execution"]): string {
  if (!state) return "";
  if (state.state === "running") return `<p id="execution" class="status-leased">Executing with ${state.workers} ${state.workers === 1 ? "ant" : "ants"}…</p>`;
  if (state.state === "finished") {
    const text = state.exitCode === 0 ? "Execution finished: all steps done (exit 0)" : state.exitCode === 1 ? "Execution finished: a step failed (exit 1)" : `Execution stopped: invariant or database error (exit ${state.exitCode})`;
    return `<p id="execution" class="${state.exitCode === 0 ? "status-committed" : "status-failure"}">${escapeHtml(text)}</p>`;
  }
  return `<p id="execution" class="error">Execution failed: ${escapeHtml(state.message)}</p>`;
}

export function renderRunPanelBody(state: RunPanelState): string {
  const { progress, steps } = state;
  const { counts } = progress;
  const percent = progress.total === 0 ? 100 : Math.round((counts.committed / progress.total) * 100);
  const summary = `<div class="summary" id="summary">
<div><div class="figure" id="committed-count">${counts.committed} / ${progress.total}</div><div class="muted">committed</div></div>
<div><div class="figure">${counts.pending}</div><div class="muted">pending</div></div>
<div><div class="figure">${counts.leased}</div><div class="muted">leased</div></div>
<div><div class="figure status-success">${counts.success}</div><div class="muted">succeeded</div></div>
<div><div class="figure status-failure">${counts.failure + counts.aborted}</div><div class="muted">failed</div></div>
<div><div class="figure">${escapeHtml(formatBytes(progress.bytesExpanded))}</div><div class="muted">expanded</div></div>
<div><div class="figure" id="tokens-expanded">${escapeHtml(progress.tokensExpanded.toLocaleString("en-US"))}</div><div class="muted">tokens expanded</div></div>
${savingsHtml(progress)}
<div><div class="figure" id="elapsed" data-elapsed-ms="${Math.max(0, Math.round(progress.elapsedMs))}" data-running="${progress.done ? "false" : "true"}">${escapeHtml(formatDuration(progress.elapsedMs))}</div><div class="muted">elapsed</div></div>
</div>`;
  const status = progress.done ? (counts.failure + counts.aborted > 0 ? "Job finished with failures" : "Job complete: every step committed") : progress.startedAt ? "Ants at work" : "Waiting for ants";
  const workers =
    progress.workers.length === 0
      ? `<p class="muted">No ant has claimed a step yet.</p>`
      : `<table id="workers"><thead><tr><th>Worker</th><th>Committed</th><th>Working on</th></tr></thead><tbody>${progress.workers
          .map((worker) => `<tr><td><code>${escapeHtml(worker.workerId)}</code></td><td>${worker.committed}</td><td>${worker.current ? `<code>${escapeHtml(worker.current)}</code>` : `<span class="muted">idle</span>`}</td></tr>`)
          .join("")}</tbody></table>`;
  const stepRows = steps
    .map((step) => `<tr class="step-row" data-step="${escapeHtml(step.stepId)}"><td>${step.ordinal}</td><td>${escapeHtml(step.op)}</td><td><code>${escapeHtml(step.label)}</code></td><td class="step-status ${stepStatusClass(step)}">${escapeHtml(stepStatusText(step))}</td></tr>`)
    .join("");
  const failures =
    progress.failures.length === 0
      ? ""
      : `<h2>Failures</h2><table id="failures"><thead><tr><th>Step</th><th>Operation</th><th>Error</th></tr></thead><tbody>${progress.failures
          .map((failure) => `<tr><td><code>${escapeHtml(failure.stepId)}</code><div class="muted">${escapeHtml(failure.label)}</div></td><td>${escapeHtml(failure.op)}</td><td class="error">${escapeHtml(failure.error)}</td></tr>`)
          .join("")}</tbody></table>`;
  return `<main id="run-panel" data-run="${escapeHtml(progress.runId)}" data-job="${escapeHtml(progress.jobId)}" data-done="${progress.done}">
<h1>Job <code>${escapeHtml(progress.jobId)}</code></h1>
<p class="muted">Run <code>${escapeHtml(progress.runId)}</code>${progress.startedAt ? ` · started ${escapeHtml(progress.startedAt)}` : ""}</p>
<p id="job-state" class="${progress.done ? (counts.failure + counts.aborted > 0 ? "status-failure" : "status-committed") : "status-leased"}">${escapeHtml(status)}</p>
${executionHtml(state.execution)}
<progress max="100" value="${percent}" aria-label="${percent}% of steps committed"></progress>
${summary}
<h2>Steps</h2>
<table id="steps"><thead><tr><th>#</th><th>Operation</th><th>Target</th><th>Status</th></tr></thead><tbody>${stepRows}</tbody></table>
${failures}
<h2>Workers</h2>
${workers}
</main>`;
}

// Swaps in bodies posted by the extension and ticks the elapsed time locally while the job runs.
const RUN_PANEL_SCRIPT = `
const root = document.getElementById("root");
let tickBase = Date.now();
window.addEventListener("message", (event) => {
  const message = event.data;
  if (message && message.type === "render" && typeof message.html === "string") { root.innerHTML = message.html; tickBase = Date.now(); }
});
function format(ms) {
  if (ms < 1000) return Math.round(ms) + " ms";
  const s = ms / 1000;
  if (s < 60) return s.toFixed(1) + " s";
  const m = Math.floor(s / 60);
  return m + " min " + Math.round(s - m * 60) + " s";
}
setInterval(() => {
  const elapsed = document.getElementById("elapsed");
  if (!elapsed || elapsed.getAttribute("data-running") !== "true") return;
  elapsed.textContent = format(Number(elapsed.getAttribute("data-elapsed-ms")) + (Date.now() - tickBase));
}, 500);
`;

export function renderRunPanelPage(state: RunPanelState, nonce: string, cspSource: string): string {
  return renderPage({ title: `Job ${state.progress.jobId}`, nonce, cspSource, body: `<div id="root">${renderRunPanelBody(state)}</div>`, script: RUN_PANEL_SCRIPT });
}
