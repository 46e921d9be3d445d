// Cassette benchmark: posts/s, and claim+complete/s (with receipts) from 1, 2 and 4 processes on a file-backed
// database, against the same workload on plainjob (an SQLite job queue for Node). Medians of 3 runs.
// Run: pnpm bench:cassette   (env BENCH_STEPS, BENCH_POSTS, BENCH_RUNS, BENCH_BATCH to change the sizes;
// BENCH_CASSETTE_BUNDLE=<absolute path> measures a cassette bundle built earlier, e.g. of main, instead of these sources)
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import { better, defineQueue } from "plainjob";
import { bundleCassette } from "../scripts/bundle.mjs";

const SELF = fileURLToPath(import.meta.url);
const STEPS = Number(process.env.BENCH_STEPS ?? 4000);
const POSTS = Number(process.env.BENCH_POSTS ?? 2000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const BATCH = Number(process.env.BENCH_BATCH ?? 16);
const PROCESS_COUNTS = [1, 2, 4];
const CASSETTE_SYSTEMS = ["cassette", "cassette-chained", "cassette-batch", "cassette-batch-chained"];
// The cassette's checkpoint interval (connection.ts: ~41 MB of WAL), applied to plainjob's connection too in its
// own 4 KiB pages (a new ledger has 1 KiB pages, docs/cassette.md "Page size").
const CASSETTE_WAL_AUTOCHECKPOINT = 10_000;
const silent = { error() {}, warn() {}, info() {}, debug() {} };

const loadCassette = async (bundle) => (await import(pathToFileURL(bundle).href)).Cassette;

/** plainjob sets WAL, synchronous=1 and busy_timeout=5000 itself; it also gets the cassette's checkpoint interval. */
function openPlainjob(file) {
  const db = new Database(file);
  const queue = defineQueue({ connection: better(db), logger: silent, maintenanceInterval: 3_600_000 });
  db.pragma(`wal_autocheckpoint = ${CASSETTE_WAL_AUTOCHECKPOINT}`);
  return { queue, db };
}

function plainjobPragmas(db) {
  const read = (name) => db.pragma(name, { simple: true });
  return {
    journalMode: String(read("journal_mode")),
    synchronous: Number(read("synchronous")),
    foreignKeys: Number(read("foreign_keys")),
    busyTimeout: Number(read("busy_timeout")),
    walAutocheckpoint: Number(read("wal_autocheckpoint")),
    pageSize: Number(read("page_size")),
  };
}

// ---- worker side: open, say ready, wait for "go" on stdin, drain, report timings --------------------------

async function worker([system, bundle, file, workerId]) {
  let claimAndComplete;
  let close;
  let pragmas;
  const completion = (step) => ({
    runId: "bench",
    stepId: step.stepId,
    workerId,
    fencingToken: step.fencingToken,
    receipt: { i: step.payload.i, by: workerId },
    outcome: "SUCCESS",
  });
  if (system === "cassette") {
    const cassette = (await loadCassette(bundle)).open(file);
    pragmas = cassette.pragmas();
    claimAndComplete = () => {
      const step = cassette.claimStep("bench", workerId, 300);
      if (!step) return false;
      cassette.completeStep(completion(step));
      return true;
    };
    close = () => cassette.close();
  } else if (system === "cassette-chained") {
    // completeAndClaimNext: the completion and the next claim share one transaction.
    const cassette = (await loadCassette(bundle)).open(file);
    pragmas = cassette.pragmas();
    let step;
    let started = false;
    claimAndComplete = () => {
      if (!started) {
        started = true;
        step = cassette.claimStep("bench", workerId, 300);
      }
      if (!step) return false;
      step = cassette.completeAndClaimNext(completion(step), 300).next;
      return true;
    };
    close = () => cassette.close();
  } else if (system === "cassette-batch") {
    // claimSteps(BATCH) then completeSteps: two transactions per batch. Each step waits for its whole batch.
    const cassette = (await loadCassette(bundle)).open(file);
    pragmas = cassette.pragmas();
    claimAndComplete = () => {
      const steps = cassette.claimSteps("bench", workerId, 300, BATCH);
      if (steps.length === 0) return 0;
      cassette.completeSteps(steps.map(completion));
      return steps.length;
    };
    close = () => cassette.close();
  } else if (system === "cassette-batch-chained") {
    // completeStepsAndClaimNext: a batch's completions and the next batch's claims in one transaction.
    const cassette = (await loadCassette(bundle)).open(file);
    pragmas = cassette.pragmas();
    let steps;
    claimAndComplete = () => {
      steps ??= cassette.claimSteps("bench", workerId, 300, BATCH);
      if (steps.length === 0) return 0;
      const count = steps.length;
      steps = cassette.completeStepsAndClaimNext(steps.map(completion), { runId: "bench", workerId, ttlSeconds: 300, max: BATCH }).next;
      return count;
    };
    close = () => cassette.close();
  } else {
    const { queue, db } = openPlainjob(file);
    pragmas = plainjobPragmas(db);
    claimAndComplete = () => {
      const claimed = queue.getAndMarkJobAsProcessing("bench");
      if (!claimed) return false;
      queue.getJobById(claimed.id); // a worker needs the payload, as the cassette's claim returns it
      queue.markJobAsDone(claimed.id);
      return true;
    };
    close = () => queue.close();
  }
  process.stdout.write("ready\n");
  await new Promise((resolve) => process.stdin.once("data", resolve));
  const start = performance.timeOrigin + performance.now();
  const latencies = [];
  for (;;) {
    const t0 = performance.now();
    const count = Number(claimAndComplete());
    if (!count) break;
    const took = performance.now() - t0;
    for (let i = 0; i < count; i++) latencies.push(took);
  }
  const end = performance.timeOrigin + performance.now();
  close();
  process.stdout.write(`${JSON.stringify({ start, end, latencies, pragmas })}\n`);
  process.exit(0);
}

// ---- parent side ----------------------------------------------------------------------------------------

function startWorker(args) {
  const child = spawn(process.execPath, [SELF, "worker", ...args], { stdio: ["pipe", "pipe", "inherit"] });
  let out = "";
  let onReady;
  const ready = new Promise((resolve) => (onReady = resolve));
  child.stdout.on("data", (chunk) => {
    out += chunk.toString();
    if (out.startsWith("ready\n")) onReady();
  });
  const done = new Promise((resolve, reject) =>
    child.on("close", (code) => (code === 0 ? resolve(JSON.parse(out.slice("ready\n".length))) : reject(new Error(`worker exited ${code}`)))),
  );
  return { child, ready, done };
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const median = (values) => percentile(values, 50);

async function drain(system, bundle, file, processes) {
  const workers = Array.from({ length: processes }, (_, i) => startWorker([system, bundle, file, `w${i}`]));
  await Promise.all(workers.map((w) => w.ready));
  const go = performance.timeOrigin + performance.now();
  for (const w of workers) w.child.stdin.end("go\n");
  const reports = await Promise.all(workers.map((w) => w.done));
  const end = Math.max(...reports.map((r) => r.end));
  const latencies = reports.flatMap((r) => r.latencies);
  if (latencies.length !== STEPS) throw new Error(`${system}: ${latencies.length} of ${STEPS} completed`);
  return { perSecond: STEPS / ((end - go) / 1000), p50: percentile(latencies, 50), p95: percentile(latencies, 95), pragmas: reports[0].pragmas };
}

/** Planner-like step ids (`step_` + 16 hex), in an order unrelated to their ordinals. */
function planSteps(tag) {
  return Array.from({ length: STEPS }, (_, i) => ({
    stepId: `step_${tag}_${((i * 2654435761) % 4294967296).toString(16).padStart(16, "0")}`,
    ordinal: i + 1,
    op: "NOTE",
    payload: { i },
    dependsOn: [],
  }));
}

async function cassetteRound(Cassette, bundle, dir, round) {
  const figures = {};
  const postFile = path.join(dir, `cassette-posts-${round}.db`);
  const posts = Cassette.open(postFile);
  const t0 = performance.now();
  for (let i = 0; i < POSTS; i++) posts.postMessage({ runId: "bench", source: "USER", payload: { intent: "bench", i } });
  figures.posts = POSTS / ((performance.now() - t0) / 1000);
  const t1 = performance.now();
  for (let i = 0; i < POSTS; i += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, POSTS - i) }, (_, j) => ({ runId: "batch", source: "USER", payload: { intent: "bench", i: i + j } }));
    posts.postMessages(batch);
  }
  figures.postsBatch = POSTS / ((performance.now() - t1) / 1000);
  posts.close();
  for (const system of CASSETTE_SYSTEMS) {
    figures[system] = {};
    for (const processes of PROCESS_COUNTS) {
      const file = path.join(dir, `${system}-${round}-${processes}.db`);
      const cassette = Cassette.open(file);
      const steps = planSteps(`${round}${processes}`);
      const { planHash } = await import(pathToFileURL(bundle).href);
      const hash = planHash("bench", "bench", steps.map((step) => step.payload));
      cassette.postPlan({ runId: "bench", idempotencyKey: "bench", request: {}, intent: "bench", planHash: hash, plannerVersion: "bench", steps });
      cassette.close();
      figures[system][processes] = await drain(system, bundle, file, processes);
      const check = Cassette.open(file);
      const verdict = check.verify("bench");
      check.close();
      if (!verdict.ok) throw new Error(`cassette verify failed: ${JSON.stringify(verdict.issues.slice(0, 3))}`);
    }
  }
  return figures;
}

