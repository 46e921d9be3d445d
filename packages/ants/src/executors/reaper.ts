// The reaper: one small Node process per ant (started at its first RUN_TEST) that kills the process groups of
// the ant's running tests when the ant dies. The ant tells it each group as a test starts ("<pgid>\n") and ends
// ("-<pgid>\n") over a pipe nobody else holds; when the ant dies, even by SIGKILL, the pipe closes and the
// reaper kills every group still registered. A lost lease or a timeout is handled by the ant itself.
import { spawn, type ChildProcess } from "node:child_process";
import type { Socket } from "node:net";

const REAPER = `
const groups = new Set();
let pending = "";
const reap = () => { for (const g of groups) { try { process.kill(-g, "SIGKILL"); } catch {} } process.exit(0); };
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  pending += chunk;
  for (let nl = pending.indexOf("\\n"); nl !== -1; nl = pending.indexOf("\\n")) {
    const n = Number(pending.slice(0, nl));
    pending = pending.slice(nl + 1);
    if (n > 0) groups.add(n); else if (n < 0) groups.delete(-n);
  }
});
process.stdin.on("end", reap);
process.stdin.on("error", reap);
`;

let reaper: ChildProcess | undefined;

function reaperProcess(): ChildProcess {
  if (reaper && reaper.exitCode === null && reaper.signalCode === null && reaper.stdin?.writable) return reaper;
  // Its own process group: a signal to the ant's group (Ctrl-C) leaves it alive to clean up after the ant.
  const started = spawn(process.execPath, ["-e", REAPER], { stdio: ["pipe", "ignore", "ignore"], detached: true });
  // Neither the process nor the pipe keeps the ant alive; the pipe closes when the ant exits, however it exits.
  started.unref();
  (started.stdin as Socket | null)?.unref();
  started.stdin?.on("error", () => {});
  reaper = started;
  return started;
}

/** Registers a test's process group with the reaper; the returned function unregisters it (the test ended). */
export function guardGroup(pgid: number): () => void {
  const watcher = reaperProcess();
  watcher.stdin?.write(`${pgid}\n`);
  return () => {
    if (watcher.stdin?.writable) watcher.stdin.write(`-${pgid}\n`);
  };
}
