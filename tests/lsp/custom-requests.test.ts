// The catalytic/* requests and the jobs feed, over stdio against a copy of the fixture workspace.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { loadTokenCounter } from "@catalytic/core";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FIXTURES, LspClient, copyToTemp, removeTemp } from "./client.js";

const CLI = path.resolve(FIXTURES, "../../../apps/cli/dist/catalytic.cjs");
let root: string;
let client: LspClient;

interface IndexStatus { state: string; indexHash?: string; files: number }

beforeAll(async () => {
  root = copyToTemp(path.join(FIXTURES, "basic"));
  client = await LspClient.start(root);
  await client.waitForReady();
});

afterAll(async () => {
  await client.stop();
  removeTemp(root);
});

describe("symbols", () => {
  test("listSymbols with a prefix, with targets and stale flags", async () => {
    const symbols = await client.request<Array<Record<string, unknown>>>("catalytic/listSymbols", { prefix: "@CONTRACTS/" });
    expect(symbols).toEqual([
      { symbolId: "@CONTRACTS/BUDGETS", targetType: "HEADING", targetRef: "canon/plan.md#Plan > Budgets", file: "canon/plan.md", lineStart: 4, lineEnd: 11, stale: false },
      { symbolId: "@CONTRACTS/OLD_PIN", targetType: "SECTION", targetRef: "0".repeat(64), stale: true },
    ]);
  });

  test("resolveSymbol from the live model: explicit slice, slug, default slices", async () => {
    const resolved = await client.request<Record<string, unknown>>("catalytic/resolveSymbol", { reference: "@CANON/plan#budgets:lines[0:2]" });
    expect(resolved).toMatchObject({ symbolId: "@CANON/plan", file: "canon/plan.md", lineStart: 4, lineEnd: 11, headingPath: ["Plan", "Budgets"], slice: "lines[0:2]", sliceSource: "explicit", payload: "## Budgets\n\n", bytes: 12, cacheHit: false });
    const byDefault = await client.request<Record<string, unknown>>("catalytic/resolveSymbol", { reference: "@CONTRACTS/BUDGETS" });
    expect(byDefault).toMatchObject({ slice: "lines[0:3]", sliceSource: "symbol_default", payload: "## Budgets\n\nmax_steps bounds the number of steps.\n" });
  });

  test("resolveSymbol errors carry the typed error in data", async () => {
    await expect(client.request("catalytic/resolveSymbol", { reference: "@CANON/plan:ALL" })).rejects.toMatchObject({ data: { code: "CAT_SLICE_ALL_FORBIDDEN" } });
    await expect(client.request("catalytic/resolveSymbol", { reference: "@CANON/nope" })).rejects.toMatchObject({ data: { code: "CAT_SYMBOL_UNKNOWN", details: { suggestions: expect.arrayContaining(["@CANON/plan"]) } } });
    await expect(client.request("catalytic/resolveSymbol", {})).rejects.toMatchObject({ data: { code: "CAT_MISSING_ARGUMENT" } });
  });

  test("buildIndex creates index.db (the server never creates it on its own) and reports its hash", async () => {
    expect(existsSync(path.join(root, ".catalytic/index.db"))).toBe(false);
    expect((await client.request<IndexStatus>("catalytic/indexStatus", {})).indexHash).toBeUndefined();
    const status = await client.request<IndexStatus>("catalytic/buildIndex", {});
    expect(status).toMatchObject({ state: "ready", files: 4 });
    expect(status.indexHash).toMatch(/^[0-9a-f]{64}$/);
    expect(existsSync(path.join(root, ".catalytic/index.db"))).toBe(true);
    const titles = client.progress().map((p) => p.value as { kind: string; title?: string }).filter((v) => v.kind === "begin").map((v) => v.title);
    expect(titles).toContain("Catalytic: updating index.db");
  });

  test("with a run id, resolution goes through index.db's expansion cache and the payload is in the CAS", async () => {
    const first = await client.request<{ cacheHit: boolean; payload: string }>("catalytic/resolveSymbol", { reference: "@CANON/tools", runId: "run-cache" });
    const second = await client.request<{ cacheHit: boolean; payload: string }>("catalytic/resolveSymbol", { reference: "@CANON/tools", runId: "run-cache" });
    expect([first.cacheHit, second.cacheHit]).toEqual([false, true]);
    expect(second.payload).toBe(first.payload);
    const hash = createHash("sha256").update(first.payload).digest("hex");
    const stored = await client.request<{ hash: string; text: string; bytes: number }>("catalytic/readCas", { hash });
    expect(stored).toEqual({ hash, text: first.payload, bytes: Buffer.byteLength(first.payload) });
    await expect(client.request("catalytic/readCas", { hash: "f".repeat(64) })).rejects.toMatchObject({ data: { code: "CAT_FILE_NOT_FOUND" } });
  });
});

