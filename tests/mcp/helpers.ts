// Real MCP clients (the official SDK) against the real `catalytic mcp` process from the CLI bundle.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { Cassette } from "@catalytic/cassette";
import { CLI, REPO_ROOT, copyToTemp, runCatalytic } from "../cli/helpers.js";

export { CLI, REPO_ROOT };

/** A built copy of docs/demo in a temp dir. */
export function demoWorkspace(): string {
  const root = copyToTemp(path.join(REPO_ROOT, "docs", "demo"), "cat-mcp-");
  const built = runCatalytic(["--root", root, "build"]);
  if (built.code !== 0) throw new Error(`build failed: ${built.stderr}`);
  return root;
}

export interface StdioSession {
  client: Client;
  stderr(): string;
  close(): Promise<void>;
}

export async function connectStdio(root: string, args: string[] = []): Promise<StdioSession> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, "--root", root, "mcp", ...args], cwd: root, stderr: "pipe" });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const client = new Client({ name: "catalytic-tests", version: "1.0.0" });
  await client.connect(transport);
  return { client, stderr: () => stderr, close: () => client.close() };
}

export interface HttpProcess {
  url: string;
  child: ChildProcess;
  stderr(): string;
  stop(): Promise<number | null>;
}

/** Starts `catalytic mcp --http --port 0 ...` and waits for its "listening on" line. */
export function startHttp(root: string, args: string[] = []): Promise<HttpProcess> {
  const child = spawn(process.execPath, [CLI, "--root", root, "mcp", "--http", "--port", "0", ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  let stdout = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no 'listening on' line after 20 s; stderr: ${stderr}`)), 20_000);
    child.on("exit", (code) => reject(new Error(`server exited ${code}: ${stderr}${stdout}`)));
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
      const url = /listening on (\S+)/.exec(stderr)?.[1];
      if (!url) return;
      clearTimeout(timer);
      resolve({
        url,
        child,
        stderr: () => stderr,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done(child.exitCode);
            child.once("exit", (code) => done(code));
            child.kill("SIGTERM");
          }),
      });
    });
  });
}

export async function connectHttp(url: string, headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: "catalytic-tests", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return client;
}

export async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

/** The structured result of a call that must succeed. */
export async function ok(client: Client, name: string, args: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const result = await call(client, name, args);
  if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
  return result.structuredContent as Record<string, any>;
}

/** The typed error of a call that must fail. */
export async function fails(client: Client, name: string, args: Record<string, unknown> = {}): Promise<{ code: string; message: string; hint: string; text: string }> {
  const result = await call(client, name, args);
  if (!result.isError) throw new Error(`${name} succeeded: ${JSON.stringify(result.structuredContent).slice(0, 300)}`);
  const error = result._meta?.["catalytic/error"] as { code: string; message: string; hint: string };
  const text = (result.content[0] as { text: string }).text;
  return { ...error, text };
}

/** Every receipt of a run, read straight from the cassette file. */
export function cassetteReceipts(root: string, runId: string): Array<{ jobId: string; outcome: string; receipt: any }> {
  const cassette = Cassette.openWorkspace(root);
  try {
    return cassette.listJobs(runId).flatMap((job) => cassette.listReceipts(job.jobId));
  } finally {
    cassette.close();
  }
}
