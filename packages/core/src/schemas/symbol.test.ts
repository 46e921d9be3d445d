import { describe, expect, it } from "vitest";
import { SYMBOL_ID_PATTERN, SymbolIdSchema, SymbolSchema } from "./symbol.js";
import { schemaProblems } from "./validate.js";

const HASH = "a".repeat(64);

function problems(value: unknown) {
  const result = SymbolSchema.safeParse(value);
  return result.success ? [] : schemaProblems(result.error.issues);
}

describe("SYMBOL_ID_PATTERN", () => {
  it.each(["@TEST/example", "@CANON/guide/intro", "@A/b", "@NS_2/v1.2/read-me", "@X/a_", "@X/.hidden", "@X/a./b"])(
    "accepts %s",
    (id) => {
      expect(SYMBOL_ID_PATTERN.test(id)).toBe(true);
      expect(SymbolIdSchema.parse(id)).toBe(id);
    },
  );

  it.each([
    "INVALID_NO_AT_SYMBOL",
    "@test/example",
    "@1NS/x",
    "@_NS/x",
    "@NS",
    "@NS/",
    "@NS//x",
    "@NS/x/",
    "@NS/x.",
    "@NS/x-",
    "@NS/x y",
    "@NS/x#heading",
    "@NS/x:lines[0:2]",
    " @NS/x",
    "@NS/x\n",
  ])("rejects %j", (id) => {
    expect(SYMBOL_ID_PATTERN.test(id)).toBe(false);
    expect(SymbolIdSchema.safeParse(id).success).toBe(false);
  });
});

describe("SymbolSchema", () => {
  it("accepts each target type, with and without a default slice", () => {
    expect(SymbolSchema.parse({ symbol_id: "@DOCS/guide", target_type: "FILE", target_ref: "docs/guide.md" })).toEqual({
      symbol_id: "@DOCS/guide",
      target_type: "FILE",
      target_ref: "docs/guide.md",
    });
    expect(
      SymbolSchema.parse({ symbol_id: "@DOCS/setup", target_type: "HEADING", target_ref: "docs/guide.md#Setup > Linux", default_slice: "lines[0:40]" })
        .default_slice,
    ).toBe("lines[0:40]");
    expect(SymbolSchema.parse({ symbol_id: "@PIN/v1", target_type: "SECTION", target_ref: HASH }).target_type).toBe("SECTION");
  });

  it("reports each bad field at its JSON path", () => {
    expect(problems({ symbol_id: "DOCS/guide", target_type: "FOLDER", target_ref: "", extra: 1 })).toEqual([
      { path: "$.symbol_id", message: expect.stringContaining("not a symbol id") },
      { path: "$.target_type", message: expect.stringContaining("FILE") },
      { path: "$.target_ref", message: "must not be empty" },
      { path: "$.extra", message: "unknown field" },
    ]);
  });

  it("rejects a default slice the slice grammar rejects", () => {
    expect(problems({ symbol_id: "@A/b", target_type: "FILE", target_ref: "b.md", default_slice: "all" })).toEqual([
      { path: "$.default_slice", message: expect.stringMatching(/^CAT_SLICE_ALL_FORBIDDEN: /) },
    ]);
    expect(problems({ symbol_id: "@A/b", target_type: "FILE", target_ref: "b.md", default_slice: "head(0)" })).toEqual([
      { path: "$.default_slice", message: expect.stringMatching(/^CAT_SLICE_ZERO_COUNT: /) },
    ]);
  });

  it("requires symbol_id, target_type and target_ref", () => {
    expect(problems({}).map((p) => p.path)).toEqual(["$.symbol_id", "$.target_type", "$.target_ref"]);
  });
});
