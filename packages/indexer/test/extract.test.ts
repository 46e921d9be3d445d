import { contentHash, sectionId } from "@catalytic/core";
import { describe, expect, it } from "vitest";
import { extractSections, fileKind, linesOf } from "../src/extract.js";

describe("extractSections", () => {
  it("gives a file section and nested heading sections with unique slugs; CRLF is normalised", () => {
    const text = "intro\r\n# A\r\ntext\r\n## B\r\n## B\r\n# C\r\n";
    const sections = extractSections("x.md", text);
    expect(sections.map((s) => [s.kind, s.headingPath.join(">"), s.lineStart, s.lineEnd, s.slug, s.level])).toEqual([
      ["file", "", 0, 6, "", 0],
      ["heading", "A", 1, 5, "a", 1],
      ["heading", "A>B", 3, 4, "b", 2],
      ["heading", "A>B", 4, 5, "b-1", 2],
      ["heading", "C", 5, 6, "c", 1],
    ]);
    const file = sections[0]!;
    expect(file.contentHash).toBe(contentHash("intro\n# A\ntext\n## B\n## B\n# C\n"));
    expect(sections[2]!.sectionId).toBe(sectionId("x.md", 3, 4, contentHash("## B\n")));
    expect(extractSections("x.md", text.replace(/\r\n/g, "\n")).map((s) => s.sectionId)).toEqual(sections.map((s) => s.sectionId));
  });

  it("handles an empty file and a file without a final newline", () => {
    expect(extractSections("e.md", "")).toMatchObject([{ lineStart: 0, lineEnd: 0, contentHash: contentHash("") }]);
    const [file, heading] = extractSections("n.md", "# H\nlast");
    expect([file!.lineEnd, heading!.lineEnd]).toEqual([2, 2]);
  });

  it("extracts TS/JS top-level declarations and Python defs; other code files get a file section", () => {
    const ts = "import x from 'y';\n\n/** Doc. */\nexport function alpha() {\n  return 1;\n}\n\nexport const beta = 2;\nclass Gamma {}\n";
    expect(extractSections("a.ts", ts).map((s) => [s.kind, s.heading, s.lineStart, s.lineEnd])).toEqual([
      ["file", "", 0, 9],
      ["declaration", "alpha", 3, 6],
      ["declaration", "beta", 7, 8],
      ["declaration", "Gamma", 8, 9],
    ]);
    expect(extractSections("m.py", "import os\n\ndef run():\n    pass\n\nclass Job:\n    pass\n").map((s) => s.heading)).toEqual(["", "run", "Job"]);
    expect(extractSections("c.json", '{"a": 1}\n')).toHaveLength(1);
    expect([fileKind("a.MD"), fileKind("b.yaml"), fileKind("c.txt")]).toEqual(["markdown", "code", "text"]);
  });

  it("linesOf returns lines with terminators", () => {
    expect(linesOf("a\r\nb\nc", 1, 3)).toBe("b\nc");
    expect(linesOf("a\nb\n", 0, 1)).toBe("a\n");
  });
});
