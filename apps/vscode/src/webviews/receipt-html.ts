// Pure HTML of the receipt view: every field, expanded items linked to their sections, write hashes with a diff
// button, and the receipt chain. The panel (receipt-view.ts) answers the messages the links and buttons post.
import type { ReceiptView } from "@catalytic/core/protocol";
import { escapeHtml, fieldTable, formatBytes, hashHtml, renderPage } from "./html.js";

export interface ReceiptExpansionItem {
  kind: string;
  id: string;
  slice?: string;
  sectionId?: string;
  contentHash?: string;
  bytes?: number;
  cacheHit?: boolean;
  /** Index into ReceiptView.locations, when the item can be opened in the editor. */
  locationIndex?: number;
}

export interface ReceiptActionItem {
  type: string;
  target: string;
  status: string;
  beforeHash?: string;
  afterHash?: string;
  priorContentRef?: string;
  result?: unknown;
}

/** Messages the receipt page posts back to the extension. */
export type ReceiptMessage = { type: "openSection"; location: number } | { type: "openDiff"; action: number };

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function number(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

export function receiptExpansions(view: ReceiptView): ReceiptExpansionItem[] {
  const expanded = Array.isArray(view.receipt.expanded) ? view.receipt.expanded : [];
  return expanded.map((raw, index) => {
    const item = record(raw);
    const id = text(item.id) ?? text(item.symbol_or_section_id) ?? text(item.symbol_id) ?? text(item.section_id) ?? `#${index}`;
    const sectionId = text(item.section_id);
    const byId = view.locations.findIndex((location) => location.id === id || (sectionId !== undefined && location.id === sectionId));
    // Servers list locations in the order of `expanded` when ids do not match (e.g. files): fall back to the index.
    const locationIndex = byId >= 0 ? byId : index < view.locations.length && view.locations.length === expanded.length ? index : undefined;
    return {
      kind: text(item.kind) ?? "item",
      id,
      slice: text(item.slice),
      sectionId,
      contentHash: text(item.content_hash),
      bytes: number(item.bytes),
      cacheHit: typeof item.cache_hit === "boolean" ? item.cache_hit : undefined,
      locationIndex,
    };
  });
}

export function receiptActions(view: ReceiptView): ReceiptActionItem[] {
  const actions = Array.isArray(view.receipt.actions) ? view.receipt.actions : [];
  return actions.map((raw) => {
    const item = record(raw);
    return {
      type: text(item.type) ?? "ACTION",
      target: text(item.target) ?? "",
      status: text(item.status) ?? "",
      beforeHash: text(item.before_hash),
      afterHash: text(item.after_hash),
      priorContentRef: text(item.prior_content_ref),
      result: item.result,
    };
  });
}

function statusBadge(status: string): string {
  return `<span class="badge status-${escapeHtml(status.toLowerCase())}">${escapeHtml(status)}</span>`;
}

function expansionsHtml(view: ReceiptView, items: ReceiptExpansionItem[]): string {
  if (items.length === 0) return `<p class="muted">Nothing was expanded.</p>`;
  const rows = items.map((item, index) => {
    const location = item.locationIndex === undefined ? undefined : view.locations[item.locationIndex];
    const idCell = location
      ? `<a href="#" data-location="${item.locationIndex}" title="Open ${escapeHtml(location.file)} lines ${location.lineStart}-${location.lineEnd}" aria-label="Open ${escapeHtml(item.id)} in the editor">${escapeHtml(item.id)}</a><div class="muted">${escapeHtml(location.file)}:${location.lineStart + 1}</div>`
      : `<code>${escapeHtml(item.id)}</code>`;
    return `<tr class="expanded-item" data-index="${index}"><td>${escapeHtml(item.kind)}</td><td>${idCell}</td><td><code>${escapeHtml(item.slice ?? "")}</code></td><td>${item.bytes === undefined ? "" : escapeHtml(formatBytes(item.bytes))}</td><td>${item.cacheHit === undefined ? "" : item.cacheHit ? "hit" : "miss"}</td><td>${hashHtml(item.contentHash)}${item.sectionId ? `<div class="muted">section ${hashHtml(item.sectionId)}</div>` : ""}</td></tr>`;
  });
  return `<table id="expanded"><thead><tr><th>Kind</th><th>Item</th><th>Slice</th><th>Bytes</th><th>Cache</th><th>Content hash</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function actionsHtml(items: ReceiptActionItem[]): string {
  if (items.length === 0) return `<p class="muted">No actions.</p>`;
  const rows = items.map((item, index) => {
    const isWrite = item.afterHash !== undefined || item.beforeHash !== undefined;
    const diffButton = isWrite ? `<button type="button" data-diff="${index}" aria-label="Open diff of ${escapeHtml(item.target)}">Open diff</button>` : "";
    const result = item.result === undefined ? "" : `<pre>${escapeHtml(JSON.stringify(item.result, null, 2))}</pre>`;
    return `<tr class="action-item" data-index="${index}"><td>${escapeHtml(item.type)}</td><td><code>${escapeHtml(item.target)}</code>${result}</td><td>${statusBadge(item.status)}</td><td>${isWrite ? `before ${hashHtml(item.beforeHash)}<br>after ${hashHtml(item.afterHash)}` : ""}</td><td>${diffButton}</td></tr>`;
  });
  return `<table id="actions"><thead><tr><th>Type</th><th>Target</th><th>Status</th><th>Write hashes</th><th></th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function objectRows(value: unknown): Array<[string, string]> {
  return Object.entries(record(value)).map(([key, entry]) => [key, typeof entry === "object" && entry !== null ? `<pre>${escapeHtml(JSON.stringify(entry, null, 2))}</pre>` : escapeHtml(entry)]);
}

export function renderReceiptBody(view: ReceiptView): string {
  const doc = view.receipt;
  const error = record(doc.error);
  const outputs = objectRows(doc.outputs);
  const sections = [
    `<h1>Receipt <code>${escapeHtml(view.receiptId)}</code> ${statusBadge(view.outcome)}</h1>`,
    `<p class="muted">${escapeHtml(text(doc.op) ?? "")} step <code>${escapeHtml(view.stepId)}</code> of job <code>${escapeHtml(view.jobId)}</code></p>`,
    text(error.message) ? `<p class="error" id="receipt-error"><strong>${escapeHtml(error.code)}</strong>: ${escapeHtml(error.message)}</p>` : "",
    `<h2>Fields</h2>`,
    fieldTable([
      ["Receipt id", `<code>${escapeHtml(view.receiptId)}</code>`],
      ["Step", `<code>${escapeHtml(view.stepId)}</code>`],
      ["Job", `<code>${escapeHtml(view.jobId)}</code>`],
      ["Run", `<code>${escapeHtml(view.runId)}</code>`],
      ["Operation", escapeHtml(doc.op)],
      ["Outcome", statusBadge(view.outcome)],
      ["Receipt status", escapeHtml(doc.status)],
      ["Worker", `<code>${escapeHtml(view.workerId)}</code>`],
      ["Fencing token", escapeHtml(view.fencingToken)],
      ["Created", escapeHtml(view.createdAt)],
    ]),
    `<h2>Expanded items (${Array.isArray(doc.expanded) ? doc.expanded.length : 0})</h2>`,
    expansionsHtml(view, receiptExpansions(view)),
    `<h2>Actions</h2>`,
    actionsHtml(receiptActions(view)),
    `<h2>Outputs</h2>`,
    outputs.length === 0 ? `<p class="muted">No outputs.</p>` : fieldTable(outputs),
    `<h2>Timings and metrics</h2>`,
    fieldTable([...objectRows(doc.timings), ...objectRows(doc.metrics)]),
    `<h2>Receipt chain</h2>`,
    fieldTable([
      ["Previous receipt hash", hashHtml(view.prevReceiptHash)],
      ["Receipt hash", hashHtml(view.receiptHash)],
    ]),
    `<details><summary>Receipt JSON</summary><pre id="receipt-json">${escapeHtml(JSON.stringify(doc, null, 2))}</pre></details>`,
  ];
  return `<main id="receipt">${sections.filter((part) => part !== "").join("\n")}</main>`;
}

const RECEIPT_SCRIPT = `
const vscode = acquireVsCodeApi();
document.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target.closest("[data-location],[data-diff]") : null;
  if (!target) return;
  event.preventDefault();
  if (target.hasAttribute("data-location")) vscode.postMessage({ type: "openSection", location: Number(target.getAttribute("data-location")) });
  else vscode.postMessage({ type: "openDiff", action: Number(target.getAttribute("data-diff")) });
});
`;

export function renderReceiptPage(view: ReceiptView, nonce: string, cspSource: string): string {
  return renderPage({ title: `Receipt ${view.receiptId}`, nonce, cspSource, body: renderReceiptBody(view), script: RECEIPT_SCRIPT });
}

/** Validates a message from the page: only indexes into this receipt's own data are accepted. */
export function parseReceiptMessage(message: unknown, view: ReceiptView): ReceiptMessage | undefined {
  const data = record(message);
  if (data.type === "openSection" && Number.isInteger(data.location) && (data.location as number) >= 0 && (data.location as number) < view.locations.length) {
    return { type: "openSection", location: data.location as number };
  }
  if (data.type === "openDiff" && Number.isInteger(data.action)) {
    const action = receiptActions(view)[data.action as number];
    if (action && (action.afterHash !== undefined || action.beforeHash !== undefined)) return { type: "openDiff", action: data.action as number };
  }
  return undefined;
}
