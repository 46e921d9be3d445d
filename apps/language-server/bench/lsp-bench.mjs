#!/usr/bin/env node
// Benchmark of the BUILT server (dist/server.cjs) driven over stdio by a real JSON-RPC client.
// Usage: pnpm bench:lsp -- --corpus <dir> [--requests 1000] [--settle-ms 2000] [--keep]
// Prints: time to index ready, hover/definition latency (median, p95, p99), completion latency,
// diagnostics latency after a one-character edit on a ~1 MB file (then after line breaks, which take the full
// re-extraction path), peak RSS (VmHWM), and vscode-markdown-languageserver (VS Code's Markdown language
// server, its own process over stdio) on the same workspace: hover and definition on the same lines written
// as Markdown links, diagnostics after the same edits, as ratios ours/theirs. Then index.db: created by
// catalytic/buildIndex, and kept fresh one saved file at a time (the watcher's path-limited builds).
import { spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from "vscode-jsonrpc/node.js";
import { startMarkdownServer } from "./markdown-server.mjs";
import { createWorkspace } from "./workspace.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
// LSP_BENCH_SERVER benchmarks another build of the server bundle (e.g. an older commit's) on the same workspace.
const SERVER = process.env.LSP_BENCH_SERVER ? path.resolve(process.env.LSP_BENCH_SERVER) : path.resolve(here, "../dist/server.cjs");
const { values } = parseArgs({ args: process.argv.slice(2).filter((arg) => arg !== "--"), options: { corpus: { type: "string" }, requests: { type: "string", default: "1000" }, "settle-ms": { type: "string", default: "2000" }, keep: { type: "boolean", default: false } }, allowPositionals: true });
if (!values.corpus) {
  console.error("usage: pnpm bench:lsp -- --corpus <dir> [--requests 1000] [--settle-ms 2000] [--keep]");
  process.exit(2);
}
if (!existsSync(SERVER)) {
  console.error(`${SERVER} is missing: run pnpm --filter @catalytic/language-server build first`);
  process.exit(2);
}
const REQUESTS = Number(values.requests);
// Both servers get this quiet spell after their documents are opened, so requests are timed on idle servers
// (ours re-checks every file once after indexing; theirs has its own start-up work).
const SETTLE_MS = Number(values["settle-ms"]);
const settle = () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

const percentile = (samples, p) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const ms = (value) => `${value.toFixed(2)} ms`;
const stats = (samples) => `median ${ms(percentile(samples, 50))}, p95 ${ms(percentile(samples, 95))}, p99 ${ms(percentile(samples, 99))}`;
const procStatus = (pid, field) => {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith(`${field}:`));
  return line ? Number(line.replace(/\D+/g, "")) / 1024 : NaN;
};
const peakRss = (pid) => procStatus(pid, "VmHWM");
// CPU time of a process's main thread (ns on CPU, /proc/<pid>/schedstat): what a server spends per request.
const cpuNs = (pid) => Number(readFileSync(`/proc/${pid}/schedstat`, "utf8").split(" ")[0]);
const phases = [];
// The server's child processes (the hover token counter, src/token-counts.ts) are not in its RSS: their peak is
// read at each phase and printed apart.
const childrenOf = (pid) => {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) => readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").split(" ").filter(Boolean));
  } catch {
    return [];
  }
};
let childPeak = 0;
const noteChildren = () => {
  for (const pid of childrenOf(child.pid)) {
    try {
      childPeak = Math.max(childPeak, peakRss(pid));
    } catch {
      // it ended meanwhile
    }
  }
};
const notePhase = (name) => {
  noteChildren();
  phases.push(`${name} ${procStatus(child.pid, "VmRSS").toFixed(0)} MB`);
};

const built = performance.now();
// pnpm runs scripts in the package folder; INIT_CWD is the folder the command was typed in.
const ws = createWorkspace(path.resolve(process.env.INIT_CWD ?? process.cwd(), values.corpus));
console.log(`workspace: ${ws.root} (${ws.files} files, ${ws.targets} namespaced symbols, references appended; big file ${(ws.big.text.length / 1048576).toFixed(2)} MB) in ${((performance.now() - built) / 1000).toFixed(1)} s`);

const uriOf = (file) => pathToFileURL(path.join(ws.root, file)).toString();
const started = performance.now();
// LSP_BENCH_NODE_ARGS passes flags to the server's node (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
const nodeArgs = process.env.LSP_BENCH_NODE_ARGS ? process.env.LSP_BENCH_NODE_ARGS.split(" ").filter(Boolean) : [];
const child = spawn(process.execPath, [...nodeArgs, SERVER, "--stdio"], { cwd: ws.root, stdio: ["pipe", "pipe", "inherit"] });
const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
const listeners = new Set();
connection.onNotification((method, params) => {
  for (const listener of listeners) listener(method, params);
});
connection.onRequest("window/workDoneProgress/create", () => null);
connection.onRequest("client/registerCapability", () => null);
connection.listen();
const waitFor = (predicate) =>
  new Promise((resolve) => {
    const listener = (method, params) => {
      if (predicate(method, params)) {
        listeners.delete(listener);
        resolve(params);
      }
    };
    listeners.add(listener);
  });

