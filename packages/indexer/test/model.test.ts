import { ConfigSchema, sectionId, contentHash } from "@catalytic/core";
import { describe, expect, it } from "vitest";
import { WorkspaceModel } from "../src/model.js";
import { parseRegistry, formatRegistry } from "../src/registry.js";

const config = ConfigSchema.parse({
  sources: [
    { path: "docs/canon", namespace: "CANON" },
    { path: "notes", include: ["**/*.md"] },
  ],
  default_slice: "head(20)",
});

const AGREEMENT = `---
title: Agreement
symbols:
  "@CANON/scope": "Agreement > Scope"
  '@CANON/whole': ""
---
# Agreement

Intro text.

## Scope

The scope is small.

## Terms

Term list.
`;

function model(): WorkspaceModel {
  const m = new WorkspaceModel({ config });
  m.setFile("docs/canon/AGREEMENT.md", AGREEMENT);
  m.setFile("notes/todo.md", "# Todo\n\nSee @CANON/AGREEMENT.\n");
  return m;
}

describe("WorkspaceModel", () => {
  it("extracts sections with ids per docs/contract.md", () => {
    const m = model();
    const sections = m.sectionsOf("docs/canon/AGREEMENT.md")!;
    expect(sections.map((s) => [s.headingPath, s.lineStart, s.lineEnd, s.slug])).toEqual([
      [[], 0, 17, ""],
      [["Agreement"], 6, 17, "agreement"],
      [["Agreement", "Scope"], 10, 14, "scope"],
      [["Agreement", "Terms"], 14, 17, "terms"],
    ]);
    const scope = sections[2]!;
    expect(m.sectionText(scope.sectionId)).toBe("## Scope\n\nThe scope is small.\n\n");
    expect(scope.contentHash).toBe(contentHash("## Scope\n\nThe scope is small.\n\n"));
    expect(scope.sectionId).toBe(sectionId("docs/canon/AGREEMENT.md", 10, 14, scope.contentHash));
  });

  it("knows namespace, front-matter and registry symbols", () => {
    const m = model();
    m.setRegistry(
      parseRegistry(
        formatRegistry([{ symbolId: "@NOTES/todo", targetType: "HEADING", targetRef: "notes/todo.md#Todo", defaultSlice: "lines[0:1]" }]),
      ).entries,
    );
    expect(m.listSymbolIds()).toEqual(["@CANON/AGREEMENT", "@CANON/scope", "@CANON/whole", "@NOTES/todo"]);
    expect(m.listSymbolIds("@CANON/s")).toEqual(["@CANON/scope"]);
    expect(m.namespaces()).toEqual(["CANON", "NOTES"]);
    const scope = m.getSymbol("@CANON/scope")!;
    expect(scope.targetType).toBe("HEADING");
    expect(scope.definitions).toEqual([
      { origin: "front-matter", file: "docs/canon/AGREEMENT.md", line: 3, character: 2, targetType: "HEADING", targetRef: "docs/canon/AGREEMENT.md#Agreement > Scope" },
    ]);
    expect(m.getSection(scope.sectionId!)?.heading).toBe("Scope");
    const resolved = m.resolve({ symbolId: "@NOTES/todo" });
    expect(resolved).toMatchObject({ payload: "# Todo\n", sliceText: "lines[0:1]", sliceSource: "symbol_default", bytes: 7 });
    const byDefault = m.resolve({ symbolId: "@CANON/AGREEMENT" });
    expect(byDefault.sliceSource).toBe("config_default");
    expect(byDefault.payload).toBe("---\ntitle: Agreement");
    expect(m.resolve({ symbolId: "@CANON/AGREEMENT", slug: "terms", slice: "lines[1:2]" }).payload).toBe("\n");
    expect(m.problems()).toEqual([]);
  });

  it("re-resolves HEADING symbols after an edit and reports problems", () => {
    const m = model();
    const before = m.getSymbol("@CANON/scope")!.sectionId;
    m.setFile("docs/canon/AGREEMENT.md", AGREEMENT.replace("The scope is small.", "The scope is larger now."));
    const after = m.getSymbol("@CANON/scope")!;
    expect(after.sectionId).not.toBe(before);
    expect(after.problem).toBeUndefined();
    m.setFile("docs/canon/AGREEMENT.md", AGREEMENT.replace("## Scope", "## Range"));
    expect(m.getSymbol("@CANON/scope")!.problem?.code).toBe("CAT_HEADING_NOT_FOUND");
    expect(() => m.resolve({ symbolId: "@CANON/scope" })).toThrowError(expect.objectContaining({ code: "CAT_HEADING_NOT_FOUND" }));
    expect(() => m.resolve({ symbolId: "@CANON/scop" })).toThrowError(expect.objectContaining({ code: "CAT_SYMBOL_UNKNOWN" }));
    expect(m.suggest("@CANON/scop", 2)).toEqual(["@CANON/scope", "@CANON/whole"]);
    m.removeFile("docs/canon/AGREEMENT.md");
    expect(m.listSymbolIds()).toEqual([]);
  });
});

