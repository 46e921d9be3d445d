import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { TOKENIZER, loadTokenCounter, sha256Hex } from "@catalytic/core";
import { casGet } from "../src/cas.js";
import { patchLines } from "../src/executors/patch-file.js";
import { OUTPUT_TAIL_BYTES } from "../src/executors/run-test.js";
import { runWorker } from "../src/index.js";
import { GUIDE, makeWorkspace, postRawSteps, postRequest, receiptsOf, withCassette } from "./helpers.js";

const work = (root: string, runId: string, jobId: string, extra: Record<string, unknown> = {}) =>
  runWorker({ root, runId, jobId, workerId: "ant-test", continueOnFail: true, idlePolls: 2, pollIntervalMs: 10, ...extra });

describe("patchLines", () => {
  const text = Buffer.from("one\ntwo\nthree\n");
  it("replaces an inclusive 1-based range and keeps the next line on its own", () => {
    expect(patchLines(text, 2, 2, "TWO").toString()).toBe("one\nTWO\nthree\n");
    expect(patchLines(text, 1, 3, "all\n").toString()).toBe("all\n");
    expect(patchLines(text, 2, 3, "").toString()).toBe("one\n");
    expect(patchLines(Buffer.from("a\nb"), 2, 2, "B").toString()).toBe("a\nB");
  });
  it("keeps bytes outside the range exactly, CRLF and non-UTF-8 included", () => {
    const raw = Buffer.from([0xff, 0x0d, 0x0a, 0x41, 0x0a, 0xfe]);
    expect([...patchLines(raw, 2, 2, "Z")]).toEqual([0xff, 0x0d, 0x0a, 0x5a, 0x0a, 0xfe]);
  });
  it("rejects a range outside the file", () => {
    expect(() => patchLines(text, 3, 4, "x")).toThrow(expect.objectContaining({ code: "CAT_SLICE_OUT_OF_BOUNDS" }));
  });
});

