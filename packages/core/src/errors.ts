// Typed errors: every failure carries a stable code, a message and a hint (what to do next).

/** How a failure is classified: `failure` exits 1, `usage` and `invariant` exit 2. */
export type ErrorKind = "failure" | "usage" | "invariant";

/** Every stable error code and its classification. The single place that decides CLI exit codes. */
export const ERROR_CODES = {
  // usage
  CAT_USAGE: "usage",
  CAT_UNKNOWN_COMMAND: "usage",
  CAT_UNKNOWN_FLAG: "usage",
  CAT_MISSING_ARGUMENT: "usage",
  // invariants and storage
  CAT_INVARIANT: "invariant",
  CAT_DB_ERROR: "invariant",
  CAT_DB_BUSY: "invariant",
  CAT_SCHEMA_MISMATCH: "invariant",
  // input
  CAT_JSON_MALFORMED: "failure",
  CAT_SCHEMA_INVALID: "failure",
  CAT_CONFIG_INVALID: "failure",
  CAT_CONFIG_NOT_FOUND: "failure",
  CAT_WORKSPACE_NOT_FOUND: "failure",
  CAT_FILE_NOT_FOUND: "failure",
  CAT_FILE_UNREADABLE: "failure",
  CAT_FILE_UNWRITABLE: "failure",
  CAT_WATCH_FAILED: "failure",
  CAT_PATH_OUTSIDE_WORKSPACE: "failure",
  CAT_PATH_IS_SYMLINK: "failure",
  CAT_PATH_PROTECTED: "failure",
  CAT_ID_INVALID: "failure",
  // slices and references
  CAT_SLICE_ALL_FORBIDDEN: "failure",
  CAT_SLICE_MALFORMED: "failure",
  CAT_SLICE_NEGATIVE: "failure",
  CAT_SLICE_EMPTY_RANGE: "failure",
  CAT_SLICE_ZERO_COUNT: "failure",
  CAT_SLICE_OUT_OF_BOUNDS: "failure",
  CAT_SYMBOL_INVALID: "failure",
  CAT_SYMBOL_UNKNOWN: "failure",
  CAT_SYMBOL_STALE: "failure",
  CAT_SYMBOL_DUPLICATE: "failure",
  CAT_SYMBOL_EXISTS: "failure",
  CAT_HEADING_NOT_FOUND: "failure",
  CAT_SECTION_NOT_FOUND: "failure",
  CAT_INDEX_MISSING: "failure",
  CAT_INDEX_STALE: "failure",
  CAT_INDEX_NOT_READY: "failure",
  CAT_FRONT_MATTER_INVALID: "failure",
  CAT_VERIFY_FAILED: "failure",
  // ledger
  CAT_STEP_NOT_FOUND: "failure",
  CAT_JOB_NOT_FOUND: "failure",
  CAT_RUN_NOT_FOUND: "failure",
  CAT_RECEIPT_NOT_FOUND: "failure",
  CAT_NO_PENDING_STEP: "failure",
  CAT_LEASE_NOT_HELD: "failure",
  CAT_LEASE_EXPIRED: "failure",
  CAT_STALE_TOKEN: "failure",
  CAT_OUTCOME_INVALID: "failure",
  CAT_BUDGET_EXCEEDED: "failure",
  CAT_IDEMPOTENCY_CONFLICT: "failure",
  CAT_PLAN_TAMPERED: "failure",
  CAT_CHECKPOINT_INVALID: "failure",
  CAT_CHECKPOINT_MISMATCH: "failure",
  CAT_KEY_INVALID: "failure",
  // planner and ants
  CAT_PLAN_INVALID: "failure",
  CAT_PLAN_MISMATCH: "failure",
  CAT_PATCH_HASH_MISMATCH: "failure",
  CAT_TEST_NOT_CONFIGURED: "failure",
  CAT_TEST_CHANGED: "failure",
  CAT_TEST_FAILED: "failure",
  CAT_RESTORE_CONFLICT: "failure",
  CAT_WRITE_CONFLICT: "failure",
  CAT_STEP_FAILED: "failure",
  CAT_TOKEN_COUNT_FAILED: "failure",
  // MCP server (docs/mcp.md)
  CAT_READ_ONLY: "failure",
  CAT_OUTPUT_TOO_LARGE: "failure",
  CAT_CURSOR_INVALID: "failure",
} as const satisfies Record<string, ErrorKind>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface CatalyticErrorOptions {
  hint?: string;
  details?: Record<string, unknown>;
  cause?: unknown;
}

/** Base class of every error Catalytic raises on purpose. */
export class CatalyticError extends Error {
  readonly code: ErrorCode;
  readonly hint: string;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: CatalyticErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint ?? "";
    this.details = options.details ?? {};
  }

  get kind(): ErrorKind {
    return ERROR_CODES[this.code];
  }

  /** The JSON form printed by `--json` and returned over LSP. */
  toJSON(): { code: ErrorCode; message: string; hint: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, hint: this.hint, details: this.details };
  }
}

export class UsageError extends CatalyticError {}
export class SliceError extends CatalyticError {}
export class ReferenceSyntaxError extends CatalyticError {}
export class ConfigError extends CatalyticError {}
export class InputError extends CatalyticError {}
export class SymbolError extends CatalyticError {}
export class SectionError extends CatalyticError {}
export class WorkspaceError extends CatalyticError {}
export class CassetteError extends CatalyticError {}
export class BudgetError extends CatalyticError {}
export class PlannerError extends CatalyticError {}
export class ExecutionError extends CatalyticError {}
export class InvariantError extends CatalyticError {}

export function isCatalyticError(value: unknown): value is CatalyticError {
  return value instanceof CatalyticError;
}

/** CLI exit code: 0 ok, 1 failure, 2 usage or invariant error (and anything unexpected). */
export function exitCodeFor(error: unknown): 1 | 2 {
  if (isCatalyticError(error)) return error.kind === "failure" ? 1 : 2;
  return 2;
}

/** Wraps anything thrown into a CatalyticError so callers print one shape. */
export function toCatalyticError(error: unknown): CatalyticError {
  if (isCatalyticError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new InvariantError("CAT_INVARIANT", `unexpected error: ${message}`, {
    hint: "this is a bug in Catalytic; re-run with CATALYTIC_DEBUG=1 for a stack trace and report it",
    cause: error,
  });
}

/** One line for stderr: `error CAT_CODE: message (hint)`. */
export function formatErrorLine(error: CatalyticError): string {
  return error.hint ? `error ${error.code}: ${error.message} (${error.hint})` : `error ${error.code}: ${error.message}`;
}
