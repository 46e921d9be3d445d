// The MCP server over stdio: the official SDK client against a real `catalytic mcp` child process.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applySlice, parseSlice, sha256Hex } from "@catalytic/core";
import { copyToTemp, runCatalytic } from "../cli/helpers.js";
import { CLI, REPO_ROOT, call, cassetteReceipts, connectStdio, demoWorkspace, fails, ok, type StdioSession } from "./helpers.js";

const TOOLS = ["search", "resolve", "get_section", "bundle", "plan", "execute", "receipts", "verify", "report"];

describe("catalytic mcp over stdio", () => {
  let root: string;
  let session: StdioSession;

  beforeAll(async () => {
    root = demoWorkspace();
    session = await connectStdio(root);
  });
  afterAll(async () => {
    await session?.close();
  });

  it("lists the tools with schemas and annotations, and the resource templates", async () => {
    const { tools } = await session.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(TOOLS);
    for (const tool of tools) {
      expect(tool.inputSchema.type).toBe("object");
      expect(tool.outputSchema?.type, tool.name).toBe("object");
      expect(tool.description, tool.name).toBeTruthy();
    }
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    for (const name of ["search", "resolve", "get_section", "bundle", "receipts", "verify", "report"]) expect(byName[name]!.annotations?.readOnlyHint, name).toBe(true);
    expect(byName.execute!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    expect(byName.plan!.annotations?.readOnlyHint).toBe(false);
    // the section schema of the contract, in the output schema
    expect(JSON.stringify(byName.resolve!.outputSchema)).toContain("content_hash");
    const { resourceTemplates } = await session.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate).sort()).toEqual([
      "catalytic://run/{run_id}/receipts",
      "catalytic://section/{id}",
      "catalytic://symbol/{id}",
    ]);
  });

  it("search returns ranked hits with ids, refs, file:lines, heading path, snippet and tokens", async () => {
    const result = await ok(session.client, "search", { query: "budgets", k: 3 });
    expect(result.hits.length).toBeGreaterThan(0);
    expect(result.hits.length).toBeLessThanOrEqual(3);
    const first = result.hits[0];
    expect(first).toMatchObject({ ref: "@CANON/budgets", file_path: "canon/AGREEMENT.md", heading_path: ["Working agreement", "Budgets"] });
    expect(first.section_id).toMatch(/^[0-9a-f]{64}$/);
    expect(first.tokens).toBeGreaterThan(10);
    expect(first.line_end).toBeGreaterThan(first.line_start);
    expect(result.truncated).toBe(false);
    expect(result.run_id).toMatch(/^mcp-/);
  });

  it("resolve returns the bounded payload with provenance and leaves a receipt with its tokens in the cassette", async () => {
    const result = await ok(session.client, "resolve", { ref: "@CANON/scope", slice: "lines[0:3]" });
    expect(result.payload).toBe("## Scope\n\n1. Only files under a configured source are canon.\n");
    expect(result).toMatchObject({ symbol_id: "@CANON/scope", slice: "lines[0:3]", slice_source: "explicit", truncated: false, tokenizer: "o200k_base" });
    expect(result.section.file_path).toBe("canon/AGREEMENT.md");
    expect(result.tokens).toBeGreaterThan(5);
    const again = await ok(session.client, "resolve", { ref: "@CANON/scope", slice: "lines[0:3]" });
    expect(again.cache_hit).toBe(true);
    const receipts = cassetteReceipts(root, result.run_id);
    const mine = receipts.find((r) => r.receiptId === result.receipt.receipt_id) as any;
    expect(mine.outcome).toBe("SUCCESS");
    expect(mine.receipt.op).toBe("READ_SYMBOL");
    expect(mine.receipt.expanded[0]).toMatchObject({
      kind: "symbol",
      id: "@CANON/scope",
      slice: "lines[0:3]",
      section_id: result.section.section_id,
      file_path: "canon/AGREEMENT.md",
      tokens: result.tokens,
      reused: false,
    });
    expect(mine.receipt.outputs.tokens).toBe(result.tokens);
    expect(mine.receipt.metrics).toMatchObject({ tokens_in: result.tokens, tokens_reused: 0, reused: 0, search_k: null, tokenizer: { name: "o200k_base" } });
    // the same content again in the run is reused (and served by the expansion cache)
    const reread = receipts.find((r) => r.receiptId === again.receipt.receipt_id) as any;
    expect(reread.receipt.metrics).toMatchObject({ tokens_in: result.tokens, tokens_reused: result.tokens, reused: 1, cache_hits: 1 });
  });

  it("get_section reads a section by id under the configured bound, with a receipt", async () => {
    const hit = (await ok(session.client, "search", { query: "budgets", k: 1 })).hits[0];
    const result = await ok(session.client, "get_section", { section_id: hit.section_id });
    expect(result.slice).toBe("head(600)");
    expect(result.slice_source).toBe("config_default");
    expect(result.payload).toContain("## Budgets");
    const receipts = cassetteReceipts(root, result.run_id);
    expect(receipts.some((r: any) => r.receiptId === result.receipt.receipt_id && r.receipt.op === "READ_SECTION")).toBe(true);
  });

  it("bundle returns the bundle and its pack, leaves a receipt, and a second bundle of the run reuses what the first delivered", async () => {
    const runId = "bundle-run";
    const first = await ok(session.client, "bundle", { intent: "how are budgets enforced @CANON/budgets", budget_tokens: 300, run_id: runId });
    const bundle = first.bundle;
    expect(bundle.run_id).toBe(runId);
    expect(bundle.items[0]).toMatchObject({ ref: "@CANON/budgets", reason: "ref", reused: false });
    expect(bundle.tokens_total).toBeLessThanOrEqual(300);
    expect(first.pack).toMatch(/^# Context bundle: how are budgets enforced/);
    expect(first.pack).toContain("A step may resolve at most 10 symbols");
    const receipts = cassetteReceipts(root, runId);
    expect(receipts).toHaveLength(1);
    expect(receipts[0]!.receipt.outputs).toMatchObject({ tool: "bundle", bundle_id: bundle.bundle_id, tokens: first.tokens });
    expect(receipts[0]!.receipt.expanded.map((e: any) => e.section_id)).toEqual(bundle.items.map((i: any) => i.section_id));
    const second = await ok(session.client, "bundle", { intent: "how are budgets enforced @CANON/budgets", budget_tokens: 300, run_id: runId });
    expect(second.bundle.reuse.items).toBe(bundle.items.length);
    expect(second.bundle.items.every((i: any) => i.reused)).toBe(true);
    expect(second.bundle.bundle_hash).toBe(bundle.bundle_hash);
    expect(second.pack).not.toContain("A step may resolve at most 10 symbols");
    const over = await fails(session.client, "bundle", { intent: "everything @CANON/AGREEMENT", budget_tokens: 5 });
    expect(over.code).toBe("CAT_BUDGET_EXCEEDED");
    expect(over.message).toContain("@CANON/AGREEMENT");
  });

  it("report gives the run's token economy, counting what the session read", async () => {
    const runId = "report-run";
    const first = await ok(session.client, "resolve", { ref: "@CANON/budgets", run_id: runId });
    await ok(session.client, "resolve", { ref: "@CANON/budgets", run_id: runId });
    const result = await ok(session.client, "report", { run_id: runId });
    const run = result.report.runs[0];
    expect(run.run_id).toBe(runId);
    expect(run.steps).toHaveLength(2);
    expect(run.totals).toMatchObject({ tokens_in: 2 * first.tokens, tokens_reused: first.tokens, tokens_expanded: first.tokens, reused: 1 });
    expect(run.baseline.files.map((f: any) => f.file_path)).toEqual(["canon/AGREEMENT.md"]);
    expect(result.report.ratio).toBeGreaterThan(0);
    expect(result.report.ratio).toBeLessThan(1);
    expect((await fails(session.client, "report", { run_id: "no-such-run" })).code).toBe("CAT_RUN_NOT_FOUND");
  });

  it("plan (dry run, then posted), execute, receipts and verify work end to end", async () => {
    const request = {
      request_id: "mcp-write",
      intent: "write_a_note",
      inputs: { symbols: ["@CANON/budgets"] },
      ops: [{ op: "WRITE_FILE", file_path: "scratch/mcp.md", content: "# From MCP\n" }],
    };
    const dry = await ok(session.client, "plan", { request, dry_run: true });
    expect(dry.dry_run).toBe(true);
    expect(dry.posted).toBeUndefined();
    expect(dry.plan.steps.map((s: any) => s.op)).toEqual(["READ_SYMBOL", "WRITE_FILE"]);
    const posted = await ok(session.client, "plan", { request });
    expect(posted.plan.plan_hash).toBe(dry.plan.plan_hash);
    expect(posted.posted.created).toBe(true);
    const runId = posted.plan.run_id;
    const executed = await ok(session.client, "execute", { run_id: runId, job_id: posted.posted.job_id, workers: 1 });
    expect(executed.exit_code).toBe(0);
    expect(executed.status).toMatchObject({ step_count: 2, committed: 2, succeeded: 2, failed: 0 });
    expect(readFileSync(path.join(root, "scratch/mcp.md"), "utf8")).toBe("# From MCP\n");
    const receipts = await ok(session.client, "receipts", { run_id: runId, job_id: posted.posted.job_id });
    expect(receipts.receipts.map((r: any) => r.receipt.op)).toEqual(["READ_SYMBOL", "WRITE_FILE"]);
    const all = await ok(session.client, "receipts", {});
    expect(all.run_id).toBe(runId);
    expect(all.receipts.length).toBeGreaterThan(receipts.receipts.length);
    const verified = await ok(session.client, "verify");
    expect(verified.cassette.ok).toBe(true);
    expect(verified.index.built).toBe(true);
  });

  it("reads the resources and completes their arguments", async () => {
    const symbol = await session.client.readResource({ uri: `catalytic://symbol/${encodeURIComponent("@CANON/budgets")}` });
    expect((symbol.contents[0] as { text: string }).text).toContain("## Budgets");
    const completion = await session.client.complete({ ref: { type: "ref/resource", uri: "catalytic://symbol/{id}" }, argument: { name: "id", value: "@CANON/b" } });
    expect(completion.completion.values).toEqual(["@CANON/budgets"]);
    const hit = (await ok(session.client, "search", { query: "glossary", k: 1 })).hits[0];
    const sections = await session.client.complete({ ref: { type: "ref/resource", uri: "catalytic://section/{id}" }, argument: { name: "id", value: hit.section_id.slice(0, 6) } });
    expect(sections.completion.values).toContain(hit.section_id);
    const section = await session.client.readResource({ uri: `catalytic://section/${hit.section_id}` });
    expect((section.contents[0] as { text: string }).text.length).toBeGreaterThan(0);
    const runs = await session.client.complete({ ref: { type: "ref/resource", uri: "catalytic://run/{run_id}/receipts" }, argument: { name: "run_id", value: "mcp-" } });
    const runId = runs.completion.values[0]!;
    expect(runId).toMatch(/^mcp-/);
    const listed = await session.client.readResource({ uri: `catalytic://run/${runId}/receipts` });
    expect(JSON.parse((listed.contents[0] as { text: string }).text).receipts.length).toBeGreaterThan(0);
  });

  it("fails with typed errors: unknown symbol with suggestions, ALL, path escape, bad slice; the server keeps serving", async () => {
    const unknown = await fails(session.client, "resolve", { ref: "@CANON/budget" });
    expect(unknown.code).toBe("CAT_SYMBOL_UNKNOWN");
    expect(unknown.hint).toContain("@CANON/budgets");
    expect(unknown.text).toMatch(/^CAT_SYMBOL_UNKNOWN: /);
    expect((await fails(session.client, "resolve", { ref: "@CANON/scope", slice: "ALL" })).code).toBe("CAT_SLICE_ALL_FORBIDDEN");
    expect((await fails(session.client, "resolve", { ref: "@CANON/scope:all" })).code).toBe("CAT_SLICE_ALL_FORBIDDEN");
    expect((await fails(session.client, "get_section", { section_id: "0".repeat(64) })).code).toBe("CAT_SECTION_NOT_FOUND");
    const invalid = await fails(session.client, "search", { query: "budgets", k: 0 });
    expect(invalid.code).toBe("CAT_SCHEMA_INVALID");
    expect(invalid.text).toContain("k");
    expect((await fails(session.client, "get_section", { section_id: "../../etc/passwd" })).code).toBe("CAT_SCHEMA_INVALID");
    const escape = await fails(session.client, "plan", {
      request: { request_id: "escape", intent: "escape", ops: [{ op: "WRITE_FILE", file_path: "../escaped.md", content: "x" }] },
    });
    expect(escape.code).toBe("CAT_PATH_OUTSIDE_WORKSPACE");
    expect(existsSync(path.join(root, "..", "escaped.md"))).toBe(false);
    const config = readFileSync(path.join(root, "catalytic.json"), "utf8");
    const protectedWrite = await fails(session.client, "plan", {
      request: { request_id: "protected", intent: "overwrite the config", ops: [{ op: "WRITE_FILE", file_path: "catalytic.json", content: "{}" }] },
    });
    expect(protectedWrite.code).toBe("CAT_PATH_PROTECTED");
    expect(readFileSync(path.join(root, "catalytic.json"), "utf8")).toBe(config);
    expect((await fails(session.client, "execute", { run_id: "nope", job_id: "job_nope", workers: 1 })).code).toBe("CAT_JOB_NOT_FOUND");
    expect((await ok(session.client, "resolve", { ref: "@CANON/scope" })).payload).toContain("## Scope");
  });

  it("a broken catalytic.json is a tool error and the next call works once it is fixed", async () => {
    const file = path.join(root, "catalytic.json");
    const good = readFileSync(file, "utf8");
    writeFileSync(file, "{ not json");
    try {
      expect((await fails(session.client, "search", { query: "budgets" })).code).toMatch(/^CAT_(CONFIG_INVALID|JSON_MALFORMED)$/);
    } finally {
      writeFileSync(file, good);
    }
    expect((await ok(session.client, "search", { query: "budgets" })).hits.length).toBeGreaterThan(0);
  });
});

