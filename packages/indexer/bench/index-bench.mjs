// Indexer benchmark (docs/indexer.md, "Benchmark"). Usage:
//   pnpm bench:index -- --corpus ../shared/corpora/tldr-en [--runs N] [--resolves N] [--rust-book DIR] [--scale]
//                       [--baseline-cli FILE]   (another build of catalytic.cjs, e.g. from main: cold builds, scale cold build and verify side by side)
// Whole processes of the built CLI (apps/cli/dist/catalytic.cjs: run `pnpm build` first), measured in one run
// side by side with the floor (bench/floor.mjs: walk + read + sha256 of the same files, its own process), so each
// target prints as a ratio of figures taken under the same load. Then no-change and one-file rebuilds and resolve
// latency in process. `--scale` also assembles the large corpus of issue 11 (the corpus copied five times under
// different folders plus the Rust book) in a temp dir: cold build, peak RSS, one-file rebuild and verify.
// Prints figures, asserts nothing; every copy lives in a temp dir that is removed at the end.
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Index } from "../dist/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.resolve(here, "../../../apps/cli/dist/catalytic.cjs");
const FLOOR = path.join(here, "floor.mjs");
const TIME = "/usr/bin/time"; // GNU time gives the child's peak RSS; without it RSS prints as n/a
const PYTHON_TLDR_S = 0.5; // the original Python implementation on tldr-en, as measured in issue 16

