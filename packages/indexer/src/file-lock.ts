// A lock file (O_EXCL create) that serialises read-modify-write of a shared file across processes:
// four `catalytic symbols add` at once must each see the others' entries (lock, re-read, write, rename).
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import path from "node:path";
import { InputError } from "@catalytic/core";
import { unwritableError } from "./atomic-write.js";

/** Blocks the thread for `ms` (short waits between retries of a synchronous operation). */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** A lock left by a process that no longer runs (it crashed while holding it). */
function heldByDeadProcess(lockFile: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(lockFile, "utf8"));
  } catch {
    return false; // released meanwhile: the next attempt takes it
  }
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/** Runs `body` while holding `lockFile`; waits up to `timeoutMs` for another holder to finish. */
export function withFileLock<T>(lockFile: string, body: () => T, timeoutMs = 10_000): T {
  mkdirSync(path.dirname(lockFile), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (let pause = 2; ; pause = Math.min(pause * 2, 50)) {
    try {
      const fd = openSync(lockFile, "wx");
      try {
        writeSync(fd, String(process.pid));
      } finally {
        closeSync(fd);
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw unwritableError(lockFile, error, "make the folder writable, then run the command again");
    }
    if (heldByDeadProcess(lockFile)) {
      rmSync(lockFile, { force: true });
      continue;
    }
    if (Date.now() >= deadline) {
      throw new InputError("CAT_FILE_UNWRITABLE", `${lockFile} is still held by another process after ${timeoutMs} ms`, {
        hint: "wait for the other command to finish; if none is running, delete the lock file",
        details: { path: lockFile },
      });
    }
    sleepSync(pause);
  }
  try {
    return body();
  } finally {
    rmSync(lockFile, { force: true });
  }
}
