// The reference fixtures (read-only) against the 1.1 plan request schema.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isCatalyticError, InputError } from "../src/errors.js";
import { parsePlanRequestText } from "../src/schemas/validate.js";

// In-repo copy (fixtures/README.md): tests read nothing outside the repository.
const FIXTURES = path.resolve(import.meta.dirname, "../../../fixtures/reference/plan-requests");
const read = (file: string) => readFileSync(path.join(FIXTURES, file), "utf8");

/** The two broken fixtures end with one `}` too many; the cleanup happens on the string only. */
function withoutStrayBrace(text: string): string {
  const trimmed = text.trimEnd();
  expect(trimmed.endsWith("}\n}")).toBe(true);
  return trimmed.slice(0, -1);
}

function thrown(action: () => unknown) {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

describe("reference fixtures", () => {
  it("are exactly the seven known files", () => {
    expect(readdirSync(FIXTURES).sort()).toEqual([
      "plan_request_files.json",
      "plan_request_invalid_symbol.json",
      "plan_request_max_steps_exceeded.json",
      "plan_request_min.json",
      "plan_request_no_symbols.json",
      "plan_request_parallel.json",
      "plan_request_slice_all_forbidden.json",
    ]);
  });

  it("plan_request_min parses with its one symbol and budgets", () => {
    const request = parsePlanRequestText(read("plan_request_min.json"), "plan_request_min.json");
    expect(request).toEqual({
      run_id: "test_plan_001",
      request_id: "req_001",
      intent: "Test simple plan with one symbol",
      inputs: { symbols: ["@TEST/example"], sections: [], files: [], notes: [] },
      ops: [],
      budgets: { max_steps: 5, max_bytes: 10000000, max_symbols: 3 },
    });
  });

  it("plan_request_files and plan_request_parallel parse with their files", () => {
    expect(parsePlanRequestText(read("plan_request_files.json"), "files").inputs.files).toEqual(["README.md"]);
    const parallel = parsePlanRequestText(read("plan_request_parallel.json"), "parallel");
    expect(parallel.inputs.files).toEqual(["README.md", "AGENTS.md", "LICENSE", "CHANGELOG.md"]);
    expect(parallel.budgets).toEqual({ max_steps: 100, max_bytes: 100000000, max_symbols: 0 });
  });

  it("plan_request_no_symbols and plan_request_max_steps_exceeded parse (budget excess is the planner's job)", () => {
    expect(parsePlanRequestText(read("plan_request_no_symbols.json"), "no_symbols").budgets?.max_steps).toBe(1);
    const exceeded = parsePlanRequestText(read("plan_request_max_steps_exceeded.json"), "max_steps_exceeded");
    expect(exceeded.request_id).toBe("req_003");
    expect(exceeded.budgets?.max_steps).toBe(1);
  });

  it.each(["plan_request_invalid_symbol.json", "plan_request_slice_all_forbidden.json"])(
    "%s as stored (stray brace) is CAT_JSON_MALFORMED, an InputError",
    (file) => {
      const error = thrown(() => parsePlanRequestText(read(file), file));
      expect(error).toBeInstanceOf(InputError);
      expect(isCatalyticError(error) && error.code).toBe("CAT_JSON_MALFORMED");
      expect(isCatalyticError(error) && error.message).toContain(file);
    },
  );

  it("plan_request_invalid_symbol without the stray brace fails the schema at $.inputs.symbols[0]", () => {
    const error = thrown(() => parsePlanRequestText(withoutStrayBrace(read("plan_request_invalid_symbol.json")), "invalid_symbol"));
    expect(error).toBeInstanceOf(InputError);
    expect(isCatalyticError(error) && error.code).toBe("CAT_SCHEMA_INVALID");
    expect(isCatalyticError(error) && error.details.problems).toEqual([
      { path: "$.inputs.symbols[0]", message: expect.stringContaining("not a symbol id") },
    ]);
  });

  it("plan_request_slice_all_forbidden without the stray brace parses at the schema level", () => {
    // slice "ALL" is a well-formed string here; the slice parser (CAT_SLICE_ALL_FORBIDDEN) and the planner reject it.
    const request = parsePlanRequestText(withoutStrayBrace(read("plan_request_slice_all_forbidden.json")), "slice_all");
    expect(request.inputs.symbols).toEqual([{ symbol_id: "@TEST/example", slice: "ALL" }]);
  });
});
