// Ants benchmark: steps/s end to end (plan + spawn + every receipt committed) for 1, 2 and 4 ants
// on 2,000 READ_SECTION steps over a temp copy of a corpus, and the time to the first receipt.
// Runs the built CLI bundle as real processes. Usage: pnpm bench:ants [-- --corpus DIR --steps N --repeat R --ants 1,2,4]
// [--baseline-cli FILE]: another build of catalytic.cjs (e.g. from main) run in the same rounds, for before/after
// ratios measured under the same load.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const here = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.resolve(here, "../../../apps/cli/dist/catalytic.cjs");
const { values } = parseArgs({
  // pnpm forwards its own "--" separator.
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    corpus: { type: "string", default: path.resolve(here, "../../../../shared/corpora/tldr-en") },
    steps: { type: "string", default: "2000" },
    repeat: { type: "string", default: "3" },
    ants: { type: "string", default: "1,2,4" },
    "baseline-cli": { type: "string" },
  },
});
const STEPS = Number(values.steps);
const REPEAT = Number(values.repeat);
const ANTS = values.ants.split(",").map(Number);

function catalytic(root, args, cli = CLI) {
  const out = execFileSync(process.execPath, [cli, "--root", root, ...args, "--json"], { encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
  return JSON.parse(out);
}

/**
 * CPU seconds (user + system) of this process's waited-for children so far, their own children included once
 * waited for (Linux: /proc/self/stat cutime and cstime); undefined elsewhere.
 */
function childrenCpuSeconds() {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
    // After the command name: field 3 (state) is index 0, so cutime (16) and cstime (17) are 13 and 14.
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return undefined;
  }
}

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/** A fresh copy of the corpus with a built index and the request file; returns the root. */
function prepare(runId) {
  const root = mkdtempSync(path.join(os.tmpdir(), "cat-bench-ants-"));
  // pnpm runs this from the package folder; a relative --corpus is meant from where pnpm was invoked.
  cpSync(path.resolve(process.env.INIT_CWD ?? process.cwd(), values.corpus), root, { recursive: true });
  catalytic(root, ["build"]);
  const exportDir = path.join(root, ".catalytic", "export");
  catalytic(root, ["export", "--jsonl", exportDir]);
  const ids = [];
  const seen = new Set();
  for (const line of readFileSync(path.join(exportDir, "SECTION_INDEX.jsonl"), "utf8").split("\n")) {
    if (!line) continue;
    const id = JSON.parse(line).section_id;
    if (!seen.has(id)) seen.add(id), ids.push(id);
    if (ids.length === STEPS) break;
  }
  if (ids.length < STEPS) throw new Error(`the corpus has only ${ids.length} distinct sections, ${STEPS} needed`);
  const request = { run_id: runId, request_id: "bench", intent: "benchmark", inputs: { sections: ids }, budgets: { max_steps: STEPS } };
  writeFileSync(path.join(root, ".catalytic", "bench-request.json"), JSON.stringify(request));
  return root;
}

function once(ants, i, cli) {
  const runId = `bench-${ants}-${i}`;
  const root = prepare(runId);
  try {
    const start = Date.now();
    const planned = catalytic(root, ["plan", "--request-file", path.join(root, ".catalytic", "bench-request.json")], cli);
    const planned_at = Date.now();
    const cpuBefore = childrenCpuSeconds();
    const spawned = catalytic(root, ["ants", "spawn", "--run-id", runId, "--job-id", planned.posted.job_id, "-n", String(ants)], cli);
    const end = Date.now();
    // The CPU of `ants spawn` and its ants: divided by its wall time, the cores it kept busy on average.
    const spawnCpu = cpuBefore === undefined ? undefined : childrenCpuSeconds() - cpuBefore;
    if (spawned.exit_code !== 0 || spawned.status.committed !== STEPS) throw new Error(`run failed: ${JSON.stringify(spawned.status)}`);
    const receipts = catalytic(root, ["cassette", "receipts", "--job-id", planned.posted.job_id]);
    const list = receipts.receipts ?? receipts;
    // The first receipt committed (the ledger's created_at): a receipt's own finished_at is when its step ended, before
    // its tokens were counted and it was committed.
    const firstReceipt = list.reduce((a, b) => (Date.parse(b.created_at) < Date.parse(a.created_at) ? b : a));
    const first = Date.parse(firstReceipt.created_at);
    // The manifest records when each ant process was started: the first receipt after the first ant's start.
    const manifest = JSON.parse(readFileSync(spawned.manifest, "utf8"));
    const antStart = Math.min(...manifest.workers.map((w) => Date.parse(w.startedAt)));
    // Where the time to the first receipt goes: the spawner's start until it starts the first ant, that ant's start
    // until the step begins (Node, the bundle, the ledger, the index, its job check, the claim), the step itself,
    // and its end until the commit (its tokens counted by the spawner, which loads the tokenizer meanwhile).
    const { started_at: stepStart, finished_at: stepEnd } = firstReceipt.receipt.timings;
    const firstPath = [antStart - planned_at, Date.parse(stepStart) - antStart, Date.parse(stepEnd) - Date.parse(stepStart), first - Date.parse(stepEnd)];
    return { seconds: (end - start) / 1000, planSeconds: (planned_at - start) / 1000, firstReceiptMs: first - start, firstAfterSpawnMs: first - planned_at, firstAfterAntMs: first - antStart, firstPath, spawnCpu, spawnSeconds: (end - planned_at) / 1000 };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

console.log(`ants benchmark: ${STEPS} READ_SECTION steps over ${values.corpus}, ${REPEAT} run(s) each, ${os.availableParallelism()} CPU(s), node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(" / ")}`);
const builds = [{ name: "this build", cli: CLI }, ...(values["baseline-cli"] ? [{ name: `baseline ${values["baseline-cli"]}`, cli: path.resolve(process.env.INIT_CWD ?? process.cwd(), values["baseline-cli"]) }] : [])];
// Rounds interleave the ant counts (1, 2, 4, 1, 2, 4, ...) and the builds so a change of load on a shared machine hits each alike.
const results = new Map(builds.map((build) => [build.name, new Map(ANTS.map((ants) => [ants, []]))]));
for (let i = 0; i < REPEAT; i++) {
  for (const ants of ANTS) {
    for (const build of builds) {
      const run = once(ants, i, build.cli);
      results.get(build.name).get(ants).push(run);
      // Each run as it ends (stderr): the spread a shared machine adds is visible next to the medians.
      process.stderr.write(`round ${i + 1}, ${ants} ant(s), ${build.name}: ${run.seconds.toFixed(2)} s (plan ${run.planSeconds.toFixed(2)} s), load ${os.loadavg()[0].toFixed(2)}\n`);
    }
  }
}

const ratios = (rates) => ANTS.map((ants, i) => `${ants} ants = ${(rates.get(ants) / rates.get(ANTS[0])).toFixed(2)}x of ${ANTS[0]}${i > 0 ? `, ${(rates.get(ants) / rates.get(ANTS[i - 1])).toFixed(2)}x of ${ANTS[i - 1]}` : ""}`).join("; ");
const medians = new Map();
for (const build of builds) {
  const byAnts = results.get(build.name);
  console.log(`\n${build.name}`);
  console.log("ants  steps/s median  steps/s p95-worst  end-to-end s median  plan s median  first receipt ms median (from plan start / from spawn / from the ant's start)  spawn-only steps/s");
  const medianRate = new Map();
  const medianSpawnRate = new Map();
  for (const ants of ANTS) {
    const runs = byAnts.get(ants);
    const sorted = (f) => runs.map(f).sort((a, b) => a - b);
    const rates = sorted((r) => STEPS / r.seconds);
    const spawnRates = sorted((r) => STEPS / (r.seconds - r.planSeconds));
    const firsts = [sorted((r) => r.firstReceiptMs), sorted((r) => r.firstAfterSpawnMs), sorted((r) => r.firstAfterAntMs)].map((v) => quantile(v, 0.5).toFixed(0));
    console.log(
      [
        String(ants).padStart(4),
        quantile(rates, 0.5).toFixed(0).padStart(15),
        // p95 of the rate distribution from below: the slow tail.
        quantile(rates, 0.05).toFixed(0).padStart(18),
        quantile(sorted((r) => r.seconds), 0.5).toFixed(2).padStart(20),
        quantile(sorted((r) => r.planSeconds), 0.5).toFixed(2).padStart(14),
        firsts.join(" / ").padStart(30),
        quantile(spawnRates, 0.5).toFixed(0).padStart(66),
      ].join(""),
    );
    const path = [0, 1, 2, 3].map((part) => quantile(sorted((r) => r.firstPath[part]), 0.5));
    if (runs.every((r) => r.spawnCpu !== undefined)) {
      const cpu = quantile(sorted((r) => r.spawnCpu), 0.5);
      const busy = quantile(sorted((r) => r.spawnCpu / r.spawnSeconds), 0.5);
      console.log(`      ants spawn CPU (the spawner and its ants, medians): ${cpu.toFixed(2)} s, ${((cpu * 1e6) / STEPS).toFixed(0)} µs per step, ${busy.toFixed(2)} cores busy on average of ${os.availableParallelism()}`);
    }
    console.log(`      first receipt path (medians, ms): spawner start to first ant ${path[0]}, ant start to its first step ${path[1]}, step ${path[2]}, step end to commit (tokens counted, committed) ${path[3]}`);
    medianRate.set(ants, quantile(rates, 0.5));
    medianSpawnRate.set(ants, quantile(spawnRates, 0.5));
  }
  // Targets (issue 16): 2 ants >= 1.5x the steps/s of 1, no N slower than the N before it, best N >= 5,000 steps/s
  // end to end, first receipt <= 150 ms after spawn. The same ratios of `ants spawn` alone (the plan excluded) follow.
  console.log(`ratios (median steps/s end to end): ${ratios(medianRate)}`);
  console.log(`ratios (median steps/s of ants spawn alone): ${ratios(medianSpawnRate)}`);
  console.log(`best: ${Math.max(...medianRate.values()).toFixed(0)} steps/s end to end (target >= 5000), ${Math.max(...medianSpawnRate.values()).toFixed(0)} of ants spawn alone`);
  medians.set(build.name, medianRate);
}
if (builds.length > 1) {
  const [now, base] = builds.map((build) => medians.get(build.name));
  console.log(`\nthis build vs baseline (median steps/s end to end): ${ANTS.map((ants) => `${ants} ants ${(now.get(ants) / base.get(ants)).toFixed(2)}x`).join(", ")}`);
}
console.log(`load average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(" / ")}`);