function parseArgs(argv) {
  const args = { corpus: undefined, runs: 3, resolves: 1000, rustBook: path.resolve(here, "../../../fixtures/corpora/rust-book"), scale: false, baseline: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") continue;
    if (arg === "--corpus") args.corpus = argv[++i];
    else if (arg === "--runs") args.runs = Number(argv[++i]);
    else if (arg === "--resolves") args.resolves = Number(argv[++i]);
    else if (arg === "--rust-book") args.rustBook = argv[++i];
    else if (arg === "--scale") args.scale = true;
    else if (arg === "--baseline-cli") args.baseline = argv[++i];
    else throw new Error(`unknown argument ${arg} (usage: --corpus <dir> [--runs N] [--resolves N] [--rust-book DIR] [--scale])`);
  }
  if (!args.corpus) throw new Error("--corpus <dir> is required");
  if (!(args.runs >= 1)) throw new Error("--runs must be at least 1");
  return args;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const seconds = (ms) => `${(ms / 1000).toFixed(3)} s`;
const millis = (ms) => `${ms.toFixed(3)} ms`;
const mib = (kib) => (kib === undefined ? "n/a" : `${(kib / 1024).toFixed(1)} MiB`);
const ratio = (a, b) => `${(a / b).toFixed(2)}x`;
const cpuSeconds = (values) => (values[0] === undefined ? "n/a" : seconds(median(values)));
const cpuRatio = (values, floorValues) => (values[0] === undefined ? "n/a" : ratio(median(values), median(floorValues)));

/**
 * Runs a whole process; returns wall time, and when GNU time exists the child's peak RSS (KiB) and CPU time
 * (user + system, ms: less sensitive than wall time to other processes on a shared machine), and stdout.
 */
function proc(command, args) {
  const rssFile = path.join(os.tmpdir(), `catalytic-bench-rss-${process.pid}`);
  const timed = existsSync(TIME);
  const started = performance.now();
  const result = timed
    ? spawnSync(TIME, ["-f", "%M %U %S", "-o", rssFile, command, ...args], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 })
    : spawnSync(command, args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  let rss;
  let cpu;
  if (timed) {
    const [maxRss, user, system] = (readFileSync(rssFile, "utf8").trim().split("\n").pop() ?? "").split(" ").map(Number);
    rss = maxRss;
    cpu = (user + system) * 1000;
    rmSync(rssFile, { force: true });
  }
  return { ms, rss, cpu, stdout: result.stdout };
}

const floor = (root) => proc(process.execPath, [FLOOR, root]);
const cliOf = (bundle, root, ...args) => proc(process.execPath, [bundle, "--root", root, ...args, "--json"]);
const cli = (root, ...args) => cliOf(CLI, root, ...args);
function coldBuild(root, bundle = CLI) {
  rmSync(path.join(root, ".catalytic"), { recursive: true, force: true });
  const run = proc(process.execPath, [bundle, "--root", root, "build", "--json"]);
  return { ...run, report: JSON.parse(run.stdout) };
}

function copy(source, target, namespace) {
  cpSync(source, target, { recursive: true });
  if (namespace) writeFileSync(path.join(target, "catalytic.json"), JSON.stringify({ sources: [{ path: ".", namespace }] }));
  return target;
}

function time(fn) {
  const start = performance.now();
  const result = fn();
  return { ms: performance.now() - start, result };
}

/** Appends a line to the i-th file of a built index (by a stride over its files) and returns its path. */
function touchFile(root, paths, i) {
  const target = paths[(i * 7919) % paths.length];
  appendFileSync(path.join(root, target), `\nEdited by the benchmark, run ${i}.\n`);
  return target;
}

/**
 * Issue 11's one-file rebuild as a watcher does it: `catalytic watch` runs as its own process; each round appends
 * to one file and times until the watcher's JSON line for that change arrives.
 */
async function watchRebuilds(root, paths, rounds) {
  const debounceMs = 30;
  const child = spawn(process.execPath, [CLI, "--root", root, "watch", "--json", "--debounce-ms", String(debounceMs)], { stdio: ["ignore", "pipe", "inherit"] });
  const lines = [];
  let wake = () => {};
  let buffer = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk) => {
    buffer += chunk;
    for (let newline; (newline = buffer.indexOf("\n")) !== -1; buffer = buffer.slice(newline + 1)) lines.push(JSON.parse(buffer.slice(0, newline)));
    wake();
  });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  const next = async (from, match) => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const found = lines.slice(from).find(match);
      if (found) return found;
      if (!found && lines.slice(from).some((line) => !line.ok)) throw new Error(`watch failed: ${JSON.stringify(lines.slice(from))}`);
      if (Date.now() > deadline) throw new Error(`watch: no line for the change; got ${JSON.stringify(lines.slice(from)).slice(0, 500)}`);
      await new Promise((resolve) => {
        wake = resolve;
        setTimeout(resolve, 100);
      });
    }
  };
  try {
    await next(0, (line) => line.trigger === "start");
    await new Promise((resolve) => setTimeout(resolve, 3000)); // the walk it does once more after starting to watch
    const endToEnd = [];
    const latency = [];
    for (let round = 0; round < rounds; round++) {
      const mark = lines.length;
      const started = performance.now();
      const target = touchFile(root, paths, 200 + round);
      const line = await next(mark, (l) => l.ok && l.paths?.includes(target) && l.report.changed === 1);
      endToEnd.push(performance.now() - started);
      latency.push(line.latency_ms);
    }
    return { endToEnd, latency, debounceMs };
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
}

function print(title, lines) {
  process.stdout.write(`\n${title}\n`);
  const width = Math.max(...lines.map(([k]) => k.length));
  for (const [key, value] of lines) process.stdout.write(`  ${key.padEnd(width)}  ${value}\n`);
}

