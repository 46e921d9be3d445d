// Turning whatever an executor threw into the {code, message} of a FAILURE receipt.
import { CatalyticError } from "@catalytic/core";

export interface StepFailure {
  code: string;
  message: string;
  /** Invariant and database errors also stop the worker with exit 2. */
  fatal: boolean;
}

const ERRNO_CODES: Record<string, string> = {
  ENOENT: "CAT_FILE_NOT_FOUND",
  EACCES: "CAT_FILE_UNREADABLE",
  EPERM: "CAT_FILE_UNREADABLE",
  EISDIR: "CAT_FILE_UNREADABLE",
  ENOTDIR: "CAT_FILE_NOT_FOUND",
};

export function failureOf(error: unknown): StepFailure {
  if (error instanceof CatalyticError) return { code: error.code, message: error.message, fatal: error.kind === "invariant" };
  const errno = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (errno && ERRNO_CODES[errno]) return { code: ERRNO_CODES[errno] as string, message, fatal: false };
  return { code: "CAT_STEP_FAILED", message: message || "the step failed", fatal: false };
}
