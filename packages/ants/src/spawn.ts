// `ants spawn`: N worker processes on one job, a manifest, and the combined exit code (2 > 1 > 0).
import { spawn, type ChildProcess } from "node:child_process";
import { CassetteError, SILENT_LOGGER, UsageError, loadTokenCounter, type Logger } from "@catalytic/core";
import { Cassette, type JobStatus } from "@catalytic/cassette";
import { manifestPath, writeManifest, type ManifestWorker, type SpawnManifest } from "./manifest.js";
import { serveTokenCounts } from "./token-counts.js";

export interface SpawnOptions {
  root: string;
  runId: string;
  jobId: string;
  workers: number;
  continueOnFail?: boolean;
  /** Lease length in seconds for the workers (default: catalytic.json lease_ttl_seconds). */
  ttl?: number;
  /** The CLI bundle the workers run (default: the running script, process.argv[1]). */
  cliPath?: string;
  /** The Node executable (default: process.execPath). */
  nodePath?: string;
  /** Called with the job's status about every `progressIntervalMs` while workers run. */
  onProgress?: (status: JobStatus) => void;
  progressIntervalMs?: number;
  logger?: Logger;
}

export interface SpawnResult {
  exitCode: number;
  workers: Array<{ workerId: string; pid: number | null; exitCode: number | null }>;
  manifest: string;
  status: JobStatus;
}

const STDERR_TAIL = 2048;

/**
 * Most ants one spawn starts. Each is a Node process with its own SQLite connection (about 50 MB); past a few per
 * core they only contend for the write lock, and an unbounded count is a process storm (docs/ants.md).
 */
export const MAX_WORKERS = 64;

/** Throws CAT_USAGE unless 1 <= workers <= MAX_WORKERS. */
export function checkWorkerCount(workers: number): void {
  if (Number.isInteger(workers) && workers >= 1 && workers <= MAX_WORKERS) return;
  throw new UsageError("CAT_USAGE", `${workers} ants requested; the limit is ${MAX_WORKERS}`, {
    hint: `ask for 1 to ${MAX_WORKERS} workers (on this machine about twice the core count is plenty)`,
    details: { workers, max: MAX_WORKERS },
  });
}

/** Worst exit code across workers: 2 (invariant/database) > 1 (a step failed) > 0; a killed worker counts as 2. */
export function combineExitCodes(codes: ReadonlyArray<number | null>): number {
  let worst = 0;
  for (const code of codes) {
    const normalized = code === 0 ? 0 : code === 1 ? 1 : 2;
    worst = Math.max(worst, normalized);
  }
  return worst;
}

function jobStatusOf(root: string, jobId: string): JobStatus {
  const cassette = Cassette.openWorkspace(root);
  try {
    return cassette.jobStatus(jobId);
  } finally {
    cassette.close();
  }
}

/** CAT_JOB_NOT_FOUND or CAT_PLAN_TAMPERED unless `jobId` is an intact job of `runId`. */
function requireRunnableJob(root: string, runId: string, jobId: string): void {
  const cassette = Cassette.openWorkspace(root);
  try {
    const job = cassette.getJob(jobId);
    if (!job || job.runId !== runId) {
      throw new CassetteError("CAT_JOB_NOT_FOUND", `no job ${jobId} in run ${runId}`, {
        hint: "post a plan with 'catalytic plan --request-file F' and use the job id it prints",
        details: { runId, jobId },
      });
    }
    // A plan edited in the ledger after posting is refused here with its own error (each ant checks it again).
    cassette.requireIntactJob(jobId);
  } finally {
    cassette.close();
  }
}

interface Started {
  child: ChildProcess;
  exit: Promise<void>;
}

