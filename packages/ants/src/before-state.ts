// What a file was before a run touched it, recorded once and kept across retries (docs/security.md, "Restore").
// Two first-wins records under .catalytic/runs/<run>/, each written before the write it describes:
//   before/<sha256(file)>.json  the file before the first write of the run: what `restore` brings back;
//   steps/<step_id>.json        the file before this step's first attempt, and what the step will write:
//                               a retry after a crash between write and receipt reports the same before.
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { sha256Hex } from "@catalytic/core";
import { runDir } from "./manifest.js";

export interface BeforeRecord {
  file: string;
  /** sha256 of the content before, or null when the file did not exist. */
  before_hash: string | null;
  /** What the write puts there (step records only). */
  after_hash?: string;
}

/**
 * Writes `record` to `file` unless it exists, and returns what the file holds. First wins atomically: the
 * record is written whole to a temp file, then hard-linked into place (link never replaces). Not fsynced: the
 * records guard against a crashed process (the page cache survives it), the same durability as the write's
 * rename, which no folder fsync follows either.
 */
function recordOnce(file: string, record: BeforeRecord): BeforeRecord {
  const existing = readRecord(file);
  if (existing) return existing;
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(temp, JSON.stringify(record), { flag: "wx" });
  try {
    linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    unlinkSync(temp);
  }
  return readRecord(file) as BeforeRecord;
}

function readRecord(file: string): BeforeRecord | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as BeforeRecord;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

const runBeforeFile = (root: string, runId: string, file: string) => path.join(runDir(root, runId), "before", `${sha256Hex(file)}.json`);
const stepFile = (root: string, runId: string, stepId: string) => path.join(runDir(root, runId), "steps", `${stepId.replace(/[^A-Za-z0-9_]/g, "_")}.json`);

/** The step's record from an earlier, interrupted attempt, if any. */
export function earlierAttempt(root: string, runId: string, stepId: string): BeforeRecord | undefined {
  return readRecord(stepFile(root, runId, stepId));
}

/** Records (once) the file's state before the run and before this step; returns the step's record as kept. */
export function recordBefore(root: string, runId: string, stepId: string, record: BeforeRecord & { after_hash: string }): BeforeRecord {
  recordOnce(runBeforeFile(root, runId, record.file), { file: record.file, before_hash: record.before_hash });
  return recordOnce(stepFile(root, runId, stepId), record);
}

/** The file's state before the run's first write of it, if the run recorded one. */
export function runBefore(root: string, runId: string, file: string): BeforeRecord | undefined {
  return readRecord(runBeforeFile(root, runId, file));
}
