// `restore`: put every file a run wrote back to what it was before the run's first write of it, and prove it.
// Restore never overwrites content it did not write: when a file is not what the run left, or the run's writes
// of it do not chain (someone wrote it between two of them), it refuses with CAT_RESTORE_CONFLICT naming the
// file and changes nothing, unless forced. It succeeds only when the touched files match the root from before.
import { lstatSync, readdirSync, rmdirSync } from "node:fs";
import { CassetteError, ExecutionError, loadConfig, resolveInsideWorkspace, sha256Hex, type Receipt, type ReceiptAction } from "@catalytic/core";
import { Cassette } from "@catalytic/cassette";
import { runBefore } from "./before-state.js";
import { casGet } from "./cas.js";
import { WriteTarget, withWriteTarget } from "./fs-safe.js";
import { fileKey } from "./writes.js";

/** One committed write, as its receipt recorded it. */
interface RecordedWrite {
  file: string;
  beforeHash: string;
  afterHash: string;
  createdDirs: string[];
  stepId: string;
}

export interface RestoreConflict {
  file: string;
  /** Why restoring it would overwrite content the run did not write. */
  reason: "changed_after_run" | "changed_between_writes";
  expected: string;
  actual: string;
}

export interface RestoreResult {
  runId: string;
  /** Each touched file with the hash it has after the restore ("absent" when it did not exist before the run). */
  restored: Array<{ file: string; hash: string }>;
  /** Root over the touched files as they were before the run. */
  rootBefore: string;
  /** Root over the touched files on disk after the restore: equal to rootBefore, or restore fails. */
  rootAfter: string;
  /** Root over the touched files on disk before the restore (the run's result). */
  rootAtStart: string;
  /** Files written back (or deleted) by this restore. */
  filesReverted: number;
  writesReverted: number;
  /** Nothing to do: every touched file already had its pre-run hash. */
  alreadyRestored: boolean;
  /** Conflicts overridden with `force` (empty otherwise). */
  forced: RestoreConflict[];
}

export interface RestoreOptions {
  /** Restore files even when that overwrites content the run did not write. */
  force?: boolean;
}

export const ABSENT = "absent";

/** sha256 over the sorted `path:hash` lines of the touched files. */
export function filesRoot(hashes: ReadonlyMap<string, string>): string {
  return sha256Hex([...hashes.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([file, hash]) => `${file}:${hash}`).join("\n"));
}

function currentHash(root: string, file: string): string {
  const absolute = resolveInsideWorkspace(root, file);
  const stat = lstatSync(absolute, { throwIfNoEntry: false });
  if (!stat) return ABSENT;
  if (!stat.isFile()) return `not-a-file:${stat.isSymbolicLink() ? "symlink" : "other"}`;
  return withWriteTarget(root, file, { createParents: false }, (target) => {
    const data = target.read();
    return data ? sha256Hex(data) : ABSENT;
  });
}

function writesOf(cassette: Cassette, runId: string): RecordedWrite[] {
  const entries: Array<{ at: string; job: number; index: number; write: RecordedWrite }> = [];
  const jobs = cassette.listJobs(runId);
  if (jobs.length === 0) {
    throw new CassetteError("CAT_JOB_NOT_FOUND", `run ${runId} has no jobs in the cassette`, {
      hint: "check the run id with 'catalytic cassette runs'",
      details: { runId },
    });
  }
  jobs.forEach((job, jobIndex) => {
    cassette.listReceipts(job.jobId).forEach((record, index) => {
      const receipt = record.receipt as Receipt;
      for (const action of (receipt.actions ?? []) as ReceiptAction[]) {
        if (action.type !== "WRITE" || action.status !== "SUCCESS" || !action.after_hash) continue;
        const result = (action.result ?? {}) as { created_dirs?: string[] };
        entries.push({
          at: record.createdAt,
          job: jobIndex,
          index,
          write: {
            file: fileKey(action.target),
            beforeHash: action.before_hash ?? ABSENT,
            afterHash: action.after_hash,
            createdDirs: result.created_dirs ?? [],
            stepId: record.stepId,
          },
        });
      }
    });
  });
  entries.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.job - b.job || a.index - b.index));
  return entries.map((e) => e.write);
}

/** A file's history in the run: what it was before, what the run left, and whether the writes chain. */
interface FileHistory {
  file: string;
  original: string;
  last: string;
  /** The first write whose before is not what the run had left there (content the run did not write). */
  gap?: { expected: string; actual: string };
  writes: number;
}

/**
 * Follows the file's writes from its pre-run state, each write starting where another ended (commit order can
 * differ from write order across jobs, so the chain is followed by hash, not by position).
 */
function historyOf(root: string, runId: string, file: string, writes: readonly RecordedWrite[]): FileHistory {
  const recorded = runBefore(root, runId, file);
  const original = recorded ? (recorded.before_hash ?? ABSENT) : (writes[0] as RecordedWrite).beforeHash;
  const remaining = [...writes];
  let current = original;
  let gap: FileHistory["gap"];
  while (remaining.length > 0) {
    // A write may also start from the pre-run content (the run's files were restored in between): nothing of
    // anyone else's would be lost by going back to it.
    let next = remaining.findIndex((w) => w.beforeHash === current);
    if (next === -1) next = remaining.findIndex((w) => w.beforeHash === original);
    if (next === -1) {
      gap ??= { expected: current, actual: (remaining[0] as RecordedWrite).beforeHash };
      current = (remaining.shift() as RecordedWrite).afterHash;
      continue;
    }
    current = (remaining.splice(next, 1)[0] as RecordedWrite).afterHash;
  }
  return { file, original, last: (writes[writes.length - 1] as RecordedWrite).afterHash, ...(gap ? { gap } : {}), writes: writes.length };
}