describe("WorkspaceModel problems", () => {
  it("reports a duplicate on every definition and refuses to resolve it", () => {
    const m = model();
    m.setRegistry(parseRegistry(formatRegistry([{ symbolId: "@CANON/scope", targetType: "FILE", targetRef: "notes/todo.md" }])).entries);
    const record = m.getSymbol("@CANON/scope")!;
    expect(record.definitions.map((d) => d.origin)).toEqual(["registry", "front-matter"]);
    expect(record.problem?.code).toBe("CAT_SYMBOL_DUPLICATE");
    const duplicates = m.problems().filter((p) => p.code === "CAT_SYMBOL_DUPLICATE");
    expect(duplicates.map((p) => [p.file, p.line])).toEqual([
      ["catalytic.symbols.json", 2],
      ["docs/canon/AGREEMENT.md", 3],
    ]);
    expect(() => m.resolve({ symbolId: "@CANON/scope" })).toThrowError(expect.objectContaining({ code: "CAT_SYMBOL_DUPLICATE" }));
  });

  it("pins a SECTION until its content changes, then reports it stale", () => {
    const m = model();
    const terms = m.sectionsOf("docs/canon/AGREEMENT.md")!.find((s) => s.heading === "Terms")!;
    m.setRegistry(parseRegistry(formatRegistry([{ symbolId: "@PIN/terms", targetType: "SECTION", targetRef: terms.sectionId }])).entries);
    expect(m.getSymbol("@PIN/terms")).toMatchObject({ sectionId: terms.sectionId, stale: false });
    m.setFile("docs/canon/AGREEMENT.md", AGREEMENT.replace("Term list.", "Term list, edited."));
    expect(m.getSymbol("@PIN/terms")).toMatchObject({ stale: true, problem: { code: "CAT_SYMBOL_STALE", file: "catalytic.symbols.json" } });
    expect(() => m.resolve({ symbolId: "@PIN/terms" })).toThrowError(expect.objectContaining({ code: "CAT_SYMBOL_STALE" }));
  });

  it("reports invalid default slices, missing targets and impossible namespace names", () => {
    const m = model();
    m.setFile("docs/canon/g++.md", "# g++\n");
    m.setRegistry(
      parseRegistry(
        formatRegistry([
          { symbolId: "@X/all", targetType: "FILE", targetRef: "notes/todo.md", defaultSlice: "ALL" },
          { symbolId: "@X/long", targetType: "FILE", targetRef: "notes/todo.md", defaultSlice: "lines[0:99]" },
          { symbolId: "@X/gone", targetType: "FILE", targetRef: "notes/gone.md" },
          { symbolId: "@X/nohead", targetType: "HEADING", targetRef: "notes/todo.md#Missing" },
        ]),
      ).entries,
    );
    expect(m.problems().map((p) => [p.code, p.symbolId])).toEqual([
      ["CAT_SYMBOL_INVALID", "@CANON/g++"],
      ["CAT_SLICE_ALL_FORBIDDEN", "@X/all"],
      ["CAT_FILE_NOT_FOUND", "@X/gone"],
      ["CAT_SLICE_OUT_OF_BOUNDS", "@X/long"],
      ["CAT_HEADING_NOT_FOUND", "@X/nohead"],
    ]);
  });

  it("loadFile from a snapshot equals setFile from text", () => {
    const a = model();
    const b = new WorkspaceModel({ config, readText: (p) => (p === "notes/todo.md" ? "# Todo\n\nSee @CANON/AGREEMENT.\n" : AGREEMENT) });
    for (const file of a.listFiles()) b.loadFile(a.fileSnapshot(file)!);
    expect(b.listSymbols()).toEqual(a.listSymbols());
    expect(b.problems()).toEqual(a.problems());
    const scope = a.getSymbol("@CANON/scope")!.sectionId!;
    expect(b.sectionText(scope)).toBe(a.sectionText(scope));
  });
});

describe("WorkspaceModel namespaces", () => {
  it("tracks namespaces as ids come and go", () => {
    const m = model();
    expect(m.namespaces()).toEqual(["CANON"]);
    m.setFile("notes/x.md", '---\nsymbols:\n  "@ZED/x": ""\n---\n# X\n');
    expect(m.namespaces()).toEqual(["CANON", "ZED"]);
    m.removeFile("notes/x.md");
    expect(m.namespaces()).toEqual(["CANON"]);
    m.setConfig(ConfigSchema.parse({ sources: [{ path: "notes", namespace: "NOTES" }] }));
    expect(m.namespaces()).toEqual(["CANON", "NOTES"]);
    expect(m.listSymbolIds()).toEqual(["@CANON/scope", "@CANON/whole", "@NOTES/todo"]);
  });
});