async function plainjobRound(bundle, dir, round) {
  const figures = {};
  const postFile = path.join(dir, `plainjob-posts-${round}.db`);
  const { queue: posts } = openPlainjob(postFile);
  const t0 = performance.now();
  for (let i = 0; i < POSTS; i++) posts.add("bench", { intent: "bench", i });
  figures.posts = POSTS / ((performance.now() - t0) / 1000);
  const t1 = performance.now();
  for (let i = 0; i < POSTS; i += BATCH) {
    posts.addMany("batch", Array.from({ length: Math.min(BATCH, POSTS - i) }, (_, j) => ({ intent: "bench", i: i + j })));
  }
  figures.postsBatch = POSTS / ((performance.now() - t1) / 1000);
  posts.close();
  for (const processes of PROCESS_COUNTS) {
    const file = path.join(dir, `plainjob-${round}-${processes}.db`);
    const { queue } = openPlainjob(file);
    for (let i = 0; i < STEPS; i++) queue.add("bench", { i });
    queue.close();
    figures[processes] = await drain("plainjob", bundle, file, processes);
  }
  return figures;
}

const describePragmas = (p) =>
  `journal_mode=${p.journalMode} synchronous=${p.synchronous} busy_timeout=${p.busyTimeout} wal_autocheckpoint=${p.walAutocheckpoint} foreign_keys=${p.foreignKeys} page_size=${p.pageSize ?? "?"}`;

