// Both webviews, rendered with content that tries to pull remote resources: the pages must load nothing from the
// network, carry one strict CSP, run only nonce'd script and style, and take every colour from VS Code's theme.
import { describe, expect, it } from "vitest";
import type { JobProgress, ReceiptView, StepSummary } from "@catalytic/core/protocol";
import { renderReceiptPage } from "./receipt-html.js";
import { renderRunPanelPage } from "./run-panel-html.js";

const NONCE = "c2VjdXJpdHktdGVzdC1ub25jZQ==";
// What VS Code passes as webview.cspSource: the webview's own resource origin, the only host allowed.
const CSP_SOURCE = "https://*.vscode-cdn.net";
const HOSTILE = `https://evil.example/x.png" onerror="alert(1)<img src="http://evil.example/y.png"><link rel="stylesheet" href="https://evil.example/z.css">`;

const progress: JobProgress = {
  jobId: "job_01",
  runId: "run_demo",
  counts: { pending: 0, leased: 0, committed: 1, success: 0, failure: 1, aborted: 0 },
  total: 1,
  workers: [{ workerId: HOSTILE, committed: 1, current: HOSTILE }],
  bytesExpanded: 10,
  tokensExpanded: 3,
  savings: { baselineTokens: 40, ratio: 0.075 },
  startedAt: "2026-11-21T10:00:00.000Z",
  elapsedMs: 10,
  failures: [{ stepId: "step_a", op: "READ_FILE", label: HOSTILE, error: HOSTILE }],
  done: true,
};
const steps: StepSummary[] = [
  { stepId: "step_a", jobId: "job_01", ordinal: 1, op: "READ_FILE", label: HOSTILE, status: "COMMITTED", outcome: "FAILURE", leaseOwner: null, fencingToken: 1, receiptId: "rcpt_1", dependsOn: [] },
];
const receipt: ReceiptView = {
  receiptId: "rcpt_1",
  stepId: "step_a",
  jobId: "job_01",
  runId: "run_demo",
  workerId: HOSTILE,
  fencingToken: 1,
  outcome: "FAILURE",
  receipt: {
    op: "READ_FILE",
    expanded: [{ kind: "file", id: HOSTILE, slice: "head(10)", content_hash: "a".repeat(64), bytes: 10 }],
    actions: [{ type: "WRITE", target: HOSTILE, before_hash: "b".repeat(64), after_hash: "c".repeat(64) }],
    outputs: { url: HOSTILE },
    error: { code: "CAT_FILE_NOT_FOUND", message: HOSTILE },
  },
  prevReceiptHash: null,
  receiptHash: "d".repeat(64),
  createdAt: "2026-11-21T10:00:00.100Z",
  locations: [{ id: HOSTILE, file: HOSTILE, lineStart: 0, lineEnd: 1 }],
};

const pages = {
  "run panel": renderRunPanelPage({ progress, steps, execution: { state: "finished", exitCode: 1 } }, NONCE, CSP_SOURCE),
  receipt: renderReceiptPage(receipt, NONCE, CSP_SOURCE),
};

/** The directives of the page's one CSP meta tag. */
function policyOf(html: string): Map<string, string[]> {
  const metas = [...html.matchAll(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)">/g)];
  expect(metas).toHaveLength(1);
  const content = metas[0]![1]!.replace(/&#39;/g, "'");
  return new Map(content.split(";").map((part) => part.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
}

describe.each(Object.entries(pages))("%s webview", (_name, html) => {
  it("has a strict content security policy before anything else in <head>", () => {
    expect(html.indexOf("Content-Security-Policy")).toBeLessThan(html.indexOf("<style"));
    const policy = policyOf(html);
    expect(policy.get("default-src")).toEqual(["'none'"]);
    expect(policy.get("script-src")).toEqual([`'nonce-${NONCE}'`]);
    expect(policy.get("style-src")).toEqual([CSP_SOURCE, `'nonce-${NONCE}'`]);
    for (const name of ["connect-src", "frame-src", "form-action", "base-uri"]) expect(policy.get(name), name).toEqual(["'none'"]);
    // The only host any directive names is the webview's own resource origin.
    for (const [name, values] of policy) {
      for (const value of values) {
        expect(value, `${name} ${value}`).not.toMatch(/unsafe-|^\*$|^https?:$/);
        if (value === "data:") expect(name).toBe("img-src");
        if (/^https?:/.test(value)) expect(value, name).toBe(CSP_SOURCE);
      }
    }
  });

  it("loads no remote resource, whatever the data says", () => {
    // No element attribute, CSS url() or @import points at the network: hostile text is escaped into plain text.
    const sources = [...html.matchAll(/<[a-z]+\s[^>]*?\b(?:src|href|srcset|action|poster|data)\s*=\s*"([^"]*)"/gi)].map((match) => match[1]!);
    for (const source of sources) expect(source, source).not.toMatch(/^\s*(https?:|\/\/)/i);
    expect(html).not.toMatch(/url\(\s*['"]?\s*(https?:|\/\/)/i);
    expect(html).not.toMatch(/@import/i);
    expect(html).not.toMatch(/<(img|link|iframe|object|embed|video|audio|source)\b/i);
    expect(html).toContain("https://evil.example/x.png&quot; onerror=&quot;alert(1)&lt;img");
  });

  it("runs only nonce'd script and style, with no inline handlers or style attributes", () => {
    expect([...html.matchAll(/<script\b[^>]*>/g)].map((match) => match[0])).toEqual([`<script nonce="${NONCE}">`]);
    expect([...html.matchAll(/<style\b[^>]*>/g)].map((match) => match[0])).toEqual([`<style nonce="${NONCE}">`]);
    // Attribute values are escaped text (a title may say "onerror="): look at attribute names only.
    const tags = [...html.matchAll(/<[a-z][^>]*>/gi)].map((match) => match[0].replace(/"[^"]*"/g, '""'));
    for (const tag of tags) expect(tag, tag).not.toMatch(/\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/\sstyle="/);
  });

  it("takes every colour from the VS Code theme", () => {
    const css = [...html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)].map((match) => match[1]).join("\n");
    expect(css).toContain("var(--vscode-foreground)");
    expect(css).toContain("var(--vscode-editor-background)");
    // No hard-coded colour: light, dark and high-contrast themes all apply.
    expect(css.replace(/--vscode-[\w-]+/g, "--vscode-x")).not.toMatch(/#[0-9a-f]{3,8}\b|rgba?\(|hsla?\(|\b(black|red|green|blue|gray|grey)\b|:\s*white\b/i);
    for (const declaration of css.matchAll(/(?:^|[;{\s])(color|background|background-color|border(?:-(?:top|bottom|left|right))?(?:-color)?)\s*:\s*([^;}]+)/g)) {
      const value = declaration[2]!;
      if (/none|inherit|transparent/.test(value) && !/var\(/.test(value)) continue;
      expect(value, `${declaration[1]}: ${value}`).toMatch(/var\(--vscode-/);
    }
  });
});
