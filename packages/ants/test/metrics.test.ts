// Receipt completeness: every receipt the ants write carries every per-step metric (docs/economy.md), and reuse
// is counted across the jobs of one run.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ReceiptTokenMetricsSchema, hasTokenMetrics, loadTokenCounter, sha256Hex } from "@catalytic/core";
import { runWorker } from "../src/index.js";
import { makeWorkspace, postRawSteps, postRequest, receiptsOf } from "./helpers.js";

const work = (root: string, runId: string, jobId: string) =>
  runWorker({ root, runId, jobId, workerId: "ant-metrics", continueOnFail: true, idlePolls: 2, pollIntervalMs: 10 });

const METRICS = Object.keys(ReceiptTokenMetricsSchema.shape).sort();

describe("receipt metrics", () => {
  it("every receipt of every op has every metric, and every expansion its tokens, reuse flag and file", async () => {
    const { root } = makeWorkspace();
    const readme = readFileSync(path.join(root, "README.md"));
    const { jobId } = postRequest(root, {
      run_id: "r",
      request_id: "all-ops",
      inputs: { symbols: ["@TEST/example"], files: ["README.md"], notes: ["a note"] },
      ops: [
        { op: "PATCH_FILE", file_path: "README.md", file_hash: sha256Hex(readme), patch_start_line: 3, patch_end_line: 3, content: "line three" },
        { op: "WRITE_FILE", file_path: "out/new.md", content: "# New\n\nwritten by the run\n" },
        { op: "RUN_TEST", test_name: "unit" },
        { op: "RUN_TEST", test_name: "failing" },
      ],
    });
    await work(root, "r", jobId);
    const receipts = receiptsOf(root, jobId);
    expect(receipts.map((r) => r.op).sort()).toEqual(["NOTE", "PATCH_FILE", "READ_FILE", "READ_SYMBOL", "RUN_TEST", "RUN_TEST", "WRITE_FILE"]);
    const counter = await loadTokenCounter();
    for (const receipt of receipts) {
      expect(Object.keys(receipt.metrics).sort(), receipt.op).toEqual(METRICS);
      expect(hasTokenMetrics(receipt.metrics)).toBe(true);
      for (const expansion of receipt.expanded) expect(expansion).toMatchObject({ tokens: expect.any(Number), reused: expect.any(Boolean), file_path: expect.any(String) });
    }
    const byOp = (op: string) => receipts.filter((r) => r.op === op).map((r) => r.metrics as Record<string, unknown>);
    expect(byOp("WRITE_FILE")[0]).toMatchObject({ tokens_in: 0, tokens_out: counter.count("# New\n\nwritten by the run\n") });
    // A patch reads exactly the lines it replaces.
    expect(byOp("PATCH_FILE")[0]).toMatchObject({ tokens_out: counter.count("line three"), tokens_in: counter.count("line 3\n"), bytes_expanded: 7, expansions: 1 });
    expect(receipts.find((r) => r.op === "PATCH_FILE")!.expanded).toEqual([
      { kind: "file", id: "README.md", file_path: "README.md", slice: "lines[2:3]", content_hash: sha256Hex("line 3\n"), bytes: 7, cache_hit: false, tokens: counter.count("line 3\n"), reused: false },
    ]);
    expect(byOp("READ_FILE")[0]).toMatchObject({ tokens_in: counter.count(readme.toString("utf8")), tokens_out: 0, search_k: null });
    for (const test of byOp("RUN_TEST")) expect(test.tokens_out).toBeGreaterThan(0);
  });

  it("content another job of the run expanded is reused; another run starts afresh; search_k comes from the step", async () => {
    const { root } = makeWorkspace();
    const first = postRequest(root, { run_id: "r", request_id: "one", inputs: { files: ["README.md"] } });
    await work(root, "r", first.jobId);
    const again = postRawSteps(root, "r", "two", [{ op: "READ_FILE", refs: { file_path: "README.md", search_k: 5 } }]);
    await work(root, "r", again.jobId);
    const other = postRequest(root, { run_id: "r2", request_id: "one", inputs: { files: ["README.md"] } });
    await work(root, "r2", other.jobId);
    const [firstRead] = receiptsOf(root, first.jobId);
    const [reread] = receiptsOf(root, again.jobId);
    const [otherRun] = receiptsOf(root, other.jobId);
    expect(firstRead!.metrics).toMatchObject({ reused: 0, tokens_reused: 0 });
    const tokens = (firstRead!.metrics as { tokens_in: number }).tokens_in;
    expect(reread!.metrics).toMatchObject({ reused: 1, tokens_reused: tokens, tokens_in: tokens, search_k: 5 });
    expect(otherRun!.metrics).toMatchObject({ reused: 0, tokens_reused: 0 });
  });
});
