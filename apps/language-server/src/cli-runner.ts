// Runs the `catalytic` CLI bundle as a child process: ants are processes, never code in the server.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { ExecutionError } from "@catalytic/core";

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** First existing of: the configured path, a catalytic.cjs next to the server bundle, the monorepo's and the workspace's apps/cli/dist. */
export function findCli(configured: string | undefined, serverDir: string, root: string): string | undefined {
  const candidates = [
    ...(configured ? [path.resolve(root, configured)] : []),
    path.join(serverDir, "catalytic.cjs"),
    path.resolve(serverDir, "../../cli/dist/catalytic.cjs"),
    path.join(root, "apps/cli/dist/catalytic.cjs"),
  ];
  return candidates.find((candidate) => existsSync(candidate));
}

export function runCli(cli: string | undefined, root: string, args: readonly string[], signal?: AbortSignal): Promise<CliResult> {
  if (!cli) {
    return Promise.reject(
      new ExecutionError("CAT_FILE_NOT_FOUND", "the catalytic CLI bundle (catalytic.cjs) was not found", {
        hint: "build it (pnpm --filter @catalytic/cli build) or set initializationOptions.cliPath to its path",
      }),
    );
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, "--root", root, "--json", ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"], signal });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", (error) => reject(new ExecutionError("CAT_INVARIANT", `cannot run ${cli}: ${error.message}`, { hint: "check initializationOptions.cliPath" })));
    child.on("close", (code) => resolve({ exitCode: code ?? 2, stdout: Buffer.concat(stdout).toString("utf8"), stderr: Buffer.concat(stderr).toString("utf8") }));
  });
}

/** The one JSON object a `--json` command prints (the whole stdout, else its last object line). */
export function parseCliJson(result: CliResult): Record<string, unknown> {
  const text = result.stdout.trim();
  for (const candidate of [text, text.slice(text.lastIndexOf("\n{") + 1)]) {
    try {
      if (candidate) return JSON.parse(candidate) as Record<string, unknown>;
    } catch {
      // try the next candidate, then fail below
    }
  }
  throw new ExecutionError("CAT_INVARIANT", `the CLI printed no JSON (exit ${result.exitCode})`, {
    hint: result.stderr.trim().split("\n").pop() ?? "run the same command in a terminal to see what happened",
  });
}
