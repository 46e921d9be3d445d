// Indexer benchmark: `pnpm bench:index -- --corpus <dir> [--runs N]`. Copies the corpus to a temp dir,
// gives it a namespace source (so every file is a symbol), and prints figures (no assertions).
import { appendFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Index } from "../dist/index.js";

function parseArgs(argv) {
  const args = { corpus: undefined, runs: 5, resolves: 1000 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") continue;
    if (arg === "--corpus") args.corpus = argv[++i];
    else if (arg === "--runs") args.runs = Number(argv[++i]);
    else if (arg === "--resolves") args.resolves = Number(argv[++i]);
    else throw new Error(`unknown argument ${arg} (usage: --corpus <dir> [--runs N] [--resolves N])`);
  }
  if (!args.corpus) throw new Error("--corpus <dir> is required");
  return args;
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const median = (values) => percentile(values, 50);
const seconds = (ms) => `${(ms / 1000).toFixed(3)} s`;
const millis = (ms) => `${ms.toFixed(3)} ms`;

function time(fn) {
  const start = performance.now();
  const result = fn();
  return { ms: performance.now() - start, result };
}

const args = parseArgs(process.argv.slice(2));
const corpus = path.resolve(process.env.INIT_CWD ?? process.cwd(), args.corpus);
const workDir = mkdtempSync(path.join(os.tmpdir(), "catalytic-bench-"));
const root = path.join(workDir, "corpus");
cpSync(corpus, root, { recursive: true });
writeFileSync(path.join(root, "catalytic.json"), JSON.stringify({ sources: [{ path: ".", namespace: "BENCH" }] }));

try {
  const cold = [];
  let report;
  for (let run = 0; run < Math.max(1, Math.min(args.runs, 3)); run++) {
    rmSync(path.join(root, ".catalytic"), { recursive: true, force: true });
    const index = Index.open(root);
    const measured = time(() => index.build());
    cold.push(measured.ms);
    report = measured.result;
    index.close();
  }

  const index = Index.open(root);
  const noChange = [];
  for (let run = 0; run < args.runs; run++) noChange.push(time(() => index.build()).ms);

  const symbols = index.listSymbols("@BENCH/").filter((s) => s.sectionId && !s.problem);
  const oneFile = [];
  let oneFileReport;
  for (let run = 0; run < args.runs; run++) {
    const target = symbols[(run * 7919) % symbols.length].targetRef;
    appendFileSync(path.join(root, target), `\nEdited by the benchmark, run ${run}.\n`);
    const measured = time(() => index.build());
    if (measured.result.changed !== 1) throw new Error(`expected one changed file, got ${JSON.stringify(measured.result)}`);
    oneFile.push(measured.ms);
    oneFileReport = measured.result;
  }

  const misses = [];
  const hits = [];
  const ids = Array.from({ length: args.resolves }, (_, i) => symbols[(i * 104729) % symbols.length].symbolId);
  ids.forEach((id, i) => {
    const measured = time(() => index.resolve(id, { runId: `bench-${i}` }));
    if (measured.result.cacheHit) throw new Error(`expected a miss for ${id}`);
    misses.push(measured.ms);
  });
  ids.forEach((id, i) => {
    const measured = time(() => index.resolve(id, { runId: `bench-${i}` }));
    if (!measured.result.cacheHit) throw new Error(`expected a hit for ${id}`);
    hits.push(measured.ms);
  });
  const finalHash = index.indexHash();
  index.close();

  const lines = [
    ["corpus", corpus],
    ["files", report.files],
    ["sections", report.sections],
    ["symbols", report.symbols],
    ["bytes", report.bytes],
    ["cold build (median of " + cold.length + ")", `${seconds(median(cold))}  (min ${seconds(Math.min(...cold))})`],
    ["cold build phases (last run)", Object.entries(report.timings).map(([k, v]) => `${k}=${v}`).join(" ")],
    ["no-change rebuild (median, p95)", `${seconds(median(noChange))}, ${seconds(percentile(noChange, 95))}  (${noChange.length} runs)`],
    ["one-file-changed rebuild (median, p95)", `${seconds(median(oneFile))}, ${seconds(percentile(oneFile, 95))}  (${oneFile.length} runs)`],
    ["one-file-changed phases (last run)", Object.entries(oneFileReport.timings).map(([k, v]) => `${k}=${v}`).join(" ")],
    ["resolve, cache miss (median, p95)", `${millis(median(misses))}, ${millis(percentile(misses, 95))}  (${misses.length} resolves)`],
    ["resolve, cache hit (median, p95)", `${millis(median(hits))}, ${millis(percentile(hits, 95))}  (${hits.length} resolves)`],
    ["load average at the end (1/5/15 min)", `${os.loadavg().map((l) => l.toFixed(2)).join(" / ")} on ${os.cpus().length} CPUs`],
    ["peak RSS", `${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MiB`],
    ["index hash (cold)", report.indexHash],
    ["index hash (after edits)", finalHash],
  ];
  const width = Math.max(...lines.map(([k]) => k.length));
  for (const [key, value] of lines) process.stdout.write(`${key.padEnd(width)}  ${value}\n`);
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
