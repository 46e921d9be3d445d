import { describe, expect, it } from "vitest";
import { readFrontMatter } from "../src/front-matter.js";

describe("readFrontMatter", () => {
  it("returns undefined without front matter, or when it is not closed", () => {
    expect(readFrontMatter("# Title\n")).toBeUndefined();
    expect(readFrontMatter("---\nsymbols:\n")).toBeUndefined();
  });

  it("reads the symbols map in every supported scalar form, skipping other keys", () => {
    const text = [
      "---",
      "title: Guide # a comment",
      "tags:",
      "  - a",
      "symbols:",
      '  "@DOC/intro": "Guide > Intro"',
      "  '@DOC/whole': ''",
      '  "@DOC/empty":',
      '  "@DOC/plain": Guide > Setup  # plain scalar, comment dropped',
      '  "@DOC/null": ~',
      "other: 1",
      "...",
      "# Guide",
    ].join("\n");
    const fm = readFrontMatter(text)!;
    expect(fm.endLine).toBe(12);
    expect(fm.problems).toEqual([]);
    expect(fm.symbols).toEqual([
      { symbolId: "@DOC/intro", headingPath: ["Guide", "Intro"], line: 5, character: 2 },
      { symbolId: "@DOC/whole", headingPath: [], line: 6, character: 2 },
      { symbolId: "@DOC/empty", headingPath: [], line: 7, character: 2 },
      { symbolId: "@DOC/plain", headingPath: ["Guide", "Setup"], line: 8, character: 2 },
      { symbolId: "@DOC/null", headingPath: [], line: 9, character: 2 },
    ]);
  });

  it("reports each malformed entry with its line and keeps the good ones", () => {
    const text = [
      "---",
      "symbols:",
      '  "@DOC/ok": "A"',
      "  @DOC/unquoted: A",
      '  "not a symbol": A',
      '  - "@DOC/list"',
      '  "@DOC/bad": "A >  > B"',
      '  "@DOC/unterminated: A',
      '   "@DOC/indent": A',
      '  "@DOC/ok": "B"',
      '  "@DOC/flow": [x]',
      "---",
    ].join("\n");
    const fm = readFrontMatter(text)!;
    expect(fm.symbols.map((s) => s.symbolId)).toEqual(["@DOC/ok"]);
    expect(fm.problems.map((p) => [p.line, p.code])).toEqual([
      [3, "CAT_FRONT_MATTER_INVALID"],
      [4, "CAT_SYMBOL_INVALID"],
      [5, "CAT_FRONT_MATTER_INVALID"],
      [6, "CAT_FRONT_MATTER_INVALID"],
      [7, "CAT_FRONT_MATTER_INVALID"],
      [8, "CAT_FRONT_MATTER_INVALID"],
      [9, "CAT_FRONT_MATTER_INVALID"],
      [10, "CAT_FRONT_MATTER_INVALID"],
    ]);
    expect(fm.problems[0]!.message).toContain('write "@DOC/unquoted":');
    expect(fm.problems[6]!.message).toContain("already defined on line 3");
    expect(fm.problems[7]!.message).toContain("quote it");
  });

  it("rejects an inline symbols value other than {}", () => {
    expect(readFrontMatter("---\nsymbols: {}\n---\n")!.problems).toEqual([]);
    expect(readFrontMatter('---\nsymbols: {"@A/b": x}\n---\n')!.problems).toHaveLength(1);
  });
});
