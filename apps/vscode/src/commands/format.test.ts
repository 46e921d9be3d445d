import { describe, expect, it } from "vitest";
import { resolvedDocument } from "./format.js";

describe("resolvedDocument", () => {
  it("puts where the payload came from above it, with 1-based lines", () => {
    const text = resolvedDocument({
      symbolId: "@SPEC/scope",
      sectionId: "b".repeat(64),
      file: "canon/agreement.md",
      lineStart: 4,
      lineEnd: 8,
      headingPath: ["Agreement", "Scope"],
      slice: "head(4000)",
      sliceSource: "config_default",
      contentHash: "a".repeat(64),
      bytes: 89,
      payload: "## Scope\n\nThe scope covers compact references.\n",
      cacheHit: true,
    });
    expect(text).toBe(
      [
        "<!-- @SPEC/scope -> canon/agreement.md lines 5-8 (Agreement > Scope)",
        `     slice head(4000) (config_default), 89 bytes, content ${"a".repeat(64)}, cache hit -->`,
        "## Scope",
        "",
        "The scope covers compact references.",
        "",
      ].join("\n"),
    );
  });

  it("omits the heading path of a whole file", () => {
    const text = resolvedDocument({ symbolId: "@CANON/glossary", sectionId: "c", file: "canon/glossary.md", lineStart: 0, lineEnd: 3, headingPath: [], slice: "lines[0:2]", sliceSource: "explicit", contentHash: "d", bytes: 10, payload: "x", cacheHit: false });
    expect(text.split("\n")[0]).toBe("<!-- @CANON/glossary -> canon/glossary.md lines 1-3");
    expect(text.split("\n")[1]).toBe("     slice lines[0:2] (explicit), 10 bytes, content d -->");
  });
});
