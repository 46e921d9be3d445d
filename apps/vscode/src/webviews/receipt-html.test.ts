import { describe, expect, it } from "vitest";
import type { ReceiptView } from "@catalytic/core/protocol";
import { contentSecurityPolicy, escapeHtml } from "./html.js";
import { parseReceiptMessage, receiptActions, receiptExpansions, renderReceiptPage } from "./receipt-html.js";

const H1 = "1".repeat(64);
const H2 = "2".repeat(64);
const H3 = "3".repeat(64);
const NONCE = "bm9uY2Utb2YtdGhlLXRlc3Q=";
const CSP_SOURCE = "https://webview.test";

function receipt(overrides: Partial<ReceiptView> = {}): ReceiptView {
  return {
    receiptId: "rcpt_0001",
    stepId: "step_00aa",
    jobId: "job_01",
    runId: "run_demo",
    workerId: "ant-1",
    fencingToken: 1,
    outcome: "SUCCESS",
    receipt: {
      run_id: "run_demo",
      job_id: "job_01",
      step_id: "step_00aa",
      op: "WRITE_FILE",
      status: "SUCCESS",
      worker_id: "ant-1",
      fencing_token: 1,
      expanded: [
        { kind: "symbol", id: "@CANON/AGREEMENT", slice: "head(4000)", section_id: H3, content_hash: H1, bytes: 120, cache_hit: false },
        { kind: "file", id: "notes/todo.md", slice: "lines[0:5]", content_hash: H2, bytes: 40, cache_hit: true },
      ],
      actions: [
        { type: "READ", target: "@CANON/AGREEMENT", status: "SUCCESS" },
        { type: "WRITE", target: "out/result.md", status: "SUCCESS", before_hash: H1, after_hash: H2, prior_content_ref: H1 },
      ],
      outputs: { written: "out/result.md" },
      timings: { started_at: "2026-11-21T10:00:00.000Z", finished_at: "2026-11-21T10:00:00.250Z", duration_ms: 250 },
      metrics: { bytes_expanded: 160, expansions: 2, cache_hits: 1, estimated_tokens: 40 },
    },
    prevReceiptHash: H3,
    receiptHash: H2,
    createdAt: "2026-11-21T10:00:00.300Z",
    locations: [{ id: "@CANON/AGREEMENT", file: "canon/agreement.md", lineStart: 4, lineEnd: 12 }],
    ...overrides,
  };
}

