// The MCP server over Streamable HTTP on a loopback port: bearer token, Host/Origin checks, read-only
// mode, one run per session. Real `catalytic mcp --http` processes, the SDK client and plain fetch.
import { writeFileSync } from "node:fs";
import { request } from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveHttp } from "@catalytic/mcp";
import { cassetteReceipts, connectHttp, demoWorkspace, fails, ok, startHttp, type HttpProcess } from "./helpers.js";

const TOKEN = "test-token-0123456789abcdef";
const INIT = { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "0" } } };

/** node:http, which (unlike fetch) lets a test send any Host header; resolves to the status code. */
function rawPost(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end(JSON.stringify(INIT));
  });
}

function post(url: string, headers: Record<string, string>, body: unknown = INIT): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
    body: JSON.stringify(body),
  });
}

describe("catalytic mcp --http with a token", () => {
  let root: string;
  let server: HttpProcess;

  beforeAll(async () => {
    root = demoWorkspace();
    const tokenFile = path.join(root, "..", `${path.basename(root)}.token`);
    writeFileSync(tokenFile, `${TOKEN}\n`);
    server = await startHttp(root, ["--token-file", tokenFile]);
  });
  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
  });

  it("binds 127.0.0.1 by default", () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
  });

  it("refuses a missing or wrong token (401) and a foreign Origin or Host (403)", async () => {
    const missing = await post(server.url, {});
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toContain("Bearer");
    expect((await post(server.url, { authorization: "Bearer wrong-token-wrong-token" })).status).toBe(401);
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await post(server.url, { ...auth, origin: "https://evil.example" })).status).toBe(403);
    // DNS rebinding: the right address reached through a foreign name
    const port = new URL(server.url).port;
    expect(await rawPost(server.url, { ...auth, host: `evil.example:${port}` })).toBe(403);
    expect(await rawPost(server.url, { ...auth, host: `127.0.0.1.evil.example:${port}` })).toBe(403);
    // and the same request from a local origin is served
    const local = await post(server.url, { ...auth, origin: `http://localhost:${port}` });
    expect(local.status).toBe(200);
  });

  it("serves the SDK client with the token: tools, calls, one run per session with receipts in the cassette", async () => {
    const headers = { authorization: `Bearer ${TOKEN}` };
    const a = await connectHttp(server.url, headers);
    const b = await connectHttp(server.url, headers);
    try {
      const { tools } = await a.listTools();
      expect(tools.map((t) => t.name)).toContain("resolve");
      const { resourceTemplates } = await a.listResourceTemplates();
      expect(resourceTemplates).toHaveLength(3);
      const search = await ok(a, "search", { query: "scope" });
      const hit = search.hits.find((h: any) => h.ref === "@CANON/scope");
      expect(hit).toBeDefined();
      const fromA = await ok(a, "resolve", { ref: hit.ref });
      const fromB = await ok(b, "get_section", { section_id: hit.section_id, slice: "lines[0:2]" });
      expect(fromA.run_id).not.toBe(fromB.run_id);
      expect(cassetteReceipts(root, fromA.run_id).map((r) => r.receipt.outputs.tokens)).toEqual([fromA.tokens]);
      expect(cassetteReceipts(root, fromB.run_id).map((r) => r.receipt.op)).toEqual(["READ_SECTION"]);
      expect((await fails(a, "resolve", { ref: "@CANON/scopes" })).hint).toContain("@CANON/scope");
      const plan = await ok(a, "plan", { request: { request_id: "http", intent: "note", ops: [{ op: "NOTE", message: "hello" }] }, dry_run: true });
      expect(plan.plan.steps).toHaveLength(1);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe("catalytic mcp --http --read-only", () => {
  it("refuses plan and execute with CAT_READ_ONLY and writes nothing, but reads", async () => {
    const root = demoWorkspace();
    const server = await startHttp(root, ["--read-only"]);
    const client = await connectHttp(server.url);
    try {
      const request = { request_id: "ro", intent: "write", ops: [{ op: "WRITE_FILE", file_path: "x.md", content: "x" }] };
      const refused = await fails(client, "plan", { request });
      expect(refused.code).toBe("CAT_READ_ONLY");
      expect((await fails(client, "plan", { request, dry_run: true })).code).toBe("CAT_READ_ONLY");
      expect((await fails(client, "execute", { run_id: "r", job_id: "j" })).code).toBe("CAT_READ_ONLY");
      const read = await ok(client, "resolve", { ref: "@CANON/budgets" });
      // the only jobs in the cassette are the reads' receipts
      expect(cassetteReceipts(root, read.run_id).map((r) => r.receipt.op)).toEqual(["READ_SYMBOL"]);
    } finally {
      await client.close();
      expect(await server.stop()).toBe(0);
    }
  });

  it("is read-only by default on a non-loopback address", async () => {
    const root = demoWorkspace();
    const tokenFile = path.join(root, "..", `${path.basename(root)}.token`);
    writeFileSync(tokenFile, TOKEN);
    const server = await startHttp(root, ["--host", "0.0.0.0", "--token-file", tokenFile]);
    expect(server.stderr()).toContain("read-only");
    const url = server.url.replace("0.0.0.0", "127.0.0.1");
    const client = await connectHttp(url, { authorization: `Bearer ${TOKEN}` });
    try {
      expect((await fails(client, "plan", { request: { request_id: "n", intent: "note", ops: [{ op: "NOTE", message: "m" }] } })).code).toBe("CAT_READ_ONLY");
      expect((await ok(client, "search", { query: "budgets" })).hits.length).toBeGreaterThan(0);
    } finally {
      await client.close();
      await server.stop();
    }
  });
});

describe("HTTP sessions", () => {
  it("a session idle past its limit is closed: its next request is refused, a new session works", async () => {
    const root = demoWorkspace();
    const handle = await serveHttp({ root, port: 0, sessionIdleMs: 300 });
    try {
      const client = await connectHttp(handle.url);
      expect((await ok(client, "search", { query: "budgets" })).hits.length).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await expect(client.callTool({ name: "search", arguments: { query: "budgets" } })).rejects.toThrow(/404|session/i);
      const fresh = await connectHttp(handle.url);
      expect((await ok(fresh, "search", { query: "budgets" })).hits.length).toBeGreaterThan(0);
      await fresh.close();
    } finally {
      await handle.close();
    }
  });
});
