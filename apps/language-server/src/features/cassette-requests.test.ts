// catalytic/* mappings and the jobs feed over a real cassette in a temp dir, with plans from the real planner.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Cassette } from "@catalytic/cassette";
import { parsePlanRequest } from "@catalytic/core";
import { modelSubstrate, planOptionsFromConfig, postPlan } from "@catalytic/planner";
import { afterEach, describe, expect, test } from "vitest";
import { BASIC_FILES, memoryWorkspace } from "../testing/workspace.js";
import { jobProgress, listJobs, listRuns, listSteps, listSymbols, receiptView, resolveFromModel, stepLabel } from "./custom-requests.js";
import { JobsFeed } from "./jobs-feed.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setup() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "catalytic-ls-cassette-"));
  dirs.push(dir);
  const ws = memoryWorkspace(BASIC_FILES);
  const cassette = Cassette.open(path.join(dir, "cassette.db"));
  const request = parsePlanRequest({ run_id: "run-1", request_id: "req-1", intent: "read", inputs: { symbols: ["@CANON/tools", "@CONTRACTS/BUDGETS"], notes: ["done"] } }, "request");
  const posted = postPlan(cassette, request, modelSubstrate(ws.model, dir), planOptionsFromConfig(ws.model.getConfig()));
  return { ws, cassette, posted };
}

describe("cassette requests", () => {
  test("runs, jobs and steps as protocol shapes", () => {
    const { cassette, posted } = setup();
    expect(listRuns(undefined)).toEqual([]);
    expect(listRuns(cassette)).toMatchObject([{ runId: "run-1", jobs: 1, steps: 3, committed: 0 }]);
    expect(listJobs(cassette, "run-1")).toMatchObject([{ jobId: posted.posted.jobId, requestId: "req-1", stepCount: 3, counts: { pending: 3, committed: 0 } }]);
    expect(listSteps(cassette, posted.posted.jobId).map((s) => [s.op, s.label, s.status])).toEqual([
      ["READ_SYMBOL", "@CANON/tools", "PENDING"],
      ["READ_SYMBOL", "@CONTRACTS/BUDGETS", "PENDING"],
      ["NOTE", "done", "PENDING"],
    ]);
    expect(jobProgress(cassette, posted.posted.jobId, 0)).toMatchObject({ total: 3, done: false, workers: [], failures: [], startedAt: null });
    expect(() => receiptView(cassette, memoryWorkspace({}).model, { stepId: posted.posted.stepIds[0] })).toThrow(expect.objectContaining({ code: "CAT_RECEIPT_NOT_FOUND" }));
    cassette.close();
  });

  test("step labels name what the step works on", () => {
    expect(stepLabel({ op: "READ_FILE", payload: { refs: { file_path: "src/a.ts" } } })).toBe("src/a.ts");
    expect(stepLabel({ op: "READ_SECTION", payload: { refs: { section_id: "ab".repeat(32) } } })).toBe("section abababababab");
    expect(stepLabel({ op: "RUN_TEST", payload: { refs: { test_name: "unit" } } })).toBe("unit");
    expect(stepLabel({ op: "NOTE", payload: {} })).toBe("NOTE");
  });

  test("the jobs feed starts at the present and reports what changes after", () => {
    const { cassette, ws } = setup();
    const notified: unknown[] = [];
    const feed = new JobsFeed(() => cassette, (change) => void notified.push(change), { info: () => undefined, warn: () => undefined, error: () => undefined });
    expect(feed.poll(true)).toBeUndefined(); // baseline
    const request = parsePlanRequest({ run_id: "run-2", request_id: "req-2", intent: "note", inputs: { notes: ["n"] } }, "request");
    const second = postPlan(cassette, request, modelSubstrate(ws.model, "/"), planOptionsFromConfig(ws.model.getConfig()));
    const change = feed.poll(true);
    expect(change).toMatchObject({ runIds: ["run-2"], jobIds: [second.posted.jobId] });
    expect(notified).toEqual([change]);
    expect(feed.poll(true)).toBeUndefined();
    cassette.close();
  });
});

describe("symbol requests", () => {
  test("listSymbols and resolveFromModel", () => {
    const ws = memoryWorkspace(BASIC_FILES);
    expect(listSymbols(ws.model, "@SKILLS/")).toEqual([
      { symbolId: "@SKILLS/WRITING", targetType: "HEADING", targetRef: "canon/agreement.md#Agreement > Writing", file: "canon/agreement.md", lineStart: 11, lineEnd: 14, stale: false },
    ]);
    expect(resolveFromModel(ws.model, { reference: "@CANON/tools:head(7)" })).toMatchObject({ payload: "# Tools", slice: "head(7)", sliceSource: "explicit", bytes: 7, cacheHit: false });
    expect(() => resolveFromModel(ws.model, { reference: "not a reference" })).toThrow(expect.objectContaining({ code: "CAT_SYMBOL_INVALID" }));
  });
});
