// Planner failures: each names the request input it is about, so the author knows what to fix.
import { BudgetError, CatalyticError, PlannerError, SymbolError, SectionError, WorkspaceError } from "@catalytic/core";

export type PlanBudgetName = "max_steps" | "max_bytes" | "max_symbols";

export function budgetExceeded(budget: PlanBudgetName, limit: number, actual: number, what: string, input?: string): BudgetError {
  const where = input ? `${input}: ` : "";
  return new BudgetError("CAT_BUDGET_EXCEEDED", `${where}the plan needs ${actual} ${what}, over budgets.${budget} = ${limit}`, {
    hint: `raise budgets.${budget} in the request (or catalytic.json budgets.plan), or ask for less`,
    details: { budget, limit, actual, ...(input ? { input } : {}) },
  });
}

/** Re-throws a typed error with the request input it concerns in front of its message. */
export function aboutInput(input: string, error: unknown): unknown {
  if (!(error instanceof CatalyticError)) return error;
  const Kind = error.constructor as new (...args: ConstructorParameters<typeof CatalyticError>) => CatalyticError;
  return new Kind(error.code, `${input}: ${error.message}`, {
    hint: error.hint,
    details: { ...error.details, input },
    cause: error,
  });
}

export function unknownSymbol(input: string, symbolId: string, suggestions: string[]): SymbolError {
  const didYouMean = suggestions.length > 0 ? `; did you mean ${suggestions.join(", ")}?` : "";
  return new SymbolError("CAT_SYMBOL_UNKNOWN", `${input}: unknown symbol ${symbolId}${didYouMean}`, {
    hint: "check the id with 'catalytic symbols list', or define it with 'catalytic symbols add' and rebuild the index",
    details: { input, symbol_id: symbolId, suggestions },
  });
}

export function unknownSection(input: string, sectionId: string): SectionError {
  return new SectionError("CAT_SECTION_NOT_FOUND", `${input}: no section ${sectionId} in the index`, {
    hint: "section ids change when content changes: run 'catalytic build' and look the id up again",
    details: { input, section_id: sectionId },
  });
}

export function fileNotFound(input: string, filePath: string): WorkspaceError {
  return new WorkspaceError("CAT_FILE_NOT_FOUND", `${input}: no file ${JSON.stringify(filePath)} in the workspace`, {
    hint: "use a path relative to the workspace root of an existing regular file",
    details: { input, file_path: filePath },
  });
}

export function testNotConfigured(input: string, testName: string, configured: string[]): PlannerError {
  const known = configured.length > 0 ? `configured: ${configured.join(", ")}` : "none is configured";
  return new PlannerError("CAT_TEST_NOT_CONFIGURED", `${input}: test ${JSON.stringify(testName)} is not in catalytic.json tests (${known})`, {
    hint: "add the command under `tests` in catalytic.json; only named tests can run",
    details: { input, test_name: testName, configured },
  });
}
