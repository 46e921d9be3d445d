// Content found in real workspaces: a UTF-8 byte order mark, duplicate ids in catalytic.symbols.json,
// top-level keys beside "symbols" that `symbols add` must keep.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { runCatalytic, tempDir } from "./helpers.js";

const json = (result: { stdout: string }) => JSON.parse(result.stdout);

function workspace(): string {
  const root = tempDir("cat-content-");
  mkdirSync(path.join(root, "docs"));
  writeFileSync(path.join(root, "docs", "guide.md"), "# Guide\n\nText.\n\n## Setup\n\nSteps.\n");
  return root;
}

describe("a file that starts with a UTF-8 byte order mark", () => {
  const BOM = "\uFEFF";
  const body = '---\nsymbols:\n  "@DOC/bom": ""\n  "@DOC/bom-setup": "Title > Setup"\n---\n# Title\n\nIntro.\n\n## Setup\n\nSteps.\n';

  test("keeps its front matter symbols and its first heading, with lines and hashes of the real bytes", () => {
    const root = workspace();
    writeFileSync(path.join(root, "docs", "bom.md"), BOM + body);
    writeFileSync(path.join(root, "docs", "plain.md"), body.replace(/@DOC\/bom/g, "@DOC/plain"));
    const bom = json(runCatalytic(["--root", root, "extract", "docs/bom.md", "--json"], { cwd: root }));
    const plain = json(runCatalytic(["--root", root, "extract", "docs/plain.md", "--json"], { cwd: root }));
    const shape = (extracted: { sections: Array<{ headingPath: string[]; lineStart: number; lineEnd: number }> }) =>
      extracted.sections.map((s) => [s.heading_path.join(" > "), s.line_start, s.line_end]);
    expect(shape(bom)).toEqual([["", 0, 12], ["Title", 5, 12], ["Title > Setup", 9, 12]]);
    expect(shape(bom)).toEqual(shape(plain));
    expect(bom.front_matter).toMatchObject({ end_line: 5, problems: [] });
    expect(bom.front_matter.symbols.map((s: { symbol_id: string }) => s.symbol_id)).toEqual(["@DOC/bom", "@DOC/bom-setup"]);
    // The file section is the file's own bytes, BOM included; the heading sections are the same text as without it.
    const fileText = readFileSync(path.join(root, "docs", "bom.md"), "utf8");
    expect(bom.sections[0].content_hash).toBe(createHash("sha256").update(fileText).digest("hex"));
    expect(bom.sections[1].content_hash).toBe(plain.sections[1].content_hash);

    expect(runCatalytic(["--root", root, "build"]).code).toBe(0);
    expect(runCatalytic(["--root", root, "symbols", "verify"]).code).toBe(0);
    const resolved = json(runCatalytic(["--root", root, "resolve", "@DOC/bom-setup", "--json"]));
    expect(resolved.payload).toBe("## Setup\n\nSteps.\n");
    expect(json(runCatalytic(["--root", root, "resolve", "@DOC/bom", "--json"])).payload).toBe(fileText);
  });
});

describe("catalytic.symbols.json", () => {
  test("a duplicate id is CAT_SYMBOL_DUPLICATE at every occurrence in `symbols verify`, and `symbols add` refuses to rewrite it", () => {
    const root = workspace();
    writeFileSync(
      path.join(root, "catalytic.symbols.json"),
      [
        "{",
        '  "symbols": {',
        '    "@DOC/guide": { "target_type": "FILE", "target_ref": "docs/guide.md" },',
        '    "@DOC/setup": { "target_type": "HEADING", "target_ref": "docs/guide.md#Guide > Setup" },',
        '    "@DOC/guide": { "target_type": "HEADING", "target_ref": "docs/guide.md#Guide > Setup" }',
        "  }",
        "}",
        "",
      ].join("\n"),
    );
    expect(runCatalytic(["--root", root, "build"]).code).toBe(0);
    const verify = runCatalytic(["--root", root, "symbols", "verify"]);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain("catalytic.symbols.json:3: CAT_SYMBOL_DUPLICATE @DOC/guide is defined 2 times in catalytic.symbols.json (lines 3, 5); keep one");
    expect(verify.stdout).toContain("catalytic.symbols.json:5: CAT_SYMBOL_DUPLICATE @DOC/guide is defined 2 times");
    const add = runCatalytic(["--root", root, "symbols", "add", "@DOC/other", "--file", "docs/guide.md"]);
    expect(add.stderr).toMatch(/^error CAT_SYMBOL_DUPLICATE: catalytic\.symbols\.json line 3: /);
    expect(add.code).toBe(1);
  });

  test("`symbols add` keeps the top-level keys verify accepts ($schema, comment keys)", () => {
    const root = workspace();
    const original = {
      $schema: "./docs/schemas/catalytic.symbols.schema.json",
      "//": "symbols shared by the team; keep sorted",
      symbols: { "@DOC/guide": { target_type: "FILE", target_ref: "docs/guide.md" } },
    };
    writeFileSync(path.join(root, "catalytic.symbols.json"), `${JSON.stringify(original, null, 2)}\n`);
    expect(runCatalytic(["--root", root, "build"]).code).toBe(0);
    expect(runCatalytic(["--root", root, "symbols", "verify"]).code).toBe(0);
    const add = runCatalytic(["--root", root, "symbols", "add", "@DOC/setup", "--file", "docs/guide.md", "--heading", "Setup"]);
    expect(add.code).toBe(0);
    const text = readFileSync(path.join(root, "catalytic.symbols.json"), "utf8");
    expect(JSON.parse(text)).toEqual({
      ...original,
      symbols: { ...original.symbols, "@DOC/setup": { target_type: "HEADING", target_ref: "docs/guide.md#Setup" } },
    });
    expect(Object.keys(JSON.parse(text))).toEqual(["$schema", "//", "symbols"]);
    expect(runCatalytic(["--root", root, "symbols", "verify"]).code).toBe(0);
  });
});
