// RUN_TEST: the command recorded in the step when the plan was made, only while catalytic.json still names it,
// spawned without a shell, inside the workspace, in its own process group (killed with the ant: reaper.ts),
// with a timeout. Arguments are passed as literal bytes: shell metacharacters mean nothing here.
import { spawn } from "node:child_process";
import path from "node:path";
import { ExecutionError, InputError, PlannerError, resolveInsideWorkspace, type TestCommand } from "@catalytic/core";
import type { Executor } from "../context.js";
import { guardGroup } from "./reaper.js";

export const OUTPUT_TAIL_BYTES = 4096;

interface TestRun {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  outputTail: string;
  spawnError?: string;
}

/** Keeps only the last `limit` bytes of everything written to it. */
class Tail {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly limit: number) {}
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.chunks.length > 1 && this.size - (this.chunks[0] as Buffer).length >= this.limit) this.size -= (this.chunks.shift() as Buffer).length;
  }
  text(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.limit)).toString("utf8");
  }
}

function commandPath(root: string, command: string): string {
  if (path.isAbsolute(command) || !command.includes("/")) return command;
  return resolveInsideWorkspace(root, command);
}

function runCommand(root: string, test: TestCommand, timeoutMs: number, signal: AbortSignal): Promise<TestRun> {
  const cwd = resolveInsideWorkspace(root, test.cwd === "" ? "." : test.cwd);
  return new Promise((resolve) => {
    const tail = new Tail(OUTPUT_TAIL_BYTES);
    let timedOut = false;
    let settled = false;
    const child = spawn(commandPath(root, test.command), test.args, {
      cwd,
      shell: false,
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group, so a timeout, a lost lease or a dead ant (the reaper) kills whatever the test started too.
      detached: true,
    });
    const release = child.pid !== undefined ? guardGroup(child.pid) : () => {};
    const kill = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutMs);
    const abort = (): void => kill();
    signal.addEventListener("abort", abort);
    const finish = (run: TestRun): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", abort);
      release();
      resolve(run);
    };
    child.stdout.on("data", (chunk: Buffer) => tail.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => tail.push(chunk));
    child.on("error", (error) => finish({ exitCode: null, signal: null, timedOut, outputTail: tail.text(), spawnError: error.message }));
    child.on("close", (code, sig) => finish({ exitCode: code, signal: sig, timedOut, outputTail: tail.text() }));
  });
}

function sameCommand(a: { command: string; args: readonly string[]; cwd: string }, b: { command: string; args: readonly string[]; cwd: string }): boolean {
  return a.command === b.command && a.cwd === b.cwd && a.args.length === b.args.length && a.args.every((arg, i) => arg === b.args[i]);
}

export const runTest: Executor = async (step, ctx, receipt) => {
  const name = step.refs.test_name;
  const recorded = step.refs.test_command;
  if (!name || !recorded) throw new InputError("CAT_PLAN_INVALID", "RUN_TEST step needs refs.test_name and refs.test_command", { hint: "re-plan the request" });
  const configured = Object.hasOwn(ctx.config.tests, name) ? ctx.config.tests[name] : undefined;
  if (!configured) {
    throw new PlannerError("CAT_TEST_NOT_CONFIGURED", `test ${JSON.stringify(name)} is not in catalytic.json tests`, {
      hint: "only tests named in catalytic.json can run; add it there and re-plan",
      details: { test_name: name, configured: Object.keys(ctx.config.tests).sort() },
    });
  }
  // The step runs the command recorded when the plan was made (covered by the plan hash); the configuration can
  // only veto it. A changed test, or a step naming a command the configuration never had, runs nothing.
  if (!sameCommand(recorded, configured)) {
    throw new PlannerError("CAT_TEST_CHANGED", `test ${JSON.stringify(name)} in catalytic.json is not the command recorded in the plan`, {
      hint: "catalytic.json changed after the plan was posted (or the step was not made by the planner); re-plan to run the current command",
      details: { test_name: name, recorded, configured: { command: configured.command, args: configured.args, cwd: configured.cwd } },
    });
  }
  const test: TestCommand = { ...recorded, timeout_seconds: configured.timeout_seconds };
  const timeoutSeconds = Math.min(test.timeout_seconds, step.constraints?.timeout_seconds ?? test.timeout_seconds);
  const run = await runCommand(ctx.root, test, timeoutSeconds * 1000, ctx.signal);
  const result = {
    command: test.command,
    args: test.args,
    cwd: test.cwd,
    exit_code: run.exitCode,
    signal: run.signal,
    timed_out: run.timedOut,
    output_tail: run.outputTail,
    ...(run.spawnError ? { spawn_error: run.spawnError } : {}),
  };
  const passed = run.exitCode === 0 && !run.timedOut;
  receipt.act({ type: "EXECUTE", target: name, status: passed ? "SUCCESS" : "FAILURE", result });
  receipt.output("exit_code", run.exitCode);
  receipt.output("output_tail", run.outputTail);
  receipt.produce(run.outputTail);
  if (passed) return;
  const why = run.spawnError
    ? `could not start ${test.command}: ${run.spawnError}`
    : run.timedOut
      ? `timed out after ${timeoutSeconds} s`
      : run.exitCode === null
        ? `was killed by ${run.signal}`
        : `exited with code ${run.exitCode}`;
  throw new ExecutionError("CAT_TEST_FAILED", `test ${name} ${why}`, {
    hint: "read output_tail in the receipt ('catalytic cassette show --receipt ID')",
    details: { test_name: name, exit_code: run.exitCode, timed_out: run.timedOut },
  });
};
