import { describe, expect, it } from "vitest";
import { OUTCOMES } from "../protocol.js";
import { TOKENIZER } from "../tokens.js";
import { ReceiptSchema, ReceiptStatusSchema, hasTokenMetrics, type ReceiptInput } from "./receipt.js";
import { schemaProblems } from "./validate.js";

const H1 = "1".repeat(64);
const H2 = "2".repeat(64);
const timings = { started_at: "2026-01-02T03:04:05.000Z", finished_at: "2026-01-02T03:04:05.120Z", duration_ms: 120 };
// The legacy shape (receipts written before token metrics) must keep reading.
const metrics = { bytes_expanded: 0, expansions: 0, cache_hits: 0, estimated_tokens: 0 };
const tokenMetrics = {
  tokens_in: 12,
  tokens_out: 3,
  tokens_reused: 0,
  bytes_expanded: 42,
  expansions: 1,
  cache_hits: 0,
  reused: 0,
  search_k: null,
  tokenizer: { ...TOKENIZER },
};

const patchReceipt: ReceiptInput = {
  run_id: "run-1",
  job_id: "job-1",
  step_id: "step_0123456789abcdef",
  op: "PATCH_FILE",
  status: "SUCCESS",
  worker_id: "ant-1",
  fencing_token: 2,
  expanded: [{ kind: "file", id: "src/a.ts", slice: "head(4000)", content_hash: H1, bytes: 42, cache_hit: false }],
  actions: [{ type: "WRITE", target: "src/a.ts", status: "SUCCESS", before_hash: H1, after_hash: H2, prior_content_ref: H1 }],
  outputs: { files_modified: ["src/a.ts"] },
  timings,
  metrics: { bytes_expanded: 42, expansions: 1, cache_hits: 0, estimated_tokens: 11 },
};

function problems(value: unknown) {
  const result = ReceiptSchema.safeParse(value);
  return result.success ? [] : schemaProblems(result.error.issues);
}

describe("ReceiptSchema", () => {
  it("accepts a write receipt unchanged", () => {
    expect(ReceiptSchema.parse(patchReceipt)).toEqual(patchReceipt);
  });

  it("accepts a NOTE receipt without expansions, actions or outputs and fills them with empties", () => {
    const note = { run_id: "r", job_id: "j", step_id: "s", op: "NOTE", status: "SUCCESS", worker_id: "w", fencing_token: 0, timings, metrics };
    expect(ReceiptSchema.parse(note)).toEqual({ ...note, expanded: [], actions: [], outputs: {} });
  });

  it("requires an error on a FAILURE receipt and accepts one that has it", () => {
    expect(problems({ ...patchReceipt, status: "FAILURE" })).toEqual([{ path: "$.error", message: "a FAILURE receipt must say why (error)" }]);
    const failed = { ...patchReceipt, status: "FAILURE", error: { code: "CAT_PATCH_HASH_MISMATCH", message: "file changed" } };
    expect(ReceiptSchema.parse(failed).error?.code).toBe("CAT_PATCH_HASH_MISMATCH");
  });

  it("reports bad nested fields at their JSON paths", () => {
    const bad = {
      ...patchReceipt,
      status: "DONE",
      fencing_token: -1,
      expanded: [{ kind: "blob", id: "x", content_hash: "nothex", bytes: 1, cache_hit: "no" }],
      actions: [{ type: "WRITE", target: "a", status: "PARTIAL" }],
      error: { code: "oops", message: "m" },
      timings: { ...timings, started_at: "yesterday" },
      metrics: { ...metrics, tokens: 3 },
    };
    expect(problems(bad)).toEqual([
      { path: "$.status", message: expect.stringContaining("SUCCESS") },
      { path: "$.fencing_token", message: expect.stringContaining(">=0") },
      { path: "$.expanded[0].kind", message: expect.stringContaining("symbol") },
      { path: "$.expanded[0].content_hash", message: "expected 64 lower-case hex digits (sha256)" },
      { path: "$.expanded[0].cache_hit", message: "Invalid input: expected boolean, received string" },
      { path: "$.actions[0].status", message: expect.stringContaining("FAILURE") },
      { path: "$.error.code", message: "expected a CAT_ error code" },
      { path: "$.timings.started_at", message: "Invalid ISO datetime" },
      { path: "$.metrics.tokens", message: "unknown field" },
    ]);
  });

  it("rejects an unbounded slice in an expansion record", () => {
    const expanded = [{ kind: "symbol", id: "@A/b", slice: "ALL", content_hash: H1, bytes: 1, cache_hit: true }];
    expect(problems({ ...patchReceipt, expanded })).toEqual([
      { path: "$.expanded[0].slice", message: expect.stringMatching(/^CAT_SLICE_ALL_FORBIDDEN: /) },
    ]);
  });

  it("accepts token metrics with per-expansion tokens, reuse and file path", () => {
    const expanded = [{ kind: "section", id: H1, section_id: H1, file_path: "a.md", slice: "lines[0:2]", content_hash: H2, bytes: 42, cache_hit: false, tokens: 12, reused: false }];
    const receipt = ReceiptSchema.parse({ ...patchReceipt, expanded, metrics: tokenMetrics });
    expect(receipt.metrics).toEqual(tokenMetrics);
    expect(hasTokenMetrics(receipt.metrics)).toBe(true);
    expect(hasTokenMetrics(ReceiptSchema.parse(patchReceipt).metrics)).toBe(false);
  });

  it("requires every token metric once one is there, and reports against the closest shape", () => {
    const { search_k: _k, reused: _r, ...partial } = tokenMetrics;
    expect(problems({ ...patchReceipt, metrics: partial })).toEqual([
      { path: "$.metrics.reused", message: expect.stringContaining("expected number") },
      { path: "$.metrics.search_k", message: expect.stringContaining("expected number") },
    ]);
    expect(problems({ ...patchReceipt, metrics: { ...tokenMetrics, estimated_tokens: 3 } })).toEqual([{ path: "$.metrics.estimated_tokens", message: "unknown field" }]);
  });

  it("is strict at the top level", () => {
    expect(problems({ ...patchReceipt, lease_owner: "x" })).toEqual([{ path: "$.lease_owner", message: "unknown field" }]);
  });

  it("speaks the ledger's outcome vocabulary: SUCCESS, FAILURE, ABORTED (one list, OUTCOMES)", () => {
    expect(ReceiptStatusSchema.options).toEqual([...OUTCOMES]);
    expect(ReceiptSchema.safeParse({ ...patchReceipt, status: "ABORTED" }).success).toBe(true);
    expect(problems({ ...patchReceipt, status: "PARTIAL" })).toEqual([{ path: "$.status", message: expect.stringContaining("ABORTED") }]);
  });
});
