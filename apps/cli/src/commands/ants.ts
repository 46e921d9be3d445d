// `catalytic ants spawn|worker|status`: run a job's steps in N worker processes and watch them.
import { existsSync, readFileSync } from "node:fs";
import { CassetteError, UsageError, escapeText, type Logger } from "@catalytic/core";
import { Cassette } from "@catalytic/cassette";
import { MAX_WORKERS, checkWorkerCount, manifestPath, runWorker, spawnAnts, type SpawnResult } from "@catalytic/ants";
import { MAX_TTL_SECONDS, booleanOption, idOption, intOption, optionalIntOption, stringOption } from "../args.js";
import type { Command, CommandContext, OptionSpec, ParsedArgs } from "../command.js";

const JOB_OPTIONS: Record<string, OptionSpec> = {
  "run-id": { type: "string", description: "run of the job" },
  "job-id": { type: "string", description: "job to execute (printed by 'catalytic plan')" },
};

export const SPAWN_OPTIONS: Record<string, OptionSpec> = {
  ...JOB_OPTIONS,
  "continue-on-fail": { type: "boolean", description: "keep executing the other steps after a failure (exit code stays 1)" },
  ttl: { type: "integer", min: 1, max: MAX_TTL_SECONDS, description: "lease length in seconds", defaultText: "catalytic.json lease_ttl_seconds" },
  cli: { type: "string", description: "CLI bundle the workers run", defaultText: "this CLI" },
};

/** Spawns the ants with a progress bar on a TTY and prints the outcome; shared by `ants spawn` and `execute`. */
export async function runSpawn(ctx: CommandContext, args: ParsedArgs, workers: number): Promise<number> {
  const runId = idOption(args, "run-id");
  const jobId = idOption(args, "job-id");
  checkWorkerCount(workers);
  const ttl = optionalIntOption(args, "ttl");
  let progress: ReturnType<CommandContext["progress"]> | undefined;
  const result: SpawnResult = await spawnAnts({
    root: ctx.root,
    runId,
    jobId,
    workers,
    continueOnFail: booleanOption(args, "continue-on-fail"),
    ...(ttl !== undefined ? { ttl } : {}),
    ...(stringOption(args, "cli") ? { cliPath: stringOption(args, "cli") } : {}),
    ...(ctx.interactive
      ? {
          onProgress: (status) => {
            progress ??= ctx.progress(`job ${jobId}`, status.stepCount);
            progress.tick(status.committed, `${status.leased} running, ${status.outcomes.FAILURE} failed`);
          },
        }
      : {}),
  });
  progress?.finish();
  const failed = result.status.outcomes.FAILURE;
  const error =
    result.exitCode === 0
      ? undefined
      : result.exitCode === 1
        ? { code: "CAT_STEP_FAILED", message: `${failed} step(s) of job ${jobId} failed`, hint: `see the receipts: catalytic cassette receipts --job-id ${jobId}` }
        : { code: "CAT_INVARIANT", message: `an ant stopped on an invariant or database error`, hint: `see stderrTail in ${result.manifest}` };
  ctx.emitJson({ ok: result.exitCode === 0, ...result, ...(error ? { error } : {}) });
  const { status } = result;
  ctx.print(`job ${jobId}: ${status.committed}/${status.stepCount} committed (${status.outcomes.SUCCESS} succeeded, ${status.outcomes.FAILURE} failed), ${status.pending} pending`);
  for (const worker of result.workers) ctx.print(`  ${worker.workerId} pid ${worker.pid ?? "-"} exit ${worker.exitCode ?? "killed"}`);
  ctx.print(`manifest ${result.manifest}`);
  if (result.exitCode !== 0) ctx.note(`ants exited ${result.exitCode} (${result.exitCode === 1 ? "a step failed" : "invariant or database error"})`);
  return result.exitCode;
}

const spawnCommand: Command = {
  name: "ants spawn",
  summary: "Execute a job with N worker processes (ants); exit 0 all done, 1 a step failed, 2 invariant/database error",
  options: { ...SPAWN_OPTIONS, workers: { type: "integer", min: 1, max: MAX_WORKERS, short: "n", description: "number of ants", defaultText: "1" } },
  details: "Writes .catalytic/runs/<run>/manifest-<job>.json (pids, worker ids, start/end, exit codes).",
  run: (ctx, args) => runSpawn(ctx, args, intOption(args, "workers", 1)),
};