describe("bundles", () => {
  interface BundleAnswer { bundle: { bundle_id: string; items: Array<{ ref: string | null; reason: string; slice: string; tokens: number }>; tokens_total: number; reuse: { items: number } }; markdown: string }

  test("catalytic/bundle answers the bundle and its Markdown pack from index.db; reuse within a run", async () => {
    const params = { intent: "how budgets work @CONTRACTS/BUDGETS", refs: ["@CANON/tools:lines[0:1]"], budgetTokens: 800, runId: "run-bundle" };
    const first = await client.request<BundleAnswer>("catalytic/bundle", params);
    expect(first.bundle.bundle_id).toMatch(/^bundle_[0-9a-f]{16}$/);
    expect(first.bundle.items.slice(0, 2).map((i) => [i.ref, i.reason, i.slice])).toEqual([
      ["@CONTRACTS/BUDGETS", "ref", "lines[0:3]"],
      ["@CANON/tools", "explicit", "lines[0:1]"],
    ]);
    expect(first.bundle.tokens_total).toBeLessThanOrEqual(800);
    expect(first.markdown.split("\n")[0]).toBe("# Context bundle: how budgets work @CONTRACTS/BUDGETS");
    expect(first.markdown).toContain("`@CONTRACTS/BUDGETS` · canon/plan.md:");
    const second = await client.request<BundleAnswer>("catalytic/bundle", params);
    expect(second.bundle.reuse.items).toBe(second.bundle.items.length);
  });

  test("catalytic/bundle failures carry the typed error", async () => {
    await expect(client.request("catalytic/bundle", {})).rejects.toMatchObject({ data: { code: "CAT_MISSING_ARGUMENT" } });
    await expect(client.request("catalytic/bundle", { intent: "x", budgetTokens: 0 })).rejects.toMatchObject({ data: { code: "CAT_USAGE" } });
    await expect(client.request("catalytic/bundle", { intent: "x", refs: [7] })).rejects.toMatchObject({ data: { code: "CAT_MISSING_ARGUMENT" } });
    await expect(client.request("catalytic/bundle", { intent: "@CONTRACTS/BUDGETS", budgetTokens: 3 })).rejects.toMatchObject({
      data: { code: "CAT_BUDGET_EXCEEDED", details: { refs: [{ ref: "@CONTRACTS/BUDGETS", tokens: expect.any(Number) }] } },
    });
  });

  test("hover on a reference shows its exact o200k_base tokens, counted in a child process (not in the server's heap)", async () => {
    const uri = await client.open("notes/usage.md", readFileSync(path.join(root, "notes/usage.md"), "utf8"));
    const hover = await client.request<{ contents: { value: string } }>("textDocument/hover", { textDocument: { uri }, position: { line: 2, character: 10 } });
    const resolved = await client.request<{ payload: string; bytes: number }>("catalytic/resolveSymbol", { reference: "@CANON/agreement#scope" });
    const expected = (await loadTokenCounter()).count(resolved.payload);
    expect(hover.contents.value).toContain(` · ${resolved.bytes} bytes · ${expected} tokens\n`);
    // The counter runs as the server's child (src/token-counts.ts); it ends after 30 s without a hover.
    const children = readdirSync(`/proc/${client.process.pid}/task`)
      .flatMap((task) => readFileSync(`/proc/${client.process.pid}/task/${task}/children`, "utf8").split(" ").filter(Boolean));
    const commands = children.map((pid) => readFileSync(`/proc/${pid}/cmdline`, "utf8"));
    expect(commands.some((command) => command.includes("token-counter.cjs"))).toBe(true);
  });
});

