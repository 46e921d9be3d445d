// Whole-file writes: temp file + rename, so readers see the old or the new file, never half of one.
import { renameSync, rmSync, writeFileSync } from "node:fs";
import { InputError } from "@catalytic/core";

/** Writes `text` to `file` atomically; any failure is CAT_FILE_UNWRITABLE and leaves no temp file. */
export function writeFileAtomic(file: string, text: string, hint: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, text);
    renameSync(temp, file);
  } catch (error) {
    try {
      rmSync(temp, { force: true });
    } catch {
      // The temp path is not ours to remove (e.g. a folder): the write failed either way.
    }
    throw unwritableError(file, error, hint);
  }
}

export function unwritableError(target: string, error: unknown, hint: string): InputError {
  return new InputError("CAT_FILE_UNWRITABLE", `cannot write ${target}: ${(error as Error).message}`, {
    hint,
    details: { path: target },
    cause: error,
  });
}