export async function spawnAnts(options: SpawnOptions): Promise<SpawnResult> {
  const { root, runId, jobId } = options;
  checkWorkerCount(options.workers);
  const logger = options.logger ?? SILENT_LOGGER;
  const nodePath = options.nodePath ?? process.execPath;
  const cliPath = options.cliPath ?? process.argv[1] ?? "";
  const file = manifestPath(root, runId, jobId);
  const manifest: SpawnManifest = {
    runId,
    jobId,
    spawnerPid: process.pid,
    command: [nodePath, cliPath, "ants", "worker"],
    continueOnFail: options.continueOnFail ?? false,
    startedAt: new Date().toISOString(),
    endedAt: null,
    exitCode: null,
    workers: [],
  };
  const started: Started[] = [];
  const startWorker = (i: number): Started => {
    const workerId = `ant-${process.pid}-${i}`;
    const args = [cliPath, "ants", "worker", "--root", root, "--run-id", runId, "--job-id", jobId, "--worker-id", workerId, "--token-counts", "spawner"];
    if (options.ttl !== undefined) args.push("--ttl", String(options.ttl));
    if (options.continueOnFail) args.push("--continue-on-fail");
    // The IPC channel carries the ant's token-count requests and this process's answers (token-counts.ts).
    const child = spawn(nodePath, args, { cwd: root, stdio: ["ignore", "ignore", "pipe", "ipc"], serialization: "advanced" });
    const entry: ManifestWorker = { workerId, pid: child.pid ?? null, startedAt: new Date().toISOString(), endedAt: null, exitCode: null, signal: null, stderrTail: "" };
    manifest.workers.push(entry);
    let stderr = "";
    const stderrStream = child.stderr as NonNullable<typeof child.stderr>;
    stderrStream.setEncoding("utf8");
    stderrStream.on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL);
    });
    const exit = new Promise<void>((resolve) => {
      const done = (code: number | null, signal: string | null, why?: string): void => {
        if (entry.endedAt) return;
        entry.endedAt = new Date().toISOString();
        entry.exitCode = code === null && signal === null ? 2 : code;
        entry.signal = signal;
        entry.stderrTail = why ? `${stderr}${why}` : stderr;
        logger.info(`worker ${workerId} exited`, { code: entry.exitCode, signal });
        resolve();
      };
      child.on("error", (error) => done(2, null, `could not start: ${error.message}`));
      child.on("close", (code, signal) => done(code, signal));
    });
    return { child, exit };
  };
  // The ants start before this process checks the job: each boots Node and the CLI bundle meanwhile (the first
  // receipt comes that much sooner), and none leases a step before its own check of the job and its plan hash.
  for (let i = 1; i <= options.workers; i++) started.push(startWorker(i));
  const exits = started.map((s) => s.exit);
  try {
    requireRunnableJob(root, runId, jobId);
  } catch (error) {
    for (const { child } of started) child.kill("SIGTERM");
    await Promise.all(exits);
    throw error;
  }
  // The tokenizer, once for the run, while the ants boot (none loads its own). Every line since the ants started is
  // synchronous: no request of theirs can have been read before these listeners.
  const tokenizer = loadTokenCounter();
  // A tokenizer that does not load is each request's error (count-error), not this process's unhandled rejection.
  tokenizer.catch(() => undefined);
  for (const { child } of started) serveTokenCounts(child, tokenizer);
  writeManifest(file, manifest);
  // One connection for the whole wait: opening the ledger runs its migration check, a write lock.
  const watcher = options.onProgress ? Cassette.openWorkspace(root) : undefined;
  const timer = watcher && setInterval(() => options.onProgress?.(watcher.jobStatus(jobId)), options.progressIntervalMs ?? 200);
  try {
    await Promise.all(exits);
  } finally {
    if (timer) clearInterval(timer);
    watcher?.close();
  }
  manifest.endedAt = new Date().toISOString();
  manifest.exitCode = combineExitCodes(manifest.workers.map((w) => w.exitCode));
  writeManifest(file, manifest);
  const status = jobStatusOf(root, jobId);
  options.onProgress?.(status);
  return {
    exitCode: manifest.exitCode,
    workers: manifest.workers.map((w) => ({ workerId: w.workerId, pid: w.pid, exitCode: w.exitCode })),
    manifest: file,
    status,
  };
}
