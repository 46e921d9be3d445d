// buildReport over real runs: totals are the receipts' metrics, the baseline is the whole files touched (prior
// content from the CAS for files the run wrote over), legacy receipts still read and verify, output is deterministic.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ReceiptSchema, loadTokenCounter, planHash, sha256Hex, stepId, type PlanStep } from "@catalytic/core";
import { buildReport, renderReportHtml, renderReportText, ReportSchema } from "../src/index.js";
import { GUIDE, README, makeWorkspace, runRequest, withCassette } from "./helpers.js";

const counter = await loadTokenCounter();

describe("buildReport", () => {
  it("sums the receipts' metrics per step and run, and measures the whole files touched against what was expanded", async () => {
    const root = makeWorkspace();
    await runRequest(root, {
      run_id: "r1",
      request_id: "q1",
      inputs: { symbols: ["@TEST/install", "@TEST/install"], files: [] },
      ops: [
        { op: "PATCH_FILE", file_path: "README.md", file_hash: sha256Hex(README), patch_start_line: 3, patch_end_line: 3, content: "line three" },
        { op: "WRITE_FILE", file_path: "out/new.md", content: "# New\n" },
        { op: "NOTE", message: "done" },
      ],
    });
    const report = withCassette(root, (cassette) => buildReport(cassette, root, { run_id: "r1" }, counter));
    expect(ReportSchema.parse(report)).toEqual(report);
    const [run] = report.runs;
    expect(run!.steps.map((s) => s.op)).toEqual(["READ_SYMBOL", "READ_SYMBOL", "PATCH_FILE", "WRITE_FILE", "NOTE"]);
    const receipts = withCassette(root, (cassette) => cassette.listReceipts(run!.steps[0]!.job_id).map((r) => ReceiptSchema.parse(r.receipt)));
    const metric = (key: string) => receipts.reduce((sum, r) => sum + ((r.metrics as Record<string, number>)[key] ?? 0), 0);
    expect(run!.totals).toMatchObject({ steps: 5, legacy_steps: 0, tokens_in: metric("tokens_in"), tokens_reused: metric("tokens_reused"), tokens_out: metric("tokens_out"), reused: 1 });
    // The second read of @TEST/install is reused: expanded counts it once.
    const install = run!.steps[0]!.tokens_in!;
    expect(install).toBeGreaterThan(0);
    // The patch read the one line it replaced.
    const patchedLine = counter.count("line 3\n");
    expect(run!.steps[2]).toMatchObject({ op: "PATCH_FILE", tokens_in: patchedLine, files: ["README.md"] });
    expect(run!.totals.tokens_expanded).toBe(install + patchedLine);
    // Baseline: guide.md (read) from disk, README.md (patched) as it was before the run; the created file is not in it.
    expect(run!.baseline).toEqual({
      tokens: counter.count(GUIDE) + counter.count(README),
      files: [
        { file_path: "README.md", tokens: counter.count(README), source: "prior" },
        { file_path: "guide.md", tokens: counter.count(GUIDE), source: "disk" },
      ],
      missing: [],
    });
    expect(run!.steps[0]).toMatchObject({ files: ["guide.md"], baseline_tokens: counter.count(GUIDE), search_k: null, legacy: false });
    expect(run!.steps[3]).toMatchObject({ files: [], baseline_tokens: 0 });
    expect(run!.ratio).toBeCloseTo((install + patchedLine) / (counter.count(GUIDE) + counter.count(README)), 10);
    expect(run!.reuse_rate).toBeCloseTo(1 / 3, 10);
    expect(run!.cache_hit_rate).toBeCloseTo(1 / 3, 10);
    expect(renderReportText(report)).toContain("run r1: 1 job(s), 5 step(s)");
  });

  it("covers every run by default, one run or one job on request, and names an unknown run or job", async () => {
    const root = makeWorkspace();
    const first = await runRequest(root, { run_id: "a", request_id: "q", inputs: { files: ["README.md"] } });
    await runRequest(root, { run_id: "a", request_id: "q2", inputs: { files: ["README.md", "guide.md"] } });
    await runRequest(root, { run_id: "b", request_id: "q", inputs: { files: ["guide.md"] } });
    const all = withCassette(root, (cassette) => buildReport(cassette, root, {}, counter));
    expect(all.runs.map((run) => run.run_id)).toEqual(["a", "b"]);
    expect(all.totals.steps).toBe(4);
    expect(all.baseline_tokens).toBe(all.runs[0]!.baseline.tokens + all.runs[1]!.baseline.tokens);
    // README.md read twice in run a: once reused.
    expect(all.runs[0]!.totals.reused).toBe(1);
    const job = withCassette(root, (cassette) => buildReport(cassette, root, { job_id: first }, counter));
    expect(job.runs.map((run) => [run.run_id, run.totals.steps])).toEqual([["a", 1]]);
    expect(() => withCassette(root, (cassette) => buildReport(cassette, root, { run_id: "nope" }, counter))).toThrow(expect.objectContaining({ code: "CAT_RUN_NOT_FOUND" }));
    expect(() => withCassette(root, (cassette) => buildReport(cassette, root, { job_id: "job_x" }, counter))).toThrow(expect.objectContaining({ code: "CAT_JOB_NOT_FOUND" }));
  });

  it("reads and verifies a receipt written in the old shape (estimated_tokens, no token fields)", () => {
    const root = makeWorkspace();
    const body = { ordinal: 1, op: "READ_FILE" as const, refs: { file_path: "README.md" }, depends_on: [] };
    const step: PlanStep = { step_id: stepId({ run_id: "old", request_id: "q", ...body }), ...body };
    const legacy = {
      run_id: "old",
      job_id: "",
      step_id: step.step_id,
      op: "READ_FILE",
      status: "SUCCESS",
      worker_id: "ant-old",
      fencing_token: 1,
      expanded: [{ kind: "file", id: "README.md", content_hash: sha256Hex(README), bytes: README.length, cache_hit: false }],
      actions: [{ type: "READ", target: "README.md", status: "SUCCESS" }],
      outputs: {},
      timings: { started_at: "2026-01-01T00:00:00.000Z", finished_at: "2026-01-01T00:00:00.010Z", duration_ms: 10 },
      metrics: { bytes_expanded: README.length, expansions: 1, cache_hits: 0, estimated_tokens: Math.ceil(README.length / 4) },
    };
    withCassette(root, (cassette) => {
      const { jobId } = cassette.postPlan({
        runId: "old",
        idempotencyKey: "q",
        request: { run_id: "old", request_id: "q", intent: "old" },
        intent: "old",
        planHash: planHash("old", "q", [step]),
        plannerVersion: "test",
        steps: [{ stepId: step.step_id, ordinal: 1, op: step.op, payload: step, dependsOn: [] }],
      });
      const claimed = cassette.claimStep("old", "ant-old", 60)!;
      const receipt = { ...legacy, job_id: jobId, fencing_token: claimed.fencingToken };
      expect(ReceiptSchema.parse(receipt)).toMatchObject({ metrics: legacy.metrics });
      cassette.completeStep({ runId: "old", stepId: step.step_id, workerId: "ant-old", fencingToken: claimed.fencingToken, receipt, outcome: "SUCCESS" });
      expect(cassette.verify().ok).toBe(true);
    });
    const report = withCassette(root, (cassette) => buildReport(cassette, root, { run_id: "old" }, counter));
    expect(report.runs[0]!.steps[0]).toMatchObject({ legacy: true, tokens_in: null, tokens_expanded: null, bytes_expanded: README.length, files: ["README.md"] });
    expect(report.runs[0]!.totals).toMatchObject({ steps: 1, legacy_steps: 1, tokens_expanded: 0 });
    expect(report.runs[0]!.baseline.files).toEqual([{ file_path: "README.md", tokens: counter.count(README), source: "disk" }]);
    expect(renderReportText(report)).toContain("1 legacy");
  });

  it("is deterministic: the same ledger and tree give byte-identical JSON and HTML", async () => {
    const root = makeWorkspace();
    await runRequest(root, { run_id: "d", request_id: "q", inputs: { files: ["guide.md"], symbols: ["@TEST/install"] } });
    const once = withCassette(root, (cassette) => buildReport(cassette, root, {}, counter));
    const twice = withCassette(root, (cassette) => buildReport(cassette, root, {}, counter));
    expect(JSON.stringify(twice)).toBe(JSON.stringify(once));
    expect(renderReportHtml(twice)).toBe(renderReportHtml(once));
    // The baseline of a file the run only read is measured on the tree as it is now.
    writeFileSync(path.join(root, "guide.md"), `${GUIDE}more\n`);
    const edited = withCassette(root, (cassette) => buildReport(cassette, root, {}, counter));
    expect(edited.runs[0]!.baseline.tokens).toBeGreaterThan(once.runs[0]!.baseline.tokens);
    expect(readFileSync(path.join(root, "README.md"), "utf8")).toBe(README);
  });
});
