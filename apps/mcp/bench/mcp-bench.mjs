#!/usr/bin/env node
// Round-trip latency of the MCP tools over stdio: the official SDK client against `catalytic mcp` from the
// built CLI bundle, on a copy of a corpus. Prints p50/p95/p99 of search, resolve and (when the server has it)
// bundle; the target is p95 <= 10 ms for search and resolve (docs/mcp.md#benchmark).
// Usage: pnpm bench:mcp -- --corpus <dir> [--requests 300] [--keep]
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.resolve(here, "../../cli/dist/catalytic.cjs");
const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: { corpus: { type: "string" }, requests: { type: "string", default: "300" }, keep: { type: "boolean", default: false } },
});
if (!values.corpus) {
  console.error("usage: pnpm bench:mcp -- --corpus <dir> [--requests 300] [--keep]");
  process.exit(2);
}
if (!existsSync(CLI)) {
  console.error(`${CLI} is missing: run pnpm --filter @catalytic/cli build first`);
  process.exit(2);
}
const REQUESTS = Number(values.requests);
const WARMUP = 20;
const corpus = path.resolve(process.env.INIT_CWD ?? process.cwd(), values.corpus);

const percentile = (samples, p) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const ms = (value) => `${value.toFixed(2)} ms`;

// A writable copy; a corpus without catalytic.json gets one namespace over everything, so files are symbols.
const root = mkdtempSync(path.join(os.tmpdir(), "cat-mcp-bench-"));
cpSync(corpus, root, { recursive: true });
if (!existsSync(path.join(root, "catalytic.json"))) writeFileSync(path.join(root, "catalytic.json"), JSON.stringify({ sources: [{ path: ".", namespace: "BENCH" }] }));
let started = performance.now();
const built = spawnSync(process.execPath, [CLI, "--root", root, "--json", "build"], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
if (built.status !== 0) {
  console.error(built.stdout, built.stderr);
  process.exit(1);
}
const report = JSON.parse(built.stdout);
console.log(`workspace: ${root} (${report.files} files, ${report.sections} sections, ${report.symbols} symbols), built in ${((performance.now() - started) / 1000).toFixed(1)} s`);

// Requests from the corpus itself: each sampled file's symbol, and the words of its first prose line as a query.
function* markdownFiles(dir, rel = "") {
  for (const entry of readdirSync(dir).sort()) {
    if (entry.startsWith(".")) continue;
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) yield* markdownFiles(full, `${rel}${entry}/`);
    else if (entry.endsWith(".md")) yield `${rel}${entry}`;
  }
}
const files = [...markdownFiles(root)];
const step = Math.max(1, Math.floor(files.length / (REQUESTS + WARMUP)));
const sampled = files.filter((_, i) => i % step === 0).slice(0, REQUESTS + WARMUP);
const requests = sampled.map((file) => {
  const text = readFileSync(path.join(root, file), "utf8");
  const prose = text.split("\n").find((line) => /^[>A-Za-z]/.test(line) && line.replace(/[^A-Za-z]/g, "").length > 8) ?? path.basename(file, ".md");
  const query = prose.replace(/^>\s*/, "").replace(/[^\p{L}\p{N} ]+/gu, " ").trim().split(/\s+/).slice(0, 6).join(" ");
  return { query: query || path.basename(file, ".md"), ref: `@BENCH/${file.replace(/\.md$/, "")}` };
});

// MCP_BENCH_NODE_ARGS passes flags to the server's node (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
const nodeArgs = process.env.MCP_BENCH_NODE_ARGS ? process.env.MCP_BENCH_NODE_ARGS.split(" ").filter(Boolean) : [];
const transport = new StdioClientTransport({ command: process.execPath, args: [...nodeArgs, CLI, "--root", root, "mcp"], stderr: "ignore" });
const client = new Client({ name: "catalytic-bench", version: "1.0.0" });
started = performance.now();
await client.connect(transport);
console.log(`server ready (initialize round trip) in ${ms(performance.now() - started)}`);
const tools = new Set((await client.listTools()).tools.map((t) => t.name));

// Server CPU time (user + system, from /proc) per call: a figure a loaded machine distorts less than wall time.
const TICKS_PER_SECOND = 100;
const serverCpuMs = () => {
  try {
    const fields = readFileSync(`/proc/${transport.pid}/stat`, "utf8").split(") ")[1].split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
};

async function measure(name, argsOf) {
  const samples = [];
  let cpuStart = NaN;
  let errors = 0;
  let firstError;
  for (const [i, request] of requests.entries()) {
    const t0 = performance.now();
    const result = await client.callTool({ name, arguments: argsOf(request) });
    const elapsed = performance.now() - t0;
    if (result.isError) {
      errors++;
      firstError ??= result.content[0]?.text;
    }
    if (i >= WARMUP) samples.push(elapsed);
    if (i === WARMUP - 1) cpuStart = serverCpuMs();
  }
  return { name, samples, errors, firstError, cpuPerCall: (serverCpuMs() - cpuStart) / samples.length };
}

const rows = [
  await measure("search", (r) => ({ query: r.query, k: 10 })),
  await measure("resolve", (r) => ({ ref: r.ref })),
  ...(tools.has("bundle") ? [await measure("bundle", (r) => ({ intent: r.query, budget_tokens: 2000 }))] : []),
];
await client.close();

console.log(`\n${REQUESTS} requests per tool after ${WARMUP} warm-up calls, sequential, over stdio (node ${process.version}, load average ${os.loadavg()[0].toFixed(2)} on ${os.cpus().length} cores)`);
console.log(`${"tool".padEnd(10)}${"p50".padStart(11)}${"p95".padStart(11)}${"p99".padStart(11)}${"server CPU/call".padStart(17)}  errors  target p95 <= 10 ms`);
for (const row of rows) {
  const p95 = percentile(row.samples, 95);
  const target = row.name === "bundle" ? "(no target)" : p95 <= 10 ? "met" : "MISSED";
  console.log(`${row.name.padEnd(10)}${ms(percentile(row.samples, 50)).padStart(11)}${ms(p95).padStart(11)}${ms(percentile(row.samples, 99)).padStart(11)}${ms(row.cpuPerCall).padStart(17)}  ${String(row.errors).padStart(6)}  ${target}`);
  if (row.firstError) console.log(`  first error: ${row.firstError.split("\n")[0]}`);
}
if (!tools.has("bundle")) console.log("bundle: not measured (this server has no bundle tool)");
if (!values.keep) rmSync(root, { recursive: true, force: true });
