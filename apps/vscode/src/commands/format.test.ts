import { describe, expect, it } from "vitest";
import { bundleSummary, resolvedDocument, storedPlanDocument } from "./format.js";

describe("resolvedDocument", () => {
  it("puts where the payload came from above it, with 1-based lines", () => {
    const text = resolvedDocument({
      symbolId: "@SPEC/scope",
      sectionId: "b".repeat(64),
      file: "canon/agreement.md",
      lineStart: 4,
      lineEnd: 8,
      headingPath: ["Agreement", "Scope"],
      slice: "head(4000)",
      sliceSource: "config_default",
      contentHash: "a".repeat(64),
      bytes: 89,
      payload: "## Scope\n\nThe scope covers compact references.\n",
      cacheHit: true,
    });
    expect(text).toBe(
      [
        "<!-- @SPEC/scope -> canon/agreement.md lines 5-8 (Agreement > Scope)",
        `     slice head(4000) (config_default), 89 bytes, content ${"a".repeat(64)}, cache hit -->`,
        "## Scope",
        "",
        "The scope covers compact references.",
        "",
      ].join("\n"),
    );
  });

  it("omits the heading path of a whole file", () => {
    const text = resolvedDocument({ symbolId: "@CANON/glossary", sectionId: "c", file: "canon/glossary.md", lineStart: 0, lineEnd: 3, headingPath: [], slice: "lines[0:2]", sliceSource: "explicit", contentHash: "d", bytes: 10, payload: "x", cacheHit: false });
    expect(text.split("\n")[0]).toBe("<!-- @CANON/glossary -> canon/glossary.md lines 1-3");
    expect(text.split("\n")[1]).toBe("     slice lines[0:2] (explicit), 10 bytes, content d -->");
  });
});

describe("storedPlanDocument", () => {
  it("shows the job, the verified plan hash, the stored request and the plan", () => {
    const step = { step_id: "step_0123456789abcdef", ordinal: 1, op: "NOTE", refs: { message: "hi" }, depends_on: [] };
    const text = storedPlanDocument({
      jobId: "job_1",
      runId: "run_1",
      messageId: "msg_1",
      request: { run_id: "run_1", request_id: "req_1", intent: "say hi", inputs: { notes: ["hi"] } },
      plan: { run_id: "run_1", request_id: "req_1", plan_hash: "f".repeat(64), steps: [step] },
      planHashMatches: true,
      createdAt: "2026-01-01T00:00:00.000Z",
    });
    const parsed = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(["job_id", "run_id", "message_id", "posted_at", "plan_hash", "plan_hash_verified", "plan", "request"]);
    expect(parsed.plan_hash).toBe("f".repeat(64));
    expect(parsed.plan_hash_verified).toBe(true);
    expect((parsed.request as { intent: string }).intent).toBe("say hi");
    expect((parsed.plan as { steps: unknown[] }).steps).toEqual([step]);
    expect(text.endsWith("}\n")).toBe(true);
  });
});

describe("bundleSummary", () => {
  it("says items, tokens against the budget and the whole-file baseline", () => {
    const bundle = {
      bundle_id: "bundle_0123456789abcdef",
      bundle_hash: "c".repeat(64),
      items: [{}, {}],
      tokens_total: 240,
      budgets: { max_tokens: 4000, max_items: 12, max_tokens_per_item: 1000 },
      baseline: { files: ["a.md"], tokens: 1800 },
    };
    expect(bundleSummary(bundle)).toBe("bundle_0123456789abcdef: 2 items, 240 of 4000 tokens (whole files: 1800).");
    expect(bundleSummary({ ...bundle, items: [{}] })).toBe("bundle_0123456789abcdef: 1 item, 240 of 4000 tokens (whole files: 1800).");
  });
});