const ready = waitFor((method, params) => method === "catalytic/indexStatusChanged" && params.state === "ready");
await connection.sendRequest("initialize", {
  processId: process.pid,
  rootUri: pathToFileURL(ws.root).toString(),
  workspaceFolders: [{ uri: pathToFileURL(ws.root).toString(), name: "bench" }],
  capabilities: { window: { workDoneProgress: true }, workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } },
});
await connection.sendNotification("initialized", {});
const status = await ready;
const readyMs = performance.now() - started;
notePhase("ready");
console.log(`index ready: ${ms(readyMs)} (${status.files} files, ${status.sections} sections, ${status.symbols} symbols; server: ${status.message})`);

// Open 50 referencing files and hover/define on their references in turn.
const opened = ws.referencing.slice(0, 50);
for (const doc of opened) await connection.sendNotification("textDocument/didOpen", { textDocument: { uri: uriOf(doc.file), languageId: "markdown", version: 1, text: doc.text } });
const positions = opened.flatMap((doc) => doc.columns.map((character) => ({ textDocument: { uri: uriOf(doc.file) }, position: { line: doc.line, character } })));
// vscode-markdown-languageserver on the same workspace, as its own process over stdio: the same 50 files
// opened with their reference lines written as Markdown links. Its definition answers links with a heading
// fragment only (a plain file link gives null), so both are compared on the second reference of each line,
// `@DOC/b#slug` and `[..](b.md#slug)`: ours are the samples taken there (every other request).
const theirs = await startMarkdownServer({ root: ws.root, files: ws.markdown });
for (const doc of opened) await theirs.didOpen(doc.file, doc.linkText);
const linkPositions = opened.map((doc) => ({ textDocument: { uri: theirs.uriOf(doc.file) }, position: { line: doc.line, character: doc.linkColumns[1] } }));
const atSlug = (samples) => samples.filter((_, i) => (i % positions.length) % 2 === 1);
await settle();
const ourRequest = (method, params) => connection.sendRequest(method, params);
const timeOne = async (send, method, params, check) => {
  const t = performance.now();
  const result = await send(method, params);
  const elapsed = performance.now() - t;
  if (check && !check(result)) throw new Error(`${method} returned ${JSON.stringify(result)?.slice(0, 200)}`);
  return elapsed;
};
const timeRequests = async (method, count, paramsAt, check) => {
  const samples = [];
  for (let i = 0; i < count; i++) samples.push(await timeOne(ourRequest, method, paramsAt(i), i === 0 ? check : undefined));
  return samples;
};
// Requests alternate between the two servers: both see the same client (its JIT warm-up), the same load.
const timeBoth = async (method, count, ourCheck, theirCheck) => {
  const ours = [];
  const other = [];
  for (let i = 0; i < count; i++) {
    ours.push(await timeOne(ourRequest, method, positions[i % positions.length], i === 0 ? ourCheck : undefined));
    other.push(await timeOne(theirs.request, method, linkPositions[i % linkPositions.length], i === 0 ? theirCheck : undefined));
  }
  return [ours, other];
};
await timeBoth("textDocument/hover", 20); // warm-up
// Their hover previews images and videos only: on a Markdown file link it finds the link and returns null
// (ours renders the target section's preview).
const cpuBefore = [cpuNs(child.pid), cpuNs(theirs.child.pid)];
const [hover, theirHover] = await timeBoth("textDocument/hover", REQUESTS, (r) => r?.contents?.value?.includes("@DOC/"));
const hoverCpuUs = [cpuNs(child.pid) - cpuBefore[0], cpuNs(theirs.child.pid) - cpuBefore[1]].map((ns) => ns / 1000 / REQUESTS);
const [definition, theirDefinition] = await timeBoth("textDocument/definition", REQUESTS, (r) => r?.uri?.startsWith("file:"), (r) => (Array.isArray(r) ? r[0] : r)?.uri?.startsWith("file:"));
console.log(`hover (${REQUESTS}): ${stats(hover)}; server main-thread CPU per hover: ours ${hoverCpuUs[0].toFixed(1)} µs, vscode-markdown-languageserver ${hoverCpuUs[1].toFixed(1)} µs`);
console.log(`definition (${REQUESTS}): ${stats(definition)}`);
notePhase("after hover/definition");