function stderrLogger(ctx: CommandContext): Logger {
  return {
    info() {},
    warn: (message) => ctx.note(`warn: ${escapeText(message)}`),
    error: (message) => ctx.note(`error: ${escapeText(message)}`),
  };
}

const workerCommand: Command = {
  name: "ants worker",
  summary: "(internal, started by 'ants spawn') claim, execute and commit steps of one job until none is left",
  options: {
    ...JOB_OPTIONS,
    "worker-id": { type: "string", description: "this worker's id (recorded in every receipt)" },
    ttl: { type: "integer", min: 1, max: MAX_TTL_SECONDS, description: "lease length in seconds", defaultText: "catalytic.json lease_ttl_seconds" },
    "continue-on-fail": { type: "boolean", description: "keep claiming after a failed step" },
    "idle-polls": { type: "integer", min: 0, max: 1_000_000, description: "polls with nothing claimable before giving up", defaultText: "lease length + 2 s" },
    "token-counts": { type: "string", description: "where receipts' token counts come from: own (this ant's tokenizer) or spawner (over the IPC channel of 'ants spawn')", defaultText: "own" },
  },
  async run(ctx, args) {
    const ttl = optionalIntOption(args, "ttl");
    const idlePolls = optionalIntOption(args, "idle-polls");
    const tokenCounts = stringOption(args, "token-counts") ?? "own";
    if (tokenCounts !== "own" && tokenCounts !== "spawner") {
      throw new UsageError("CAT_USAGE", `--token-counts ${JSON.stringify(tokenCounts)}: expected own or spawner`, { hint: "leave it out: 'ants spawn' passes spawner to the ants it starts" });
    }
    const result = await runWorker({
      root: ctx.root,
      runId: idOption(args, "run-id"),
      jobId: idOption(args, "job-id"),
      workerId: idOption(args, "worker-id"),
      continueOnFail: booleanOption(args, "continue-on-fail"),
      ...(ttl !== undefined ? { ttl } : {}),
      ...(idlePolls !== undefined ? { idlePolls } : {}),
      tokenCounts,
      logger: stderrLogger(ctx),
    });
    ctx.emitJson(result);
    ctx.print(`${result.workerId}: executed ${result.executed}, failed ${result.failed}, stopped: ${result.stoppedBecause}`);
    if (result.error) ctx.note(`error ${result.error.code}: ${escapeText(result.error.message)}`);
    return result.exitCode;
  },
};

const statusCommand: Command = {
  name: "ants status",
  summary: "Show a job's progress and the last spawn's workers",
  options: JOB_OPTIONS,
  run(ctx, args) {
    const runId = idOption(args, "run-id");
    const jobId = idOption(args, "job-id");
    const cassette = Cassette.openWorkspace(ctx.root);
    let status;
    try {
      if (cassette.getJob(jobId)?.runId !== runId) {
        throw new CassetteError("CAT_JOB_NOT_FOUND", `no job ${jobId} in run ${runId}`, {
          hint: "check the ids with 'catalytic cassette jobs --run-id R'",
          details: { runId, jobId },
        });
      }
      status = cassette.jobStatus(jobId);
    } finally {
      cassette.close();
    }
    const file = manifestPath(ctx.root, runId, jobId);
    const manifest = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as unknown) : undefined;
    ctx.emitJson({ status, manifest: manifest ?? null, manifestPath: file });
    ctx.print(
      `job ${jobId}: ${status.committed}/${status.stepCount} committed, ${status.leased} leased, ${status.pending} pending (${status.runnable} runnable); ` +
        `${status.outcomes.SUCCESS} succeeded, ${status.outcomes.FAILURE} failed${status.done ? ", done" : status.blocked ? ", blocked by a failure" : ""}`,
    );
    ctx.print(`bytes used ${status.bytesUsed}${status.maxBytes === null ? "" : `/${status.maxBytes}`}, symbols used ${status.symbolsUsed}${status.maxSymbols === null ? "" : `/${status.maxSymbols}`}`);
    if (manifest) {
      const m = manifest as { workers: Array<{ workerId: string; pid: number | null; exitCode: number | null; endedAt: string | null }> };
      for (const w of m.workers) ctx.print(`  ${w.workerId} pid ${w.pid ?? "-"} ${w.endedAt ? `exit ${w.exitCode}` : "running"}`);
    }
    return 0;
  },
};

export const antsCommands: readonly Command[] = [spawnCommand, workerCommand, statusCommand];