describe("executors: receipts record what was expanded and done", () => {
  it("READ_SYMBOL, READ_SECTION, READ_FILE, NOTE: expansions with slice, hashes, bytes, cache hits and metrics", async () => {
    const { root } = makeWorkspace();
    const readme = readFileSync(path.join(root, "README.md"));
    const { jobId, plan } = postRequest(root, { run_id: "r", request_id: "q", inputs: { symbols: ["@TEST/example", "@TEST/example"], files: ["README.md"], notes: ["remember"] } });
    const result = await work(root, "r", jobId);
    expect(result).toMatchObject({ exitCode: 0, executed: 4, failed: 0, stoppedBecause: "done" });
    const receipts = receiptsOf(root, jobId);
    expect(receipts.map((r) => [r.op, r.status])).toEqual([
      ["READ_SYMBOL", "SUCCESS"],
      ["READ_SYMBOL", "SUCCESS"],
      ["READ_FILE", "SUCCESS"],
      ["NOTE", "SUCCESS"],
    ]);
    const payload = GUIDE.split("\n").slice(0, 4).join("\n") + "\n";
    const [first, second, file, note] = receipts;
    const counter = await loadTokenCounter();
    const tokens = counter.count(payload);
    expect(tokens).toBeGreaterThan(0);
    expect(first!.expanded).toEqual([
      {
        kind: "symbol",
        id: "@TEST/example",
        slice: "lines[0:4]",
        section_id: expect.stringMatching(/^[0-9a-f]{64}$/),
        file_path: "guide.md",
        content_hash: sha256Hex(payload),
        bytes: Buffer.byteLength(payload),
        cache_hit: false,
        tokens,
        reused: false,
      },
    ]);
    expect(second!.expanded[0]).toMatchObject({ cache_hit: true, reused: true, tokens });
    // The second read of the same content in the run is reused: its tokens are in tokens_in and tokens_reused.
    expect(second!.metrics).toEqual({
      tokens_in: tokens,
      tokens_out: 0,
      tokens_reused: tokens,
      bytes_expanded: Buffer.byteLength(payload),
      expansions: 1,
      cache_hits: 1,
      reused: 1,
      search_k: null,
      tokenizer: TOKENIZER,
    });
    expect(first!.metrics).toMatchObject({ tokens_in: tokens, tokens_reused: 0, reused: 0 });
    expect(note!.metrics).toMatchObject({ tokens_in: 0, tokens_out: counter.count("remember") });
    expect(first!).toMatchObject({ run_id: "r", job_id: jobId, step_id: plan.steps[0]!.step_id, worker_id: "ant-test", fencing_token: expect.any(Number) });
    expect(file!.expanded).toEqual([
      { kind: "file", id: "README.md", file_path: "README.md", content_hash: sha256Hex(readme), bytes: readme.length, cache_hit: false, tokens: counter.count(readme.toString("utf8")), reused: false },
    ]);
    expect(first!.outputs.payload_ref).toBe(`cas/${sha256Hex(payload).slice(0, 2)}/${sha256Hex(payload).slice(2, 4)}/${sha256Hex(payload)}`);
    expect(readFileSync(path.join(root, ".catalytic", first!.outputs.payload_ref as string), "utf8")).toBe(payload);
    expect(note!.outputs).toEqual({ message: "remember" });
    expect(note!.timings.duration_ms).toBeGreaterThanOrEqual(0);
  });

  it("READ_SECTION reads the configured bound of a section", async () => {
    const { root } = makeWorkspace({ default_slice: "head(10)" });
    const { Index } = await import("@catalytic/indexer");
    const index = Index.open(root);
    const install = index.getSymbol("@TEST/example")!.sectionId!;
    index.close();
    const { jobId } = postRequest(root, { run_id: "r", request_id: "q", inputs: { sections: [install] } });
    await work(root, "r", jobId);
    const [receipt] = receiptsOf(root, jobId);
    expect(receipt!.expanded[0]).toMatchObject({ kind: "section", id: install, slice: "head(10)", bytes: 10, content_hash: sha256Hex(GUIDE.slice(0, 10)) });
  });

  it("WRITE_FILE and PATCH_FILE: before/after hashes, prior content in the CAS, atomic result", async () => {
    const { root } = makeWorkspace();
    const before = readFileSync(path.join(root, "README.md"));
    const { jobId } = postRequest(root, {
      run_id: "r",
      request_id: "q",
      ops: [
        { op: "PATCH_FILE", file_path: "README.md", file_hash: sha256Hex(before), patch_start_line: 3, patch_end_line: 3, content: "patched" },
        { op: "WRITE_FILE", file_path: "docs/new.md", content: "new\n" },
      ],
    });
    expect((await work(root, "r", jobId)).exitCode).toBe(0);
    const after = readFileSync(path.join(root, "README.md"), "utf8");
    expect(after).toBe("# Readme\n\npatched\nline 4\n");
    const [patch, write] = receiptsOf(root, jobId);
    expect(patch!.actions).toEqual([
      {
        type: "WRITE",
        target: "README.md",
        status: "SUCCESS",
        before_hash: sha256Hex(before),
        prior_content_ref: sha256Hex(before),
        after_hash: sha256Hex(after),
        result: { bytes: Buffer.byteLength(after), after_content_ref: sha256Hex(after), created_dirs: [] },
      },
    ]);
    expect(casGet(root, sha256Hex(before))?.equals(before)).toBe(true);
    expect(write!.actions[0]).toMatchObject({ target: "docs/new.md", after_hash: sha256Hex("new\n"), result: { created_dirs: ["docs"] } });
    expect(write!.actions[0]!.before_hash).toBeUndefined();
  });

  it("PATCH_FILE refuses a file whose hash changed (CAT_PATCH_HASH_MISMATCH) and leaves it alone", async () => {
    const { root } = makeWorkspace();
    const hash = sha256Hex(readFileSync(path.join(root, "README.md")));
    const { jobId } = postRequest(root, { run_id: "r", request_id: "q", ops: [{ op: "PATCH_FILE", file_path: "README.md", file_hash: hash, patch_start_line: 1, patch_end_line: 1, content: "x" }] });
    writeFileSync(path.join(root, "README.md"), "edited meanwhile\n");
    expect((await work(root, "r", jobId)).exitCode).toBe(1);
    const [receipt] = receiptsOf(root, jobId);
    expect(receipt!.status).toBe("FAILURE");
    expect(receipt!.error!.code).toBe("CAT_PATCH_HASH_MISMATCH");
    expect(readFileSync(path.join(root, "README.md"), "utf8")).toBe("edited meanwhile\n");
  });

  it("RUN_TEST: exit code and output tail; failures, timeouts and 4 KB tails", async () => {
    const { root } = makeWorkspace();
    const { jobId } = postRequest(root, {
      run_id: "r",
      request_id: "q",
      ops: ["unit", "failing", "slow", "chatty"].map((test_name) => ({ op: "RUN_TEST", test_name })),
    });
    const result = await work(root, "r", jobId);
    expect(result).toMatchObject({ exitCode: 1, executed: 4, failed: 2 });
    const [unit, failing, slow, chatty] = receiptsOf(root, jobId);
    expect(unit!.status).toBe("SUCCESS");
    expect(unit!.outputs).toEqual({ exit_code: 0, output_tail: "unit ok\n" });
    expect(failing!.error).toEqual({ code: "CAT_TEST_FAILED", message: "test failing exited with code 3" });
    expect(failing!.actions[0]!.result).toMatchObject({ exit_code: 3, timed_out: false, output_tail: "boom\n" });
    expect(slow!.error).toEqual({ code: "CAT_TEST_FAILED", message: "test slow timed out after 1 s" });
    const tail = chatty!.outputs.output_tail as string;
    expect(Buffer.byteLength(tail)).toBe(OUTPUT_TAIL_BYTES);
    expect(tail.endsWith("xEND")).toBe(true);
  });

  it("job budget: a read that would exceed the job's max_bytes fails with a receipt that says so", async () => {
    const { root } = makeWorkspace();
    const readme = readFileSync(path.join(root, "README.md")).length;
    const { jobId } = postRawSteps(root, "r", "q", [{ op: "READ_FILE", refs: { file_path: "README.md" } }, { op: "READ_FILE", refs: { file_path: "README.md" } }], {
      maxBytes: readme + 1,
      maxSymbols: null,
    });
    expect((await work(root, "r", jobId)).exitCode).toBe(1);
    const [ok, over] = receiptsOf(root, jobId);
    expect(ok!.status).toBe("SUCCESS");
    expect(over!.status).toBe("FAILURE");
    expect(over!.error!.code).toBe("CAT_BUDGET_EXCEEDED");
    expect(over!.expanded).toEqual([]);
  });

  it("job budget in a batch of reads: charged in the commit, each read over budget fails without its expansion; a stopping ant finishes the reads it holds", async () => {
    const reads = Array.from({ length: 64 }, () => ({ op: "READ_FILE", refs: { file_path: "README.md" } }));
    for (const continueOnFail of [false, true]) {
      const { root } = makeWorkspace();
      const readme = readFileSync(path.join(root, "README.md")).length;
      const { jobId } = postRawSteps(root, "r", `q-${continueOnFail}`, reads, { maxBytes: 3 * readme + 1, maxSymbols: null });
      const result = await work(root, "r", jobId, { continueOnFail });
      expect(result).toMatchObject({ exitCode: 1, stoppedBecause: continueOnFail ? "done" : "failure" });
      const receipts = receiptsOf(root, jobId);
      // Claims grow 1, 2, 4 ...: the 4th read breaches the budget inside a batch; a stopping ant commits the reads
      // it holds after it (more than 4 receipts) instead of stranding their leases, and claims no more.
      const count = continueOnFail ? reads.length : receipts.length;
      if (!continueOnFail) expect(count).toBeGreaterThan(4);
      expect(receipts.map((r) => r.status)).toEqual([...Array(3).fill("SUCCESS"), ...Array(count - 3).fill("FAILURE")]);
      for (const over of receipts.slice(3)) {
        expect(over.error!.code).toBe("CAT_BUDGET_EXCEEDED");
        expect(over.expanded).toEqual([]);
        expect(over.metrics.bytes_expanded).toBe(0);
      }
      const status = withCassette(root, (cassette) => cassette.jobStatus(jobId));
      expect(status).toMatchObject({ bytesUsed: 3 * readme, leased: 0, pending: reads.length - count });
    }
  });

  it("a job with side effects is claimed one step at a time: after a failed read, its write does not happen", async () => {
    const { root } = makeWorkspace();
    const { jobId } = postRawSteps(root, "r", "q", [
      { op: "READ_FILE", refs: { file_path: "missing.md" } },
      { op: "WRITE_FILE", refs: { file_path: "docs/new.md", content: "new\n" } },
    ]);
    const result = await work(root, "r", jobId, { continueOnFail: false });
    expect(result).toMatchObject({ exitCode: 1, executed: 1, stoppedBecause: "failure" });
    expect(existsSync(path.join(root, "docs", "new.md"))).toBe(false);
    expect(withCassette(root, (cassette) => cassette.jobStatus(jobId))).toMatchObject({ committed: 1, leased: 0, pending: 1 });
  });

  it("step budget: a file larger than budgets.step.max_bytes_expanded is not read", async () => {
    const { root } = makeWorkspace({ budgets: { step: { max_bytes_expanded: 5 } } });
    const { jobId } = postRequest(root, { run_id: "r", request_id: "q", inputs: { files: ["README.md"] } });
    await work(root, "r", jobId);
    const [receipt] = receiptsOf(root, jobId);
    expect(receipt!.error!.code).toBe("CAT_BUDGET_EXCEEDED");
    expect(receipt!.error!.message).toContain("max_bytes_expanded = 5");
  });

  it("a file removed after planning is CAT_FILE_NOT_FOUND in the receipt", async () => {
    const { root } = makeWorkspace();
    writeFileSync(path.join(root, "gone.md"), "soon gone\n");
    const { jobId } = postRequest(root, { run_id: "r", request_id: "q", inputs: { files: ["gone.md"] } });
    await import("node:fs").then((fs) => fs.unlinkSync(path.join(root, "gone.md")));
    await work(root, "r", jobId);
    expect(receiptsOf(root, jobId)[0]!.error!.code).toBe("CAT_FILE_NOT_FOUND");
    expect(existsSync(path.join(root, "gone.md"))).toBe(false);
  });
});