// A prefix that matches some symbols: the namespace, a folder and one letter of a real symbol.
const sample = ws.referencing[Math.floor(ws.referencing.length / 2)].file;
const prefix = `@DOC/${sample.includes("/") ? `${sample.slice(0, sample.lastIndexOf("/") + 1)}` : ""}${path.basename(sample)[0]}`;
const scratch = `See ${prefix}`;
await connection.sendNotification("textDocument/didOpen", { textDocument: { uri: uriOf("scratch.md"), languageId: "markdown", version: 1, text: scratch } });
const completionAt = { textDocument: { uri: uriOf("scratch.md") }, position: { line: 0, character: scratch.length } };
const namespaceAt = { textDocument: { uri: uriOf("scratch.md") }, position: { line: 0, character: 5 } };
const completion = await timeRequests("textDocument/completion", 200, () => completionAt, (r) => (r.items ?? r).length > 0);
const namespaces = await timeRequests("textDocument/completion", 200, () => namespaceAt, (r) => (r.items ?? r).length > 0);
console.log(`completion after ${prefix} (200): ${stats(completion)}`);
console.log(`completion after @ (200): ${stats(namespaces)}`);

// Diagnostics after a one-character edit on the ~1 MB file: didChange -> publishDiagnostics.
const bigUri = uriOf(ws.big.file);
const publishedFor = (uri) => waitFor((method, params) => method === "textDocument/publishDiagnostics" && params.uri === uri);
let firstPublish = publishedFor(bigUri);
await connection.sendNotification("textDocument/didOpen", { textDocument: { uri: bigUri, languageId: "markdown", version: 1, text: ws.big.text } });
const initial = await firstPublish;
notePhase("big file open");
const diagnosticsLatency = [];
let version = 1;
for (let i = 0; i < 20; i++) {
  await new Promise((resolve) => setTimeout(resolve, 300)); // a quiet spell, as between keystrokes of a pause
  const line = ws.big.refLines[(i * 7) % ws.big.refLines.length];
  const edit = i % 2 === 0 ? { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: "x" } : { range: { start: { line, character: 0 }, end: { line, character: 1 } }, text: "" };
  const published = publishedFor(bigUri);
  const t = performance.now();
  await connection.sendNotification("textDocument/didChange", { textDocument: { uri: bigUri, version: ++version }, contentChanges: [edit] });
  await published;
  diagnosticsLatency.push(performance.now() - t);
}
if (process.env.LSP_BENCH_SAMPLES) console.log(diagnosticsLatency.map((v) => v.toFixed(1)).join(" "));
console.log(`diagnostics after a one-char edit on ${(ws.big.text.length / 1048576).toFixed(2)} MB (${ws.big.refLines.length * 2} references, ${initial.diagnostics.length} diagnostics; 20 edits): ${stats(diagnosticsLatency)}`);

// Let the background index.db build finish before reading peak RSS (it runs in a worker of the same process).
await new Promise((resolve) => setTimeout(resolve, 200));
const statusNow = await connection.sendRequest("catalytic/indexStatus", {});
notePhase("after edits");
const rss = peakRss(child.pid);
console.log(`peak RSS (VmHWM): ${rss.toFixed(1)} MB; RSS by phase: ${phases.join(", ")} (${statusNow.message ?? ""})`);
// The same with a line break typed and removed (an edit that can change the block structure: no shortcut).
const lineBreakLatency = [];
for (let i = 0; i < 10; i++) {
  await new Promise((resolve) => setTimeout(resolve, 400));
  const line = ws.big.refLines[(i * 11) % ws.big.refLines.length];
  const edit = i % 2 === 0 ? { range: { start: { line, character: 4 }, end: { line, character: 4 } }, text: "\n" } : { range: { start: { line, character: 4 }, end: { line: line + 1, character: 0 } }, text: "" };
  const published = publishedFor(bigUri);
  const t = performance.now();
  await connection.sendNotification("textDocument/didChange", { textDocument: { uri: bigUri, version: ++version }, contentChanges: [edit] });
  await published;
  lineBreakLatency.push(performance.now() - t);
}
console.log(`diagnostics after a line break typed or removed on the same file (10 edits): ${stats(lineBreakLatency)}`);
const peakWithLineBreaks = peakRss(child.pid);
noteChildren();
console.log(`peak RSS (VmHWM) including the line breaks: ${peakWithLineBreaks.toFixed(1)} MB; its token-counting child process (apart, ends when idle): ${childPeak.toFixed(1)} MB`);

