// `restore`: undo every WRITE/PATCH of a run from the CAS, newest first, and prove the touched files
// are back to their hashes from before the run. Refuses (changing nothing) when a file moved on since.
import { lstatSync, readFileSync, readdirSync, rmdirSync, unlinkSync } from "node:fs";
import { CassetteError, ExecutionError, InvariantError, resolveInsideWorkspace, sha256Hex, type Receipt, type ReceiptAction } from "@catalytic/core";
import { Cassette } from "@catalytic/cassette";
import { casGet } from "./cas.js";
import { atomicWrite, ensureParents } from "./fs-safe.js";

/** One committed write, as its receipt recorded it. */
interface RecordedWrite {
  file: string;
  beforeHash?: string;
  priorRef?: string;
  afterHash: string;
  createdDirs: string[];
  stepId: string;
}

export interface RestoreResult {
  runId: string;
  /** Each touched file with the hash it has after the restore ("absent" when it did not exist before the run). */
  restored: Array<{ file: string; hash: string }>;
  /** Root over the touched files as they were before the run (from the receipts). */
  rootBefore: string;
  /** Root over the touched files on disk after the restore: equal to rootBefore, or restore fails. */
  rootAfter: string;
  /** Root over the touched files on disk before the restore (the run's result). */
  rootAtStart: string;
  writesReverted: number;
  /** Nothing to do: every touched file already had its pre-run hash. */
  alreadyRestored: boolean;
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
  return sha256Hex(readFileSync(absolute));
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
            file: action.target,
            ...(action.before_hash ? { beforeHash: action.before_hash } : {}),
            ...(action.prior_content_ref ? { priorRef: action.prior_content_ref } : {}),
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

export function restoreRun(root: string, runId: string): RestoreResult {
  const cassette = Cassette.openWorkspace(root);
  let writes: RecordedWrite[];
  try {
    writes = writesOf(cassette, runId);
  } finally {
    cassette.close();
  }
  const original = new Map<string, string>();
  const last = new Map<string, string>();
  for (const write of writes) {
    if (!original.has(write.file)) original.set(write.file, write.beforeHash ?? ABSENT);
    last.set(write.file, write.afterHash);
  }
  const atStart = new Map([...last.keys()].map((file) => [file, currentHash(root, file)] as const));
  const rootBefore = filesRoot(original);
  const rootAtStart = filesRoot(atStart);
  const result = (alreadyRestored: boolean, writesReverted: number): RestoreResult => {
    const after = new Map([...original.keys()].map((file) => [file, currentHash(root, file)] as const));
    const rootAfter = filesRoot(after);
    if (rootAfter !== rootBefore) {
      throw new InvariantError("CAT_INVARIANT", `after restoring run ${runId} the touched files have root ${rootAfter}, not ${rootBefore}`, {
        hint: "a file changed while restoring; inspect the files listed in the receipts",
      });
    }
    const restored = [...after.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([file, hash]) => ({ file, hash }));
    return { runId, restored, rootBefore, rootAfter, rootAtStart, writesReverted, alreadyRestored };
  };
  if (rootAtStart === rootBefore) return result(true, 0);
  const conflicts = [...last.entries()].filter(([file, hash]) => atStart.get(file) !== hash);
  if (conflicts.length > 0) {
    throw new ExecutionError(
      "CAT_RESTORE_CONFLICT",
      `run ${runId} cannot be restored: ${conflicts.map(([file, hash]) => `${file} is ${atStart.get(file)}, the run left ${hash}`).join("; ")}`,
      {
        hint: "these files changed after the run; restore them by hand (or revert the later change) and try again. Nothing was changed.",
        details: { runId, conflicts: conflicts.map(([file, expected]) => ({ file, expected, actual: atStart.get(file) })) },
      },
    );
  }
  // Every prior content must be in the store before the first file is touched.
  const priors = new Map<string, Buffer>();
  for (const write of writes) {
    if (!write.beforeHash) continue;
    const data = casGet(root, write.priorRef ?? write.beforeHash);
    if (!data || sha256Hex(data) !== write.beforeHash) {
      throw new ExecutionError("CAT_RESTORE_CONFLICT", `prior content ${write.beforeHash} of ${write.file} (step ${write.stepId}) is missing from .catalytic/cas/`, {
        hint: "the content store was pruned; the run cannot be restored from it. Nothing was changed.",
        details: { file: write.file, stepId: write.stepId },
      });
    }
    priors.set(write.beforeHash, data);
  }
  for (const write of [...writes].reverse()) {
    const absolute = resolveInsideWorkspace(root, write.file);
    if (write.beforeHash) {
      ensureParents(absolute);
      atomicWrite(absolute, priors.get(write.beforeHash) as Buffer, lstatSync(absolute, { throwIfNoEntry: false })?.mode);
    } else {
      if (lstatSync(absolute, { throwIfNoEntry: false })) unlinkSync(absolute);
    }
  }
  removeCreatedDirs(root, writes);
  return result(false, writes.length);
}
