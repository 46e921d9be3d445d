import { ConfigSchema } from "@catalytic/core";
import { describe, expect, it } from "vitest";
import { IgnoreRules } from "../src/gitignore.js";
import { matchGlob } from "../src/glob.js";
import { namespaceSymbols, settingsOf, sourcesOf } from "../src/sources.js";
import { nearest, editDistance } from "../src/suggest.js";

describe("glob", () => {
  it.each([
    ["**/*.md", "a.md", true],
    ["**/*.md", "a/b/c.md", true],
    ["*.md", "a/b.md", false],
    ["docs/**", "docs/a/b.txt", true],
    ["docs/**/x.md", "docs/x.md", true],
    ["*.{md,txt}", "a.txt", true],
    ["file?.md", "file1.md", true],
    ["file?.md", "file10.md", false],
    ["[ab].md", "b.md", true],
    ["a.md", "a-md", false],
  ])("%s matches %s: %s", (pattern, file, expected) => {
    expect(matchGlob(pattern, file)).toBe(expected);
  });
});

describe("gitignore", () => {
  it("applies git rules: unanchored, anchored, dir-only, negation, nested base", () => {
    const rules = new IgnoreRules().with("", "build/\n/top.md\n*.log\n!keep.log\ndocs/private/*.md\n").with("sub", "local.md\n");
    expect(rules.ignores("build", true)).toBe(true);
    expect(rules.ignores("build", false)).toBe(false);
    expect(rules.ignores("top.md", false)).toBe(true);
    expect(rules.ignores("x/top.md", false)).toBe(false);
    expect(rules.ignores("x/a.log", false)).toBe(true);
    expect(rules.ignores("x/keep.log", false)).toBe(false);
    expect(rules.ignores("docs/private/a.md", false)).toBe(true);
    expect(rules.ignores("sub/local.md", false)).toBe(true);
    expect(rules.ignores("local.md", false)).toBe(false);
  });
});

describe("sources", () => {
  const settings = settingsOf(
    ConfigSchema.parse({
      sources: [{ path: "./docs/canon/", namespace: "CANON" }, { path: "src", include: ["**/*.ts"], exclude: ["**/*.test.ts"], namespace: "SRC" }],
      exclude: ["docs/canon/draft/**"],
    }),
  );

  it("decides membership by source root, include, exclude and top-level exclude", () => {
    expect(sourcesOf(settings, "docs/canon/AGREEMENT.md").map((s) => s.namespace)).toEqual(["CANON"]);
    expect(sourcesOf(settings, "docs/canon/draft/x.md")).toEqual([]);
    expect(sourcesOf(settings, "src/a.test.ts")).toEqual([]);
    expect(sourcesOf(settings, "node_modules/x/a.md")).toEqual([]);
    expect(sourcesOf(settings, "docs/other.md")).toEqual([]);
  });

  it("names namespace symbols after the path without extension and flags impossible names", () => {
    expect(namespaceSymbols(settings, "docs/canon/AGREEMENT.md")).toEqual([{ symbolId: "@CANON/AGREEMENT", namespace: "CANON", valid: true }]);
    expect(namespaceSymbols(settings, "src/lib/x.y.ts")).toEqual([{ symbolId: "@SRC/lib/x.y", namespace: "SRC", valid: true }]);
    expect(namespaceSymbols(settings, "docs/canon/g++.md")).toEqual([{ symbolId: "@CANON/g++", namespace: "CANON", valid: false }]);
  });
});

describe("suggestions", () => {
  it("orders by distance, then by id", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(nearest("@A/abd", ["@A/abx", "@A/abc", "@A/zzzzzzzz", "@A/abd-long", "@A/ABD"], 3)).toEqual(["@A/ABD", "@A/abc", "@A/abx"]);
  });
});