// index.db kept fresh by the watcher (after the figures above): catalytic/buildIndex creates it, then one file at
// a time is changed on disk and reported as the client's watcher would; the server logs each build, with the
// peak RSS of the short-lived process that ran it.
const logged = (pattern) => waitFor((method, params) => method === "window/logMessage" && pattern.test(params.message));
let t0 = performance.now();
const fullLog = logged(/^built index\.db in full/);
await connection.sendRequest("catalytic/buildIndex", {});
const fullBuild = await fullLog;
const fullBuildMs = performance.now() - t0;
const updateWorkerMs = [];
const updateWallMs = [];
for (let i = 0; i < 5; i++) {
  const target = ws.referencing[(i * 97) % ws.referencing.length];
  writeFileSync(path.join(ws.root, target.file), `${target.text}\nEdited ${i}.\n`);
  const updated = logged(/^updated index\.db for 1 changed path/);
  t0 = performance.now();
  await connection.sendNotification("workspace/didChangeWatchedFiles", { changes: [{ uri: uriOf(target.file), type: 2 }] });
  const message = (await updated).message;
  updateWallMs.push(performance.now() - t0);
  updateWorkerMs.push(Number(/ in (\d+) ms \(/.exec(message)?.[1]));
}
const processPeak = (message) => Number(/index process peak RSS (\d+) MB/.exec(message)?.[1]);
console.log(`index.db: catalytic/buildIndex ${ms(fullBuildMs)} (its index process: peak RSS ${processPeak(fullBuild.message)} MB); one-file update after a save (5, path-limited, no walk): build ${stats(updateWorkerMs)}; from the watcher event to its log ${stats(updateWallMs)} (a 50 ms debounce, then a new index process)`);
console.log(`peak RSS (VmHWM) of the server including index.db builds (in their own processes): ${peakRss(child.pid).toFixed(1)} MB`);

await connection.sendRequest("shutdown");
await connection.sendNotification("exit");
connection.dispose();

// Their diagnostics are pulled (textDocument/diagnostic): the same one-character edits on the 1 MB link file, then a pull.
await theirs.didOpen(ws.links.file, ws.links.text);
const pull = () => theirs.request("textDocument/diagnostic", { textDocument: { uri: theirs.uriOf(ws.links.file) } });
const theirCount = (await pull()).items.length;
const theirDiagnostics = [];
for (let i = 0; i < 20; i++) {
  await new Promise((resolve) => setTimeout(resolve, 300));
  const line = ws.big.refLines[(i * 7) % ws.big.refLines.length];
  const edit = i % 2 === 0 ? { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: "x" } : { range: { start: { line, character: 0 }, end: { line, character: 1 } }, text: "" };
  const t = performance.now();
  await theirs.didChange(ws.links.file, [edit]);
  await pull();
  theirDiagnostics.push(performance.now() - t);
}
const theirRss = peakRss(theirs.child.pid);
await theirs.stop();
const ratio = (ours, other) => (percentile(ours, 50) / percentile(other, 50)).toFixed(2);
console.log(`vscode-markdown-languageserver (stdio) hover on a link (${REQUESTS}): ${stats(theirHover)}`);
console.log(`vscode-markdown-languageserver (stdio) definition on a link (${REQUESTS}): ${stats(theirDefinition)}`);
console.log(`vscode-markdown-languageserver (stdio) didChange + diagnostic pull on the 1 MB link file (20 edits, ${theirCount} diagnostics): ${stats(theirDiagnostics)}`);
console.log(`vscode-markdown-languageserver peak RSS (VmHWM): ${theirRss.toFixed(1)} MB`);
console.log(`ours on the same references (@DOC/b#slug, ${atSlug(hover).length} each): hover ${stats(atSlug(hover))}; definition ${stats(atSlug(definition))}`);
console.log(`ratio ours/theirs (median, both over stdio JSON-RPC, same references): hover ${ratio(atSlug(hover), theirHover)}x, definition ${ratio(atSlug(definition), theirDefinition)}x, diagnostics after a one-char edit ${ratio(diagnosticsLatency, theirDiagnostics)}x`);
const met = (ok) => (ok ? "met" : "MISSED");
console.log(`targets: ready < 3000 ms ${met(readyMs < 3000)}; hover/definition p95 < 5 ms ${met(percentile(hover, 95) < 5 && percentile(definition, 95) < 5)}; diagnostics after edit median < 50 ms ${met(percentile(diagnosticsLatency, 50) < 50)}; peak RSS <= 200 MB in every phase ${met(peakWithLineBreaks <= 200)}; hover and definition median no slower than vscode-markdown-languageserver ${met(percentile(atSlug(hover), 50) <= percentile(theirHover, 50) && percentile(atSlug(definition), 50) <= percentile(theirDefinition, 50))}`);
if (!values.keep) rmSync(ws.root, { recursive: true, force: true });
