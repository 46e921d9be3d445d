import { describe, expect, it } from "vitest";
import {
  CatalyticError,
  ERROR_CODES,
  InvariantError,
  SliceError,
  UsageError,
  exitCodeFor,
  formatErrorLine,
  toCatalyticError,
} from "./errors.js";

describe("typed errors", () => {
  it("carry code, hint, details and the subclass name", () => {
    const error = new SliceError("CAT_SLICE_ALL_FORBIDDEN", "slice ALL is forbidden", { hint: "use lines[a:b]", details: { slice: "ALL" } });
    expect(error).toBeInstanceOf(CatalyticError);
    expect(error.name).toBe("SliceError");
    expect(error.kind).toBe("failure");
    expect(error.toJSON()).toEqual({ code: "CAT_SLICE_ALL_FORBIDDEN", message: "slice ALL is forbidden", hint: "use lines[a:b]", details: { slice: "ALL" } });
    expect(formatErrorLine(error)).toBe("error CAT_SLICE_ALL_FORBIDDEN: slice ALL is forbidden (use lines[a:b])");
  });

  it("map to exit codes in one place: failure 1, usage and invariant 2, unknown 2", () => {
    expect(exitCodeFor(new SliceError("CAT_SLICE_MALFORMED", "x"))).toBe(1);
    expect(exitCodeFor(new UsageError("CAT_UNKNOWN_FLAG", "x"))).toBe(2);
    expect(exitCodeFor(new InvariantError("CAT_DB_ERROR", "x"))).toBe(2);
    expect(exitCodeFor(new Error("boom"))).toBe(2);
  });

  it("wrap unexpected throws as CAT_INVARIANT with a hint", () => {
    const wrapped = toCatalyticError(new TypeError("undefined is not a function"));
    expect(wrapped.code).toBe("CAT_INVARIANT");
    expect(wrapped.message).toContain("undefined is not a function");
    expect(wrapped.hint).toMatch(/CATALYTIC_DEBUG/);
  });

  it("every code is CAT_ upper snake case with a known kind", () => {
    for (const [code, kind] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^CAT_[A-Z0-9_]+$/);
      expect(["failure", "usage", "invariant"]).toContain(kind);
    }
  });
});
