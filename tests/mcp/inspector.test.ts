// A client nobody here wrote: the MCP Inspector in CLI mode. Pinned to 0.15.0, the newest release that
// runs on Node 20 (0.16 and later declare node >= 22.7.5); see docs/mcp.md.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, demoWorkspace, startHttp } from "./helpers.js";

const require = createRequire(import.meta.url);
const INSPECTOR_DIR = path.dirname(require.resolve("@modelcontextprotocol/inspector/package.json"));
const INSPECTOR = path.join(INSPECTOR_DIR, "cli", "build", "cli.js");

function inspect(cwd: string, target: string[], args: string[]): unknown {
  const result = spawnSync(process.execPath, [INSPECTOR, "--cli", ...target, ...args], { cwd, encoding: "utf8", timeout: 60_000 });
  if (result.status !== 0) throw new Error(`inspector exited ${result.status}: ${result.stderr}${result.stdout}`);
  // The inspector prints the response as pretty JSON on stdout (stdio servers' stderr may be interleaved).
  const text = result.stdout.slice(result.stdout.indexOf("{"), result.stdout.lastIndexOf("}") + 1);
  return JSON.parse(text);
}

describe("MCP Inspector CLI", () => {
  it("is the pinned 0.15.0", () => {
    expect(require("@modelcontextprotocol/inspector/package.json").version).toBe("0.15.0");
  });

  it("lists the tools and calls search and resolve over stdio", () => {
    const root = demoWorkspace();
    const server = [process.execPath, CLI, "mcp"];
    const tools = inspect(root, server, ["--method", "tools/list"]) as { tools: Array<{ name: string }> };
    expect(tools.tools.map((t) => t.name)).toEqual(["search", "resolve", "get_section", "bundle", "plan", "execute", "receipts", "verify", "report"]);
    const search = inspect(root, server, ["--method", "tools/call", "--tool-name", "search", "--tool-arg", "query=budgets"]) as {
      structuredContent: { hits: Array<{ ref: string }> };
    };
    expect(search.structuredContent.hits.map((h) => h.ref)).toContain("@CANON/budgets");
    const resolved = inspect(root, server, ["--method", "tools/call", "--tool-name", "resolve", "--tool-arg", "ref=@CANON/budgets"]) as {
      isError?: boolean;
      structuredContent: { payload: string; receipt: { receipt_id: string } };
    };
    expect(resolved.isError).toBeFalsy();
    expect(resolved.structuredContent.payload).toContain("## Budgets");
    expect(resolved.structuredContent.receipt.receipt_id).toMatch(/^rcpt_/);
  });

  it("calls resolve over Streamable HTTP", async () => {
    const root = demoWorkspace();
    const server = await startHttp(root, ["--read-only"]);
    try {
      const resolved = inspect(root, [server.url], ["--transport", "http", "--method", "tools/call", "--tool-name", "resolve", "--tool-arg", "ref=@CANON/scope"]) as {
        structuredContent: { payload: string };
      };
      expect(resolved.structuredContent.payload).toContain("## Scope");
    } finally {
      await server.stop();
    }
  });
});