describe("planning and the cassette", () => {
  test("before anything is posted: no runs, nothing to verify, no ledger created", async () => {
    expect(await client.request("catalytic/listRuns", {})).toEqual([]);
    expect(await client.request("catalytic/verifyCassette", {})).toEqual({ ok: true, checks: [], issues: [] });
    const dry = await client.request<{ plan: { run_id: string; steps: Array<{ op: string }> }; posted?: unknown }>("catalytic/planRequest", { requestFile: "requests/read-plan.json", dryRun: true });
    expect(dry.plan.run_id).toBe("run-lsp-1");
    expect(dry.plan.steps.map((s) => s.op)).toEqual(["READ_SYMBOL", "READ_SYMBOL"]);
    expect(dry.posted).toBeUndefined();
    expect(existsSync(path.join(root, ".catalytic/cassette.db"))).toBe(false);
  });

  test("posting creates the job once, notifies jobsChanged, and the lists show it", async () => {
    const posted = await client.request<{ plan: { plan_hash: string }; posted: { jobId: string; stepIds: string[]; created: boolean } }>("catalytic/planRequest", { requestFile: "requests/read-plan.json", dryRun: false });
    expect(posted.posted.created).toBe(true);
    expect(posted.posted.stepIds).toHaveLength(2);
    await client.waitFor(() => client.notifications.some((n) => n.method === "catalytic/jobsChanged" && (n.params as { jobIds: string[] }).jobIds.includes(posted.posted.jobId)), "jobsChanged");
    const change = client.notifications.find((n) => n.method === "catalytic/jobsChanged")?.params as { runIds: string[]; cursor: number };
    expect(change.runIds).toEqual(["run-lsp-1"]);
    expect(change.cursor).toBeGreaterThan(0);
    const again = await client.request<{ posted: { jobId: string; created: boolean } }>("catalytic/planRequest", { requestFile: "requests/read-plan.json", dryRun: false });
    expect(again.posted).toMatchObject({ jobId: posted.posted.jobId, created: false });

    const runs = await client.request<Array<Record<string, unknown>>>("catalytic/listRuns", {});
    expect(runs).toMatchObject([{ runId: "run-lsp-1", jobs: 1, steps: 2, committed: 0 }]);
    const jobs = await client.request<Array<Record<string, unknown>>>("catalytic/listJobs", { runId: "run-lsp-1" });
    expect(jobs).toMatchObject([{ jobId: posted.posted.jobId, runId: "run-lsp-1", requestId: "req-read-plan", planHash: posted.plan.plan_hash, stepCount: 2, counts: { pending: 2, leased: 0, committed: 0, success: 0, failure: 0, aborted: 0 } }]);
    const steps = await client.request<Array<Record<string, unknown>>>("catalytic/listSteps", { jobId: posted.posted.jobId });
    expect(steps.map((s) => [s.ordinal, s.op, s.label, s.status, s.outcome, s.receiptId])).toEqual([
      [1, "READ_SYMBOL", "@CONTRACTS/BUDGETS", "PENDING", null, null],
      [2, "READ_SYMBOL", "@CANON/agreement", "PENDING", null, null],
    ]);
    const progress = await client.request<Record<string, unknown>>("catalytic/jobProgress", { jobId: posted.posted.jobId });
    expect(progress).toMatchObject({ jobId: posted.posted.jobId, runId: "run-lsp-1", total: 2, done: false, workers: [], failures: [], startedAt: null, elapsedMs: 0 });
    const verified = await client.request<{ ok: boolean; checks: string[]; issues: unknown[] }>("catalytic/verifyCassette", {});
    expect(verified.ok).toBe(true);
    expect(verified.checks.length).toBeGreaterThan(3);
    expect(verified.issues).toEqual([]);
    await expect(client.request("catalytic/getReceipt", { stepId: posted.posted.stepIds[0] })).rejects.toMatchObject({ data: { code: "CAT_RECEIPT_NOT_FOUND" } });
    await expect(client.request("catalytic/jobProgress", { jobId: "job-missing" })).rejects.toMatchObject({ data: { code: "CAT_JOB_NOT_FOUND" } });
  });

  test("a plan posted by another process (the CLI) reaches the client through the change feed", async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build @catalytic/cli first`);
    const before = client.notifications.filter((n) => n.method === "catalytic/jobsChanged").length;
    const requestFile = path.join(root, "requests/second.json");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(requestFile, JSON.stringify({ run_id: "run-lsp-2", request_id: "req-2", intent: "note", inputs: { notes: ["hello"] } }));
    const posted = spawnSync(process.execPath, [CLI, "--root", root, "--json", "plan", "--request-file", requestFile], { encoding: "utf8" });
    expect(posted.status, posted.stderr).toBe(0);
    await client.waitFor(
      () => client.notifications.filter((n) => n.method === "catalytic/jobsChanged").slice(before).some((n) => (n.params as { runIds: string[] }).runIds.includes("run-lsp-2")),
      "jobsChanged for run-lsp-2",
    );
    const runs = await client.request<Array<{ runId: string }>>("catalytic/listRuns", {});
    expect(runs.map((r) => r.runId).sort()).toEqual(["run-lsp-1", "run-lsp-2"]);
  });

  test("a request file that does not exist is a typed error", async () => {
    await expect(client.request("catalytic/planRequest", { requestFile: "requests/none.json", dryRun: true })).rejects.toMatchObject({ data: { code: "CAT_FILE_NOT_FOUND" } });
  });
});