describe("renderReceiptPage", () => {
  it("carries a strict CSP with the nonce and loads nothing remote", () => {
    const html = renderReceiptPage(receipt(), NONCE, CSP_SOURCE);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(CSP_SOURCE, NONCE))}">`);
    expect(contentSecurityPolicy(CSP_SOURCE, NONCE)).toBe(
      `default-src 'none'; img-src ${CSP_SOURCE} data:; font-src ${CSP_SOURCE}; style-src ${CSP_SOURCE} 'nonce-${NONCE}'; script-src 'nonce-${NONCE}'; connect-src 'none'; frame-src 'none'; form-action 'none'; base-uri 'none'`,
    );
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain(`<script nonce="${NONCE}">`);
    expect(html).toContain(`<style nonce="${NONCE}">`);
    expect(html).not.toMatch(/\s(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/style="/);
  });

  it("shows every field, the expanded items with links, write hashes with a diff button, and the chain", () => {
    const html = renderReceiptPage(receipt(), NONCE, CSP_SOURCE);
    for (const text of ["rcpt_0001", "step_00aa", "job_01", "run_demo", "ant-1", "WRITE_FILE", "2026-11-21T10:00:00.300Z", "head(4000)", "lines[0:5]", "out/result.md", "duration_ms", "estimated_tokens"]) {
      expect(html).toContain(text);
    }
    expect(html).toContain(`<a href="#" data-location="0" title="Open canon/agreement.md lines 4-12" aria-label="Open @CANON/AGREEMENT in the editor">@CANON/AGREEMENT</a>`);
    expect(html).toContain("canon/agreement.md:5");
    expect(html).toContain(`<code>notes/todo.md</code>`);
    expect(html).toContain(`before <code class="hash">${H1}</code><br>after <code class="hash">${H2}</code>`);
    expect(html).toContain(`<button type="button" data-diff="1" aria-label="Open diff of out/result.md">Open diff</button>`);
    expect(html).not.toContain(`data-diff="0"`);
    expect(html).toContain(`<tr><th scope="row">Previous receipt hash</th><td><code class="hash">${H3}</code></td></tr>`);
    expect(html).toContain(`<tr><th scope="row">Receipt hash</th><td><code class="hash">${H2}</code></td></tr>`);
    expect(html).toContain("Expanded items (2)");
  });

  it("escapes markup in every field", () => {
    const evil = `<script>alert("x")</script>`;
    const escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;";
    const view = receipt({
      receiptId: evil,
      stepId: evil,
      jobId: evil,
      runId: evil,
      workerId: evil,
      createdAt: evil,
      prevReceiptHash: evil,
      receiptHash: evil,
      receipt: {
        op: evil,
        status: evil,
        expanded: [{ kind: evil, id: evil, slice: evil, section_id: evil, content_hash: evil, bytes: 1, cache_hit: true }],
        actions: [{ type: evil, target: evil, status: evil, before_hash: evil, after_hash: evil, result: { output: evil } }],
        outputs: { [evil]: evil, nested: { value: evil } },
        error: { code: evil, message: evil },
        timings: { started_at: evil },
        metrics: { [evil]: 1 },
      },
      locations: [{ id: evil, file: evil, lineStart: 0, lineEnd: 1 }],
    });
    const html = renderReceiptPage(view, NONCE, CSP_SOURCE);
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toContain("<script>alert");
    expect(html.split(escaped).length - 1).toBeGreaterThanOrEqual(20);
    expect(html).toContain('\\&quot;x\\&quot;'); // JSON-encoded values are escaped too
  });

  it("renders a failed receipt's error", () => {
    const view = receipt({ outcome: "FAILURE", receipt: { ...receipt().receipt, status: "FAILURE", error: { code: "CAT_TEST_FAILED", message: "exit 1" } } });
    expect(renderReceiptPage(view, NONCE, CSP_SOURCE)).toContain(`<p class="error" id="receipt-error"><strong>CAT_TEST_FAILED</strong>: exit 1</p>`);
  });
});

describe("receipt data", () => {
  it("links expansions to locations by id, or by position when every item has one", () => {
    expect(receiptExpansions(receipt()).map((item) => item.locationIndex)).toEqual([0, undefined]);
    const byPosition = receipt({ locations: [{ id: "x", file: "a.md", lineStart: 0, lineEnd: 1 }, { id: "y", file: "b.md", lineStart: 2, lineEnd: 3 }] });
    expect(receiptExpansions(byPosition).map((item) => item.locationIndex)).toEqual([0, 1]);
  });

  it("reads write hashes from actions", () => {
    expect(receiptActions(receipt())[1]).toEqual({ type: "WRITE", target: "out/result.md", status: "SUCCESS", beforeHash: H1, afterHash: H2, priorContentRef: H1, result: undefined });
  });

  it("accepts only messages that point into this receipt", () => {
    const view = receipt();
    expect(parseReceiptMessage({ type: "openSection", location: 0 }, view)).toEqual({ type: "openSection", location: 0 });
    expect(parseReceiptMessage({ type: "openSection", location: 1 }, view)).toBeUndefined();
    expect(parseReceiptMessage({ type: "openSection", location: "0" }, view)).toBeUndefined();
    expect(parseReceiptMessage({ type: "openDiff", action: 1 }, view)).toEqual({ type: "openDiff", action: 1 });
    expect(parseReceiptMessage({ type: "openDiff", action: 0 }, view)).toBeUndefined();
    expect(parseReceiptMessage({ type: "runCommand", command: "rm" }, view)).toBeUndefined();
    expect(parseReceiptMessage(null, view)).toBeUndefined();
  });
});