describe("output caps", () => {
  let root: string;
  beforeAll(() => {
    root = demoWorkspace();
  });

  it("past the per-call cap a payload is truncated with a cursor, and the pages add up to the whole payload", async () => {
    const session = await connectStdio(root, ["--max-output-tokens", "40"]);
    try {
      const pages: string[] = [];
      let result = await ok(session.client, "resolve", { ref: "@CANON/AGREEMENT" });
      const hash = result.payload_hash;
      pages.push(result.payload);
      expect(result.truncated).toBe(true);
      expect(result.tokens).toBeLessThanOrEqual(40);
      while (result.next_cursor) {
        result = await ok(session.client, "resolve", { ref: "@CANON/AGREEMENT", cursor: result.next_cursor });
        expect(result.tokens).toBeLessThanOrEqual(40);
        pages.push(result.payload);
      }
      expect(pages.length).toBeGreaterThan(2);
      const whole = readFileSync(path.join(root, "canon/AGREEMENT.md"), "utf8").slice(0, 600);
      expect(pages.join("")).toBe(whole);
      expect(result.payload_hash).toBe(hash);
      // each page is a receipt naming exactly the part of the section it delivered
      const receipts = cassetteReceipts(root, result.run_id);
      expect(receipts.length).toBe(pages.length);
      const sectionText = readFileSync(path.join(root, "canon/AGREEMENT.md"), "utf8");
      receipts.forEach((r, i) => {
        const expanded = r.receipt.expanded[0];
        expect(expanded.slice).toMatch(/^chars\[/);
        expect(applySlice(sectionText, parseSlice(expanded.slice))).toBe(pages[i]);
        expect(expanded.content_hash).toBe(sha256Hex(pages[i]!));
      });
      expect(receipts.reduce((sum, r) => sum + r.receipt.outputs.tokens, 0)).toBeGreaterThan(40);
      // a cursor of another request is refused
      const first = await ok(session.client, "resolve", { ref: "@CANON/AGREEMENT" });
      expect((await fails(session.client, "resolve", { ref: "@CANON/glossary", cursor: first.next_cursor })).code).toBe("CAT_CURSOR_INVALID");
      expect((await fails(session.client, "resolve", { ref: "@CANON/AGREEMENT", cursor: "garbage" })).code).toBe("CAT_CURSOR_INVALID");
    } finally {
      await session.close();
    }
  });

  it("a search whose single hit cannot fit is CAT_OUTPUT_TOO_LARGE with a hint; lists past the cap page", async () => {
    const tiny = await connectStdio(root, ["--max-output-tokens", "10"]);
    try {
      const error = await fails(tiny.client, "search", { query: "budgets" });
      expect(error.code).toBe("CAT_OUTPUT_TOO_LARGE");
      expect(error.hint).toContain("smaller k");
    } finally {
      await tiny.close();
    }
    const small = await connectStdio(root, ["--max-output-tokens", "250"]);
    try {
      const ids: string[] = [];
      let page = await ok(small.client, "search", { query: "symbol", k: 10 });
      ids.push(...page.hits.map((h: any) => h.section_id));
      expect(page.truncated).toBe(true);
      while (page.next_cursor) {
        page = await ok(small.client, "search", { query: "symbol", k: 10, cursor: page.next_cursor });
        ids.push(...page.hits.map((h: any) => h.section_id));
      }
      const wide = await connectStdio(root);
      try {
        const all = await ok(wide.client, "search", { query: "symbol", k: 10 });
        expect(ids).toEqual(all.hits.map((h: any) => h.section_id));
      } finally {
        await wide.close();
      }
    } finally {
      await small.close();
    }
  });

  it("a bundle budget over the output cap is CAT_OUTPUT_TOO_LARGE; the default budget fits the cap", async () => {
    const session = await connectStdio(root, ["--max-output-tokens", "600"]);
    const intent = "symbol scope budgets slice canon guide resolve receipts workers";
    try {
      const error = await fails(session.client, "bundle", { intent, budget_tokens: 2000, run_id: "over-cap" });
      expect(error.code).toBe("CAT_OUTPUT_TOO_LARGE");
      expect(error.hint).toContain("budget_tokens");
      // nothing was recorded: the run holds no receipt
      expect(cassetteReceipts(root, "over-cap")).toEqual([]);
      const fitted = await ok(session.client, "bundle", { intent });
      expect(fitted.bundle.budgets.max_tokens).toBeLessThan(600);
      expect(fitted.bundle.items.length).toBeGreaterThan(0);
      expect(fitted.tokens).toBeLessThanOrEqual(600);
      expect(fitted.pack.length).toBeGreaterThan(0);
    } finally {
      await session.close();
    }
  });

  it("the session cap bounds the total: pages shrink to what is left, then calls are CAT_BUDGET_EXCEEDED", async () => {
    const session = await connectStdio(root, ["--max-session-tokens", "60"]);
    try {
      let delivered = 0;
      let error: Awaited<ReturnType<typeof fails>> | undefined;
      for (let i = 0; i < 20 && !error; i++) {
        const result = await call(session.client, "resolve", { ref: "@CANON/AGREEMENT" });
        if (result.isError) error = await fails(session.client, "resolve", { ref: "@CANON/scope" });
        else delivered += (result.structuredContent as { tokens: number }).tokens;
      }
      expect(delivered).toBeGreaterThan(0);
      expect(delivered).toBeLessThanOrEqual(60);
      expect(error?.code).toBe("CAT_BUDGET_EXCEEDED");
      expect(error?.hint).toContain("--max-session-tokens");
    } finally {
      await session.close();
    }
  });
});

describe("recovery: a failing call does not stick", () => {
  it("no index: CAT_INDEX_MISSING until 'catalytic build', then the same server answers", async () => {
    const root = copyToTemp(path.join(REPO_ROOT, "docs", "demo"), "cat-mcp-");
    const session = await connectStdio(root);
    try {
      const missing = await fails(session.client, "search", { query: "budgets" });
      expect(missing.code).toBe("CAT_INDEX_MISSING");
      expect(missing.hint).toContain("catalytic build");
      expect(runCatalytic(["--root", root, "build"]).code).toBe(0);
      expect((await ok(session.client, "search", { query: "budgets" })).hits.length).toBeGreaterThan(0);
    } finally {
      await session.close();
    }
  });

  it("an unusable cassette file: CAT_DB_ERROR, and the next read works once the file is fixed", async () => {
    const root = demoWorkspace();
    const ledger = path.join(root, ".catalytic", "cassette.db");
    writeFileSync(ledger, "this is not a database, but it is long enough to look like a file header to sqlite ...".repeat(20));
    const session = await connectStdio(root);
    try {
      expect((await fails(session.client, "resolve", { ref: "@CANON/scope" })).code).toBe("CAT_DB_ERROR");
      rmSync(ledger);
      const read = await ok(session.client, "resolve", { ref: "@CANON/scope" });
      expect(cassetteReceipts(root, read.run_id)).toHaveLength(1);
    } finally {
      await session.close();
    }
  });

  it("HTTP flags without --http are a usage error (exit 2)", () => {
    const result = runCatalytic(["mcp", "--port", "7000"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--port needs --http");
  });
});

describe("stdio hygiene", () => {
  it("writes nothing but JSON-RPC messages on stdout, logs on stderr", async () => {
    const root = demoWorkspace();
    const child = spawn(process.execPath, [CLI, "--root", root, "mcp"], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    const send = (message: object) => child.stdin.write(`${JSON.stringify(message)}\n`);
    send({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "0" } } });
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    send({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "resolve", arguments: { ref: "@CANON/nope" } } });
    send({ jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "search", arguments: { query: "scope" } } });
    const deadline = Date.now() + 20_000;
    while (stdout.split("\n").filter(Boolean).length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.stdin.end();
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    const lines = stdout.split("\n").filter(Boolean);
    expect(lines.length).toBe(3);
    for (const line of lines) expect(JSON.parse(line).jsonrpc).toBe("2.0");
    expect(JSON.parse(lines[1]!).result.isError).toBe(true);
    expect(stderr).toContain("serving");
    expect(code).toBe(0);
  });
});