/**
 * Removes folders the run's writes created, deepest first, when they are empty again. Done after
 * all reverts: with parallel ants the write that created a folder is not always the oldest in it.
 */
function removeCreatedDirs(root: string, writes: readonly RecordedWrite[]): void {
  const dirs = [...new Set(writes.flatMap((w) => w.createdDirs))].sort((a, b) => b.split("/").length - a.split("/").length || (a < b ? 1 : -1));
  for (const dir of dirs) {
    const absolute = resolveInsideWorkspace(root, dir);
    const stat = lstatSync(absolute, { throwIfNoEntry: false });
    if (stat?.isDirectory() && readdirSync(absolute).length === 0) rmdirSync(absolute);
  }
}

function describeConflict(c: RestoreConflict): string {
  return c.reason === "changed_after_run"
    ? `${c.file} is ${c.actual}, not the ${c.expected} the run left`
    : `${c.file} was ${c.actual} when the run wrote it again, not the ${c.expected} the run had left (someone else wrote it in between)`;
}

export function restoreRun(root: string, runId: string, options: RestoreOptions = {}): RestoreResult {
  const config = loadConfig(root);
  const cassette = Cassette.openWorkspace(root);
  let writes: RecordedWrite[];
  try {
    writes = writesOf(cassette, runId);
  } finally {
    cassette.close();
  }
  const byFile = new Map<string, RecordedWrite[]>();
  for (const write of writes) byFile.set(write.file, [...(byFile.get(write.file) ?? []), write]);
  const histories = [...byFile.entries()].map(([file, list]) => historyOf(root, runId, file, list));
  const original = new Map(histories.map((h) => [h.file, h.original] as const));
  const atStart = new Map(histories.map((h) => [h.file, currentHash(root, h.file)] as const));
  const rootBefore = filesRoot(original);
  const rootAtStart = filesRoot(atStart);

  // Only files that are not already back need writing; each of them must hold exactly what the run left.
  const pending = histories.filter((h) => atStart.get(h.file) !== h.original);
  const conflicts: RestoreConflict[] = [];
  for (const h of pending) {
    const actual = atStart.get(h.file) as string;
    if (actual !== h.last) conflicts.push({ file: h.file, reason: "changed_after_run", expected: h.last, actual });
    else if (h.gap) conflicts.push({ file: h.file, reason: "changed_between_writes", ...h.gap });
  }
  if (conflicts.length > 0 && !options.force) {
    throw new ExecutionError("CAT_RESTORE_CONFLICT", `run ${runId} cannot be restored without overwriting content it did not write: ${conflicts.map(describeConflict).join("; ")}`, {
      hint: "look at these files first; 'catalytic restore --force' overwrites them with their pre-run content. Nothing was changed.",
      details: { runId, conflicts },
    });
  }
  // Every pre-run content must be in the store before the first file is touched.
  const priors = new Map<string, Buffer>();
  for (const h of pending) {
    if (h.original === ABSENT) continue;
    const data = casGet(root, h.original);
    if (!data) {
      throw new ExecutionError("CAT_RESTORE_CONFLICT", `pre-run content ${h.original} of ${h.file} is missing from .catalytic/cas/`, {
        hint: "the content store was pruned; the run cannot be restored from it. Nothing was changed.",
        details: { file: h.file, hash: h.original },
      });
    }
    priors.set(h.file, data);
  }
  for (const h of pending) {
    withWriteTarget(root, h.file, { createParents: true, protectedPaths: config.protected_paths }, (target: WriteTarget) => {
      const data = priors.get(h.file);
      if (data) target.replace(data, target.stat?.mode);
      else if (target.stat) target.remove();
    });
  }
  removeCreatedDirs(root, writes);

  const after = new Map(histories.map((h) => [h.file, currentHash(root, h.file)] as const));
  const rootAfter = filesRoot(after);
  const differ = histories.filter((h) => after.get(h.file) !== h.original);
  if (rootAfter !== rootBefore || differ.length > 0) {
    throw new ExecutionError(
      "CAT_RESTORE_CONFLICT",
      `after restoring run ${runId} the touched files have root ${rootAfter}, not ${rootBefore}: ${differ.map((h) => `${h.file} is ${after.get(h.file)}, not ${h.original}`).join("; ")}`,
      { hint: "a file changed while restoring; inspect the files listed and run restore again", details: { runId, differ: differ.map((h) => ({ file: h.file, expected: h.original, actual: after.get(h.file) })) } },
    );
  }
  const restored = [...after.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([file, hash]) => ({ file, hash }));
  const reverted = pending.reduce((sum, h) => sum + h.writes, 0);
  return {
    runId,
    restored,
    rootBefore,
    rootAfter,
    rootAtStart,
    filesReverted: pending.length,
    writesReverted: reverted,
    alreadyRestored: pending.length === 0,
    forced: options.force ? conflicts : [],
  };
}
