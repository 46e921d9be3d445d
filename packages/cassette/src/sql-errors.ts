// Turns SQLite errors (trigger RAISEs, constraint failures) into typed Catalytic errors.
import { BudgetError, CassetteError, InvariantError, isCatalyticError, isSqliteBusy, type CatalyticError, type ErrorCode } from "@catalytic/core";

const TRIGGER_CODE = /^(CAT_[A-Z_]+): (.*)$/s;

export function translateSqliteError(error: unknown): CatalyticError {
  if (isCatalyticError(error)) return error;
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code !== "string" || !code.startsWith("SQLITE_")) {
    return new InvariantError("CAT_INVARIANT", `unexpected error in the cassette: ${message}`, {
      hint: "this is a bug in Catalytic; report it with the message above",
      cause: error,
    });
  }
  const tagged = TRIGGER_CODE.exec(message);
  if (tagged) {
    const tag = tagged[1] as ErrorCode;
    if (tag === "CAT_INVARIANT") {
      return new InvariantError("CAT_INVARIANT", `the cassette refused the write: ${tagged[2]}`, {
        hint: "the ledger's triggers enforce this invariant; change the caller, not the database",
        cause: error,
      });
    }
    return new CassetteError(tag, tagged[2]!, { hint: "claim the step again and complete it with the new fencing token", cause: error });
  }
  if (code === "SQLITE_CONSTRAINT_CHECK" && message.includes("_used")) {
    return new BudgetError("CAT_BUDGET_EXCEEDED", `job budget exceeded: ${message}`, {
      hint: "the job's budget is exhausted; raise it in a new plan",
      cause: error,
    });
  }
  if (isSqliteBusy(error)) {
    return new CassetteError("CAT_DB_BUSY", `the cassette is locked: ${message}`, { hint: "retry when the other writer finishes", cause: error });
  }
  return new InvariantError(code.startsWith("SQLITE_CONSTRAINT") ? "CAT_INVARIANT" : "CAT_DB_ERROR", `SQLite ${code}: ${message}`, {
    hint: code.startsWith("SQLITE_CONSTRAINT") ? "the ledger's constraints reject this write" : "check the database file (catalytic cassette verify)",
    cause: error,
  });
}