async function main() {
  const bundle = process.env.BENCH_CASSETTE_BUNDLE ? path.resolve(process.env.BENCH_CASSETTE_BUNDLE) : await bundleCassette();
  const Cassette = await loadCassette(bundle);
  const dir = mkdtempSync(path.join(os.tmpdir(), "cassette-bench-"));
  const rounds = { cassette: [], plainjob: [] };
  try {
    for (let round = 0; round < RUNS; round++) {
      rounds.cassette.push(await cassetteRound(Cassette, bundle, dir, round));
      rounds.plainjob.push(await plainjobRound(bundle, dir, round));
      process.stderr.write(`round ${round + 1}/${RUNS} done\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const med = (system, pick) => median(rounds[system].map(pick));
  // Ratios: the median over rounds of cassette/plainjob within each round (the two ran back to back).
  const roundRatio = (pick) => median(rounds.cassette.map((c, i) => pick(c, rounds.plainjob[i])));
  const fmt = (n) => n.toFixed(0).padStart(8);
  const ms = (n) => n.toFixed(3).padStart(7);
  const cassettePosts = med("cassette", (r) => r.posts);
  const plainjobPosts = med("plainjob", (r) => r.posts);
  const cassetteBatchPosts = med("cassette", (r) => r.postsBatch);
  const plainjobBatchPosts = med("plainjob", (r) => r.postsBatch);
  const lines = [
    `cassette benchmark: ${STEPS} steps per drain, ${POSTS} posts, batches of ${BATCH}, file-backed WAL database, median of ${RUNS} runs (node ${process.version}, ${os.cpus().length} cpus)`,
    `connection settings (worker processes): cassette ${describePragmas(rounds.cassette[0].cassette[1].pragmas)}`,
    `                                        plainjob ${describePragmas(rounds.plainjob[0][1].pragmas)}`,
    "",
    "posts/s (cassette: message + job + step + budget per post; plainjob: one job row per add)",
    `  one per transaction        cassette ${fmt(cassettePosts)}   plainjob ${fmt(plainjobPosts)}   ratio ${roundRatio((c, p) => c.posts / p.posts).toFixed(2)}`,
    `  ${String(BATCH).padStart(4)} per transaction      cassette ${fmt(cassetteBatchPosts)}   plainjob ${fmt(plainjobBatchPosts)}   ratio ${roundRatio((c, p) => c.postsBatch / p.postsBatch).toFixed(2)}   (postMessages vs addMany)`,
    "",
    "claim+complete/s with receipts (lease, fencing token, hash-chained receipt, triggers) vs plainjob (mark processing, read, mark done: two transactions per step)",
    "  split         = claimStep then completeStep (two transactions per step)",
    "  chained       = completeAndClaimNext (the completion and the next claim in one transaction)",
    `  batch         = claimSteps(${BATCH}) then completeSteps (two transactions per ${BATCH} steps; a step's latency is its batch's)`,
    `  batch-chained = completeStepsAndClaimNext (a batch's completions and the next ${BATCH} claims in one transaction)`,
    `  plainjob/s per process count: ${PROCESS_COUNTS.map((n) => `${n}: ${med("plainjob", (r) => r[n].perSecond).toFixed(0)}`).join("  ")}`,
    "  system          processes   steps/s  p50 ms  p95 ms  ratio vs plainjob (same run)",
  ];
  for (const system of CASSETTE_SYSTEMS) {
    for (const processes of PROCESS_COUNTS) {
      const figure = (pick) => med("cassette", (r) => pick(r[system][processes]));
      const ratio = roundRatio((c, p) => c[system][processes].perSecond / p[processes].perSecond);
      lines.push(
        `  ${system.replace("cassette-", "").replace("cassette", "split").padEnd(14)}  ${String(processes).padStart(9)}  ${fmt(figure((x) => x.perSecond))} ${ms(figure((x) => x.p50))} ${ms(figure((x) => x.p95))}  ${ratio.toFixed(2).padStart(8)}`,
      );
    }
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}

if (process.argv[2] === "worker") await worker(process.argv.slice(3));
else await main();
