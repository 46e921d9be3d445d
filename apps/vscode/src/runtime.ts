// Pure parts of starting the server: the Node version check and the restart backoff (tested without VS Code).

export const MIN_NODE_MAJOR = 20;

export type RuntimeCheck = { ok: true; version: string } | { ok: false; problem: "missing" | "too-old" | "unrecognized"; version?: string; message: string };

/** Judges the output of `<runtime> --version` (or the spawn error when the runtime could not start). */
export function checkNodeVersion(runtime: string, output: string | undefined, spawnError?: string): RuntimeCheck {
  const fix = `Install Node.js ${MIN_NODE_MAJOR} or newer, or set "catalytic.server.runtime" to the path of a Node ${MIN_NODE_MAJOR}+ executable.`;
  if (spawnError !== undefined || output === undefined) {
    return { ok: false, problem: "missing", message: `Catalytic could not start the Node.js runtime "${runtime}"${spawnError ? ` (${spawnError})` : ""}. ${fix}` };
  }
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(output.trim());
  if (!match) return { ok: false, problem: "unrecognized", message: `"${runtime} --version" printed "${output.trim().slice(0, 80)}", not a Node.js version. ${fix}` };
  const version = `${match[1]}.${match[2]}.${match[3]}`;
  if (Number(match[1]) < MIN_NODE_MAJOR) {
    return { ok: false, problem: "too-old", version, message: `The Catalytic language server needs Node.js ${MIN_NODE_MAJOR} or newer; "${runtime}" is ${version}. ${fix}` };
  }
  return { ok: true, version };
}

/** A warning when the runtime's Node major differs from the one the bundled better-sqlite3 was built for, else undefined. */
export function nativeModuleMismatch(runtime: string, runtimeVersion: string, builtForVersion: string | undefined): string | undefined {
  if (builtForVersion === undefined) return undefined;
  const major = (version: string) => version.replace(/^v/, "").split(".")[0];
  if (major(runtimeVersion) === major(builtForVersion)) return undefined;
  return `The bundled SQLite module (better-sqlite3) was built for Node ${major(builtForVersion)}; "${runtime}" is Node ${runtimeVersion}, so the index and the cassette may fail to open. Set "catalytic.server.runtime" to a Node ${major(builtForVersion)} executable, or rebuild the extension with Node ${major(runtimeVersion)}.`;
}

/** Delay before restart attempt `attempt` (0-based): 1 s, 2 s, 4 s ... capped at 30 s. */
export function restartDelayMs(attempt: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.max(0, attempt));
}

/** A server that stayed up this long has recovered: the next crash starts the backoff again. */
export const STABLE_UPTIME_MS = 3 * 60_000;