const args = parseArgs(process.argv.slice(2));
if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run 'pnpm build' first`);
const base = process.env.INIT_CWD ?? process.cwd();
const corpus = path.resolve(base, args.corpus);
const rustBookSource = path.resolve(base, args.rustBook);
const workDir = mkdtempSync(path.join(os.tmpdir(), "catalytic-bench-"));

try {
  const plain = copy(corpus, path.join(workDir, "plain"));
  const named = copy(corpus, path.join(workDir, "named"), "BENCH");
  const rustBook = copy(rustBookSource, path.join(workDir, "rust-book"));

  // Whole processes, interleaved round by round so load changes hit every figure alike.
  const baseline = args.baseline ? path.resolve(base, args.baseline) : undefined;
  const b = { cold: [], coldCpu: [], coldRss: [], named: [], namedCpu: [], namedRss: [], rust: [] };
  const m = { floor: [], floorCpu: [], cold: [], coldCpu: [], coldRss: [], named: [], namedCpu: [], namedRss: [], rustFloor: [], rust: [], rustRss: [] };
  let plainReport;
  let namedReport;
  let rustReport;
  for (let run = 0; run < args.runs; run++) {
    const floorRun = floor(plain);
    m.floor.push(floorRun.ms);
    m.floorCpu.push(floorRun.cpu);
    const cold = coldBuild(plain);
    m.cold.push(cold.ms);
    m.coldCpu.push(cold.cpu);
    m.coldRss.push(cold.rss);
    plainReport = cold.report;
    const withSymbols = coldBuild(named);
    m.named.push(withSymbols.ms);
    m.namedCpu.push(withSymbols.cpu);
    m.namedRss.push(withSymbols.rss);
    namedReport = withSymbols.report;
    m.rustFloor.push(floor(rustBook).ms);
    const rust = coldBuild(rustBook);
    m.rust.push(rust.ms);
    m.rustRss.push(rust.rss);
    rustReport = rust.report;
    if (baseline) {
      const old = coldBuild(plain, baseline);
      b.cold.push(old.ms);
      b.coldCpu.push(old.cpu);
      b.coldRss.push(old.rss);
      const oldNamed = coldBuild(named, baseline);
      b.named.push(oldNamed.ms);
      b.namedCpu.push(oldNamed.cpu);
      b.namedRss.push(oldNamed.rss);
      b.rust.push(coldBuild(rustBook, baseline).ms);
    }
  }
  const floorMs = median(m.floor);
  print(`whole processes, median of ${args.runs} (${corpus})`, [
    ["files / section ids / bytes", `${plainReport.files} / ${plainReport.sections} / ${plainReport.bytes}`],
    ["floor: walk + read + sha256", `${seconds(floorMs)} (CPU ${cpuSeconds(m.floorCpu)})`],
    ["cold build, no config", `${seconds(median(m.cold))}  = ${ratio(median(m.cold), floorMs)} the floor (target <= 2.50x); CPU ${cpuSeconds(m.coldCpu)} = ${cpuRatio(m.coldCpu, m.floorCpu)}`],
    ["  vs the Python figure (0.50 s)", `${ratio(PYTHON_TLDR_S * 1000, median(m.cold))} faster (target >= 2x)`],
    ["  peak RSS", `${mib(median(m.coldRss))} (target <= 100 MiB)`],
    ["  phases (last run)", Object.entries(plainReport.timings).map(([k, v]) => `${k}=${v}`).join(" ")],
    [`cold build, namespace source (${namedReport.symbols} symbols)`, `${seconds(median(m.named))}  = ${ratio(median(m.named), floorMs)} the floor (target <= 2.50x); CPU ${cpuSeconds(m.namedCpu)} = ${cpuRatio(m.namedCpu, m.floorCpu)}`],
    ["  peak RSS", `${mib(median(m.namedRss))} (target <= 100 MiB)`],
    ["  phases (last run)", Object.entries(namedReport.timings).map(([k, v]) => `${k}=${v}`).join(" ")],
    [`rust-book cold build (${rustReport.files} files)`, `${seconds(median(m.rust))} (target <= 0.150 s); floor ${seconds(median(m.rustFloor))}; peak RSS ${mib(median(m.rustRss))}`],
  ]);

  if (baseline) {
    print(`baseline ${baseline}, same rounds`, [
      ["cold build, no config", `${seconds(median(b.cold))} = ${ratio(median(b.cold), floorMs)} the floor; CPU ${cpuSeconds(b.coldCpu)}; peak RSS ${mib(median(b.coldRss))}`],
      ["cold build, namespace source", `${seconds(median(b.named))} = ${ratio(median(b.named), floorMs)} the floor; CPU ${cpuSeconds(b.namedCpu)}; peak RSS ${mib(median(b.namedRss))}`],
      ["rust-book cold build", seconds(median(b.rust))],
      ["this build / baseline (wall, cold no config / namespace / rust-book)", `${ratio(median(m.cold), median(b.cold))} / ${ratio(median(m.named), median(b.named))} / ${ratio(median(m.rust), median(b.rust))}`],
    ]);
  }

  // In process, on the namespace copy: rebuilds and resolve latency.
  const index = Index.open(named);
  const noChange = [];
  for (let run = 0; run < Math.max(5, args.runs); run++) noChange.push(time(() => index.build()).ms);
  const symbols = index.listSymbols("@BENCH/").filter((s) => s.sectionId && !s.problem);
  const paths = symbols.map((s) => s.targetRef);
  const oneFile = [];
  let oneFileReport;
  for (let run = 0; run < Math.max(5, args.runs); run++) {
    touchFile(named, paths, run);
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
  print("in process (namespace copy)", [
    ["no-change rebuild (median, p95)", `${seconds(median(noChange))}, ${seconds(percentile(noChange, 95))}  (${noChange.length} runs)`],
    ["one-file-changed rebuild (median, p95)", `${seconds(median(oneFile))}, ${seconds(percentile(oneFile, 95))}  (${oneFile.length} runs)`],
    ["one-file-changed phases (last run)", Object.entries(oneFileReport.timings).map(([k, v]) => `${k}=${v}`).join(" ")],
    ["resolve, cache miss (median, p95)", `${millis(median(misses))}, ${millis(percentile(misses, 95))}  (${misses.length} resolves)`],
    ["resolve, cache hit (median, p95)", `${millis(median(hits))}, ${millis(percentile(hits, 95))}  (${hits.length} resolves)`],
    ["index hash (cold, no config)", plainReport.index_hash],
    ["index hash (namespace copy, after edits)", finalHash],
  ]);

  if (args.scale) {
    // Issue 11: the corpus five times under different folders plus the Rust book.
    const scale = path.join(workDir, "scale");
    mkdirSync(scale);
    for (let i = 1; i <= 5; i++) copy(corpus, path.join(scale, `copy-${i}`));
    copy(rustBookSource, path.join(scale, "rust-book"));
    const s = { floor: [], floorCpu: [], cold: [], coldCpu: [], rss: [], oldCold: [], oldColdCpu: [], oldRss: [], oneProc: [], oneProcRss: [], verify: [], verifyCpu: [], verifyRss: [], oldVerify: [], oldVerifyCpu: [] };
    let report;
    for (let run = 0; run < args.runs; run++) {
      const floorRun = floor(scale);
      s.floor.push(floorRun.ms);
      s.floorCpu.push(floorRun.cpu);
      const cold = coldBuild(scale);
      s.cold.push(cold.ms);
      s.coldCpu.push(cold.cpu);
      s.rss.push(cold.rss);
      report = cold.report;
      if (baseline) {
        const oldCold = coldBuild(scale, baseline);
        s.oldCold.push(oldCold.ms);
        s.oldColdCpu.push(oldCold.cpu);
        s.oldRss.push(oldCold.rss);
      }
    }
    // The baseline's build must not be the one the rest of the rounds work on.
    if (baseline) coldBuild(scale);
    const scalePaths = [];
    const listing = Index.open(scale);
    for (const symbolFile of listing.exportJsonl(path.join(workDir, "scale-export")).files.slice(0, 1)) {
      const seen = new Set();
      for (const line of readFileSync(symbolFile, "utf8").split("\n")) {
        if (!line) continue;
        const file = JSON.parse(line).file_path;
        if (!seen.has(file)) seen.add(file), scalePaths.push(file);
      }
    }
    // One file changed: a full build (walks and stats every file) and a build told which file (as a watcher does).
    const oneIn = [];
    const oneNamed = [];
    let oneInReport;
    let oneNamedReport;
    for (let run = 0; run < Math.max(5, args.runs); run++) {
      touchFile(scale, scalePaths, run);
      const measured = time(() => listing.build());
      if (measured.result.changed !== 1) throw new Error(`expected one changed file, got ${JSON.stringify(measured.result)}`);
      oneIn.push(measured.ms);
      oneInReport = measured.result;
      const named = touchFile(scale, scalePaths, 50 + run);
      const hinted = time(() => listing.build({ paths: [named] }));
      if (hinted.result.changed !== 1) throw new Error(`expected one changed file, got ${JSON.stringify(hinted.result)}`);
      oneNamed.push(hinted.ms);
      oneNamedReport = hinted.result;
    }
    listing.close();
    const watched = await watchRebuilds(scale, scalePaths, Math.max(5, args.runs));
    for (let run = 0; run < args.runs; run++) {
      const named = touchFile(scale, scalePaths, 100 + run);
      const one = cli(scale, "build", "--path", path.join(scale, named));
      if (JSON.parse(one.stdout).changed !== 1) throw new Error(`expected one changed file: ${one.stdout}`);
      s.oneProc.push(one.ms);
      s.oneProcRss.push(one.rss);
      const verify = cli(scale, "verify");
      if (!JSON.parse(verify.stdout).ok) throw new Error(`verify failed: ${verify.stdout.slice(0, 500)}`);
      s.verify.push(verify.ms);
      s.verifyCpu.push(verify.cpu);
      s.verifyRss.push(verify.rss);
      if (baseline) {
        // The baseline's verify on the same tree, right after (a no-change build for it too).
        const oldVerify = cliOf(baseline, scale, "verify");
        if (!JSON.parse(oldVerify.stdout).ok) throw new Error(`baseline verify failed: ${oldVerify.stdout.slice(0, 500)}`);
        s.oldVerify.push(oldVerify.ms);
        s.oldVerifyCpu.push(oldVerify.cpu);
      }
    }
    print(`scale: ${report.files} files, ${report.bytes} bytes (5 copies + rust-book), median of ${args.runs}`, [
      ["floor: walk + read + sha256", `${seconds(median(s.floor))} (CPU ${cpuSeconds(s.floorCpu)})`],
      ["cold build (whole process)", `${seconds(median(s.cold))} (target <= 2.5 s) = ${ratio(median(s.cold), median(s.floor))} the floor; CPU ${cpuSeconds(s.coldCpu)} = ${cpuRatio(s.coldCpu, s.floorCpu)}`],
      ["  peak RSS", `${mib(median(s.rss))} (target <= 150 MiB)`],
      ["  phases (last run)", Object.entries(report.timings).map(([k, v]) => `${k}=${v}`).join(" ")],
      ...(baseline
        ? [
            [
              "cold build, baseline (same rounds)",
              `${seconds(median(s.oldCold))} = ${ratio(median(s.oldCold), median(s.floor))} the floor; CPU ${cpuSeconds(s.oldColdCpu)}; peak RSS ${mib(median(s.oldRss))}; this build / baseline ${ratio(median(s.cold), median(s.oldCold))}`,
            ],
          ]
        : []),
      ["one-file rebuild, named (build({paths}), in process)", `${seconds(median(oneNamed))}, p95 ${seconds(percentile(oneNamed, 95))} (target <= 0.150 s)`],
      ["  phases (last run)", Object.entries(oneNamedReport.timings).map(([k, v]) => `${k}=${v}`).join(" ")],
      ["one-file rebuild, full walk (build(), in process)", `${seconds(median(oneIn))}, p95 ${seconds(percentile(oneIn, 95))}; folders listed ${oneInReport.foldersRead}, from their record ${oneInReport.foldersReused}`],
      ["  phases (last run)", Object.entries(oneInReport.timings).map(([k, v]) => `${k}=${v}`).join(" ")],
      [
        "one-file rebuild through `catalytic watch` (write -> its report line)",
        `${seconds(median(watched.endToEnd))}, p95 ${seconds(percentile(watched.endToEnd, 95))} (target <= 0.150 s; ${watched.debounceMs} ms of it is the debounce); event -> built ${seconds(median(watched.latency))}`,
      ],
      ["one-file rebuild, named, whole process (build --path)", `${seconds(median(s.oneProc))}; peak RSS ${mib(median(s.oneProcRss))}`],
      ["verify (whole process)", `${seconds(median(s.verify))} (target <= 1.5 s); CPU ${cpuSeconds(s.verifyCpu)}; peak RSS ${mib(median(s.verifyRss))}`],
      ...(baseline ? [["verify, baseline (same rounds)", `${seconds(median(s.oldVerify))}; CPU ${cpuSeconds(s.oldVerifyCpu)}`]] : []),
    ]);
  }
  process.stdout.write(`\nload average at the end (1/5/15 min): ${os.loadavg().map((l) => l.toFixed(2)).join(" / ")} on ${os.availableParallelism()} CPUs, node ${process.version}\n`);
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
