// Ants benchmark: steps/s end to end (plan + spawn + every receipt committed) for 1, 2 and 4 ants
// on 2,000 READ_SECTION steps over a temp copy of a corpus, and the time to the first receipt.
// Runs the built CLI bundle as real processes. Usage: pnpm bench:ants [-- --corpus DIR --steps N --repeat R]
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
  },
});
const STEPS = Number(values.steps);
const REPEAT = Number(values.repeat);
const ANTS = values.ants.split(",").map(Number);

function catalytic(root, args) {
  const out = execFileSync(process.execPath, [CLI, "--root", root, ...args, "--json"], { encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
  return JSON.parse(out);
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

function once(ants, i) {
  const runId = `bench-${ants}-${i}`;
  const root = prepare(runId);
  try {
    const start = Date.now();
    const planned = catalytic(root, ["plan", "--request-file", path.join(root, ".catalytic", "bench-request.json")]);
    const planned_at = Date.now();
    const spawned = catalytic(root, ["ants", "spawn", "--run-id", runId, "--job-id", planned.posted.job_id, "-n", String(ants)]);
    const end = Date.now();
    if (spawned.exit_code !== 0 || spawned.status.committed !== STEPS) throw new Error(`run failed: ${JSON.stringify(spawned.status)}`);
    const receipts = catalytic(root, ["cassette", "receipts", "--job-id", planned.posted.job_id]);
    const list = receipts.receipts ?? receipts;
    const first = Math.min(...list.map((r) => Date.parse((r.receipt ?? r).timings.finished_at)));
    return { seconds: (end - start) / 1000, planSeconds: (planned_at - start) / 1000, firstReceiptMs: first - start, firstAfterSpawnMs: first - planned_at };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

console.log(`ants benchmark: ${STEPS} READ_SECTION steps over ${values.corpus}, ${REPEAT} run(s) each, ${os.availableParallelism()} CPU(s), node ${process.version}`);
// Rounds interleave the ant counts (1, 2, 4, 1, 2, 4, ...) so a change of load on a shared machine hits each alike.
const byAnts = new Map(ANTS.map((ants) => [ants, []]));
for (let i = 0; i < REPEAT; i++) for (const ants of ANTS) byAnts.get(ants).push(once(ants, i));
console.log("ants  steps/s median  steps/s p95-worst  end-to-end s median  plan s median  first receipt ms median (from plan start / from spawn)  spawn-only steps/s");
const medianRate = new Map();
for (const ants of ANTS) {
  const runs = byAnts.get(ants);
  const rates = runs.map((r) => STEPS / r.seconds).sort((a, b) => a - b);
  const secs = runs.map((r) => r.seconds).sort((a, b) => a - b);
  const plans = runs.map((r) => r.planSeconds).sort((a, b) => a - b);
  const firsts = runs.map((r) => r.firstReceiptMs).sort((a, b) => a - b);
  const afterSpawn = runs.map((r) => r.firstAfterSpawnMs).sort((a, b) => a - b);
  const spawnRates = runs.map((r) => STEPS / (r.seconds - r.planSeconds)).sort((a, b) => a - b);
  console.log(
    [
      String(ants).padStart(4),
      quantile(rates, 0.5).toFixed(0).padStart(15),
      // p95 of the rate distribution from below: the slow tail.
      quantile(rates, 0.05).toFixed(0).padStart(18),
      quantile(secs, 0.5).toFixed(2).padStart(20),
      quantile(plans, 0.5).toFixed(2).padStart(14),
      `${quantile(firsts, 0.5).toFixed(0)} / ${quantile(afterSpawn, 0.5).toFixed(0)}`.padStart(24),
      quantile(spawnRates, 0.5).toFixed(0).padStart(52),
    ].join(""),
  );
  medianRate.set(ants, quantile(rates, 0.5));
}
// Targets (issue 16): 2 ants >= 1.5x the steps/s of 1, no N slower than the N before it, best N >= 5,000 steps/s
// end to end, first receipt <= 150 ms after spawn.
const one = medianRate.get(ANTS[0]);
console.log(`ratios (median steps/s): ${ANTS.map((ants, i) => `${ants} ants = ${(medianRate.get(ants) / one).toFixed(2)}x of ${ANTS[0]}${i > 0 ? `, ${(medianRate.get(ants) / medianRate.get(ANTS[i - 1])).toFixed(2)}x of ${ANTS[i - 1]}` : ""}`).join("; ")}`);
console.log(`best: ${Math.max(...medianRate.values()).toFixed(0)} steps/s end to end (target >= 5000); load average ${os.loadavg().map((l) => l.toFixed(2)).join(" / ")}`);
