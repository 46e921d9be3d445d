// The SQLite index over real files in temp dirs: determinism, incremental == cold, symbols, cache, errors.
import { existsSync, readFileSync, renameSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { Index } from "../src/index.js";
import { casPath } from "../src/cas.js";
import { indexPath } from "../src/db.js";
import { formatRegistry } from "../src/registry.js";
import { sha256Hex } from "@catalytic/core";
import { RUST_BOOK, copyCorpus } from "./corpora.js";
import { dumpIndex, useIndexFixture, writeFile } from "./fixture.js";

const fixture = useIndexFixture();

const AGREEMENT = `---
symbols:
  "@CANON/scope": "Agreement > Scope"
---
# Agreement

Intro.

## Scope

Scope text.

## Terms

Terms text.
`;

function workspace(): string {
  const root = fixture.tempRoot();
  writeFile(root, "catalytic.json", JSON.stringify({ sources: [{ path: "canon", namespace: "CANON" }, { path: "notes" }], default_slice: "head(30)" }));
  writeFile(root, "canon/AGREEMENT.md", AGREEMENT);
  writeFile(root, "canon/glossary.md", "# Glossary\n\n## Slice\n\nA bound.\n\n## Symbol\n\nA name.\n");
  writeFile(root, "notes/todo.md", "# Todo\n\nRead @CANON/scope and @CANON/glossary#slice.\n");
  writeFile(root, "outside.md", "# Not a source\n");
  return root;
}

describe("Index.build", () => {
  it("indexes the configured sources only and reports counts", () => {
    const root = workspace();
    const report = fixture.open(root).build();
    expect(report).toMatchObject({ files: 3, added: 3, changed: 0, removed: 0, unchanged: 0, symbols: 3, problems: 0 });
    expect(report.sections).toBe(4 + 3 + 1); // "# Glossary" and "# Todo" span their files: one id each with the file section
    expect(report.indexHash).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(report.timings).sort()).toEqual(["extractMs", "hashMs", "readMs", "searchMs", "symbolsMs", "totalMs", "walkMs", "writeMs"]);
  });

  it("is deterministic: rebuilds, a copied tree and a tree written in another order give the same hash", () => {
    const root = workspace();
    const first = fixture.open(root).build().indexHash;
    expect(fixture.open(root).build().indexHash).toBe(first);
    const copy = fixture.tempRoot();
    for (const file of ["notes/todo.md", "canon/glossary.md", "canon/AGREEMENT.md", "catalytic.json"].reverse()) {
      writeFile(copy, file, readFileSync(path.join(root, file), "utf8"));
    }
    expect(fixture.open(copy).build().indexHash).toBe(first);
    const exportA = path.join(root, "out");
    const exportB = path.join(copy, "out");
    fixture.open(root).exportJsonl(exportA);
    fixture.open(copy).exportJsonl(exportB);
    for (const name of ["SECTION_INDEX.jsonl", "SYMBOLS.jsonl"]) {
      expect(readFileSync(path.join(exportB, name), "utf8")).toBe(readFileSync(path.join(exportA, name), "utf8"));
    }
    expect(readFileSync(path.join(exportA, "SYMBOLS.jsonl"), "utf8")).toBe(
      [
        '{"symbol_id":"@CANON/AGREEMENT","target_ref":"canon/AGREEMENT.md","target_type":"FILE"}',
        '{"symbol_id":"@CANON/glossary","target_ref":"canon/glossary.md","target_type":"FILE"}',
        '{"symbol_id":"@CANON/scope","target_ref":"canon/AGREEMENT.md#Agreement > Scope","target_type":"HEADING"}',
        "",
      ].join("\n"),
    );
  });

  it("skips unchanged files on a stat and re-reads only what changed", () => {
    const root = workspace();
    const file = path.join(root, "notes/todo.md");
    utimesSync(file, 1_700_000_000, 1_700_000_000);
    const index = fixture.open(root);
    index.build();
    // Same size and mtime but different bytes: a stat-skip cannot see it, which proves the file was not read.
    writeFileSync(file, readFileSync(file, "utf8").replace("Todo", "Tada"));
    utimesSync(file, 1_700_000_000, 1_700_000_000);
    expect(index.build()).toMatchObject({ changed: 0, unchanged: 3 });
    // A new mtime with the same bytes (as before the swap) costs a read but no re-extraction.
    writeFileSync(path.join(root, "canon/glossary.md"), readFileSync(path.join(root, "canon/glossary.md")));
    utimesSync(path.join(root, "canon/glossary.md"), new Date(), new Date(Date.now() + 5000));
    expect(index.build()).toMatchObject({ changed: 0, unchanged: 3 });
  });

  it("incremental builds equal a cold build after edit, add, delete and rename", () => {
    const root = workspace();
    const index = fixture.open(root);
    index.build();
    const steps: Array<[string, () => void, Partial<Record<string, number>>]> = [
      ["edit", () => writeFile(root, "canon/AGREEMENT.md", AGREEMENT.replace("Scope text.", "Scope text, longer now.")), { changed: 1 }],
      ["add", () => writeFile(root, "canon/new.md", "# New\n\n## Part\n"), { added: 1 }],
      ["delete", () => unlinkSync(path.join(root, "canon/glossary.md")), { removed: 1 }],
      ["rename", () => renameSync(path.join(root, "notes/todo.md"), path.join(root, "notes/done.md")), { added: 1, removed: 1 }],
      ["front matter", () => writeFile(root, "canon/new.md", '---\nsymbols:\n  "@CANON/part": "Part"\n---\n# New\n\n## Part\n'), { changed: 1 }],
    ];
    for (const [name, change, expected] of steps) {
      change();
      const report = index.build();
      expect(report, name).toMatchObject(expected);
      expect(dumpIndex(root), name).toEqual(fixture.coldDump(root));
    }
    expect(index.getSymbol("@CANON/part")?.sectionId).toBeDefined();
    expect(index.getSymbol("@CANON/glossary")).toBeUndefined();
  });

  it("honours .gitignore, skips node_modules and .catalytic, and reports symlinks", () => {
    const root = fixture.tempRoot();
    writeFile(root, ".gitignore", "ignored/\n*.tmp.md\n");
    writeFile(root, "a.md", "# A\n");
    writeFile(root, "ignored/b.md", "# B\n");
    writeFile(root, "c.tmp.md", "# C\n");
    writeFile(root, "node_modules/pkg/readme.md", "# D\n");
    writeFile(root, "sub/.gitignore", "secret.md\n");
    writeFile(root, "sub/secret.md", "# S\n");
    writeFile(root, "sub/open.md", "# O\n");
    symlinkSync(path.join(root, "a.md"), path.join(root, "link.md"));
    symlinkSync(path.join(root, "sub"), path.join(root, "linked-dir"));
    symlinkSync(path.join(root, "a.md"), path.join(root, "link.txt"));
    const report = fixture.open(root).build();
    expect(fixture.open(root).loadModel().listFiles()).toEqual(["a.md", "sub/open.md"]);
    const reason = "symbolic links are not followed (they could lead outside the workspace)";
    expect(report.skipped).toEqual([
      { path: "link.md", reason },
      { path: "linked-dir", reason },
    ]);
  });

  it("indexes the whole rust-book with its default config", { timeout: 120_000 }, () => {
    const root = copyCorpus(RUST_BOOK);
    fixture.removeAfter(path.dirname(root));
    const index = fixture.open(root);
    const report = index.build();
    expect(report.files).toBe(112);
    expect(report.sections).toBe(579); // distinct ids: 655 sections, 76 of them an H1 spanning its chapter
    expect(index.verify()).toMatchObject({ ok: true, differences: [] });
  });
});

describe("Index symbols", () => {
  it("a HEADING symbol survives an edit and resolves to the new content", () => {
    const root = workspace();
    const index = fixture.open(root);
    index.build();
    const before = index.resolve("@CANON/scope", { slice: "lines[0:3]" });
    writeFile(root, "canon/AGREEMENT.md", AGREEMENT.replace("Intro.", "Intro.\n\nMore intro.").replace("Scope text.", "Scope text v2."));
    index.build();
    const after = index.resolve("@CANON/scope", { slice: "lines[0:3]" });
    expect(after.section.sectionId).not.toBe(before.section.sectionId);
    expect(after.section.lineStart).toBe(before.section.lineStart + 2);
    expect(after.payload).toBe("## Scope\n\nScope text v2.\n");
  });

  it("a SECTION pin goes stale when its content changes and is reported where it is defined", () => {
    const root = workspace();
    const index = fixture.open(root);
    index.build();
    const terms = index.loadModel().sectionsOf("canon/AGREEMENT.md")!.find((s) => s.heading === "Terms")!;
    writeFile(root, "catalytic.symbols.json", formatRegistry([{ symbolId: "@PIN/terms", targetType: "SECTION", targetRef: terms.sectionId }]));
    index.build();
    expect(index.resolve("@PIN/terms").payload).toBe("## Terms\n\nTerms text.\n");
    writeFile(root, "canon/AGREEMENT.md", AGREEMENT.replace("Terms text.", "Terms changed."));
    const report = index.build();
    expect(report.problems).toBe(1);
    expect(index.getSymbol("@PIN/terms")).toMatchObject({ stale: true, problem: { code: "CAT_SYMBOL_STALE" } });
    expect(index.verifySymbols()).toEqual([
      expect.objectContaining({ code: "CAT_SYMBOL_STALE", file: "catalytic.symbols.json", line: 2, symbolId: "@PIN/terms" }),
    ]);
    expect(() => index.resolve("@PIN/terms")).toThrowError(expect.objectContaining({ code: "CAT_SYMBOL_STALE" }));
    // Restoring the content brings the pinned version back.
    writeFile(root, "canon/AGREEMENT.md", AGREEMENT);
    index.build();
    expect(index.getSymbol("@PIN/terms")).toMatchObject({ stale: false, sectionId: terms.sectionId });
    expect(dumpIndex(root)).toEqual(fixture.coldDump(root));
  });

  it("counts the same problems as the in-memory model, duplicates on both places", () => {
    const root = workspace();
    writeFile(root, "catalytic.symbols.json", formatRegistry([{ symbolId: "@CANON/scope", targetType: "FILE", targetRef: "notes/todo.md" }]));
    writeFile(root, "canon/bad name!.md", "# Bad\n");
    const index = fixture.open(root);
    const report = index.build();
    const problems = index.verifySymbols();
    expect(problems.map((p) => [p.code, p.file])).toEqual([
      ["CAT_SYMBOL_INVALID", "canon/bad name!.md"],
      ["CAT_SYMBOL_DUPLICATE", "catalytic.symbols.json"],
      ["CAT_SYMBOL_DUPLICATE", "canon/AGREEMENT.md"],
    ]);
    expect(report.problems).toBe(problems.length);
    expect(() => index.resolve("@CANON/scope")).toThrowError(expect.objectContaining({ code: "CAT_SYMBOL_DUPLICATE" }));
  });

  it("loadModel reproduces what the index holds without re-reading files", () => {
    const root = workspace();
    const index = fixture.open(root);
    index.build();
    const model = index.loadModel();
    expect(model.listSymbols().map((s) => [s.symbolId, s.sectionId])).toEqual(index.listSymbols().map((s) => [s.symbolId, s.sectionId]));
    expect(model.resolve({ symbolId: "@CANON/scope" }).payload).toBe(index.resolve("@CANON/scope").payload);
  });

  it("re-resolves symbols on open when catalytic.symbols.json changed since the build", () => {
    const root = workspace();
    fixture.open(root).build();
    writeFile(root, "catalytic.symbols.json", formatRegistry([{ symbolId: "@NOTES/todo", targetType: "FILE", targetRef: "notes/todo.md", defaultSlice: "lines[0:1]" }]));
    expect(fixture.open(root, { mustExist: true }).resolve("@NOTES/todo")).toMatchObject({ payload: "# Todo\n", sliceSource: "symbol_default" });
  });
});

describe("Index.resolve and the expansion cache", () => {
  it("misses, then hits; run id, slice and content are part of the key; payloads live in the CAS", () => {
    const root = workspace();
    const index = fixture.open(root);
    index.build();
    const miss = index.resolve("@CANON/scope", { runId: "r1" });
    expect(miss).toMatchObject({ cacheHit: false, sliceText: "head(30)", sliceSource: "config_default", payload: "## Scope\n\nScope text.\n\n", bytes: 23 });
    expect(readFileSync(casPath(root, miss.payloadHash), "utf8")).toBe(miss.payload);
    const hit = index.resolve("@CANON/scope", { runId: "r1" });
    expect(hit).toMatchObject({ cacheHit: true, payload: miss.payload, payloadHash: miss.payloadHash, contentHash: miss.contentHash });
    expect(index.resolve("@CANON/scope", { runId: "r2" }).cacheHit).toBe(false);
    expect(index.resolve("@CANON/scope:lines[0:1]", { runId: "r1" })).toMatchObject({ cacheHit: false, payload: "## Scope\n", sliceSource: "explicit" });
    expect(index.resolve("@CANON/glossary#slice", { runId: "r1" })).toMatchObject({ cacheHit: false, reference: "@CANON/glossary#slice", payload: "## Slice\n\nA bound.\n\n" });
    writeFile(root, "canon/AGREEMENT.md", AGREEMENT.replace("Scope text.", "Scope text!"));
    index.build();
    const changed = index.resolve("@CANON/scope", { runId: "r1" });
    expect(changed).toMatchObject({ cacheHit: false, payload: "## Scope\n\nScope text!\n\n" });
    expect(changed.contentHash).not.toBe(miss.contentHash);
    const db = new Database(indexPath(root));
    expect(() => db.prepare("DELETE FROM expansions").run()).toThrow(/append-only/);
    expect(db.prepare("SELECT count(*) AS n FROM expansions").get()).toEqual({ n: 5 });
    db.close();
  });

  it("fails closed with typed errors", () => {
    const root = workspace();
    const index = fixture.open(root);
    index.build();
    const code = (fn: () => unknown): string => {
      try {
        fn();
      } catch (error) {
        return (error as { code: string }).code;
      }
      return "no error";
    };
    let unknownHint = "";
    try {
      index.resolve("@CANON/scop");
    } catch (error) {
      unknownHint = (error as { hint: string }).hint;
    }
    expect(unknownHint).toBe("did you mean @CANON/scope?");
    expect(code(() => index.resolve("@CANON/scope", { slice: "ALL" }))).toBe("CAT_SLICE_ALL_FORBIDDEN");
    expect(code(() => index.resolve("@CANON/scope", { slice: "lines[0:99]" }))).toBe("CAT_SLICE_OUT_OF_BOUNDS");
    expect(code(() => index.resolve("@CANON/scope", { slice: "lines[2:1]" }))).toBe("CAT_SLICE_EMPTY_RANGE");
    expect(code(() => index.resolve("@CANON/glossary#nope"))).toBe("CAT_HEADING_NOT_FOUND");
    expect(code(() => index.resolve("not a reference"))).toMatch(/^CAT_/);
    expect(code(() => index.readSection("0".repeat(64)))).toBe("CAT_SECTION_NOT_FOUND");
    writeFile(root, "canon/glossary.md", "# Glossary changed\n");
    expect(code(() => index.resolve("@CANON/glossary"))).toBe("CAT_INDEX_STALE");
    const empty = fixture.tempRoot();
    expect(code(() => Index.open(empty, { mustExist: true }))).toBe("CAT_INDEX_MISSING");
    expect(existsSync(indexPath(empty))).toBe(false);
  });

  it("readSection returns the current text, optionally sliced", () => {
    const root = workspace();
    const index = fixture.open(root);
    index.build();
    const section = index.loadModel().sectionsOf("canon/glossary.md")![2]!;
    expect(index.readSection(section.sectionId)).toMatchObject({ text: "## Slice\n\nA bound.\n\n", bytes: 20 });
    expect(index.readSection(section.sectionId, "tail(9)")).toMatchObject({ text: "A bound.\n\n".slice(1), sliceText: "tail(9)" });
  });
});

describe("Index.search", () => {
  it("returns deterministic hits with symbols and short snippets, and stores a receipt", () => {
    const root = workspace();
    writeFile(root, "notes/long.md", `# Long\n\n${"bound ".repeat(200)}\n`);
    const index = fixture.open(root);
    index.build();
    const first = index.search("bound", { k: 5, runId: "run-s" });
    const second = index.search("bound", { k: 5, runId: "run-s" });
    expect(second.hits).toEqual(first.hits);
    expect(first.hits.map((h) => h.filePath).sort()).toEqual(["canon/glossary.md", "notes/long.md"]);
    const glossary = first.hits.find((h) => h.filePath === "canon/glossary.md")!;
    expect(glossary).toMatchObject({ headingPath: ["Glossary", "Slice"], lineStart: 2, lineEnd: 6, symbols: [] });
    for (const hit of first.hits) expect(hit.snippet.length).toBeLessThanOrEqual(200);
    for (let i = 1; i < first.hits.length; i++) expect(first.hits[i - 1]!.score).toBeGreaterThanOrEqual(first.hits[i]!.score);
    expect(index.search("Scope", { k: 1 }).hits[0]).toMatchObject({ headingPath: ["Agreement", "Scope"], symbols: ["@CANON/scope"] });
    const db = new Database(indexPath(root), { readonly: true });
    const receipt = db.prepare("SELECT run_id, query, query_hash, k, index_hash, created_at, results FROM retrievals WHERE id = ?").get(first.receiptId) as Record<string, unknown>;
    db.close();
    expect(receipt).toEqual({
      run_id: "run-s",
      query: "bound",
      query_hash: sha256Hex("bound"),
      k: 5,
      index_hash: index.indexHash(),
      created_at: first.createdAt,
      results: receipt.results,
    });
    expect(first).toMatchObject({ runId: "run-s", queryHash: sha256Hex("bound"), k: 5, indexHash: index.indexHash() });
    expect(Date.parse(first.createdAt)).toBeGreaterThan(Date.parse("2020-01-01"));
    expect(JSON.parse(receipt.results as string)).toEqual(first.hits.map((h) => ({ section_id: h.sectionId, score: h.score })));
    expect(() => index.search("  ??  ")).toThrowError(expect.objectContaining({ code: "CAT_USAGE" }));
  });

  it("clips snippets of long words to at most 200 characters", () => {
    const root = workspace();
    const word = "antidisestablishmentarianism";
    writeFile(root, "notes/words.md", `# Words\n\n${`${word} `.repeat(60)}\n`);
    const index = fixture.open(root);
    index.build();
    const [hit] = index.search(word, { k: 1 }).hits;
    expect(hit!.snippet.length).toBe(200);
    expect(hit!.snippet.endsWith("…")).toBe(true);
    expect(hit!.snippet.startsWith(word)).toBe(true);
  });
});

describe("Index integrity errors", () => {
  it("verify reports sections that differ from a fresh extraction", () => {
    const root = workspace();
    const index = fixture.open(root);
    index.build();
    const db = new Database(indexPath(root));
    const row = db.prepare("SELECT id, section_id, line_start FROM sections WHERE file_path = 'notes/todo.md' AND ordinal = 1").get() as { id: number; section_id: string };
    db.prepare("DELETE FROM sections WHERE id = ?").run(row.id);
    db.close();
    const report = index.verify();
    expect(report.ok).toBe(false);
    expect(report.differences).toEqual([{ side: "fresh", sectionId: row.section_id, filePath: "notes/todo.md", lineStart: 0, lineEnd: 3 }]);
  });

  it("verify reports stored sections whose file has no row, and a stored section with another line", () => {
    const root = workspace();
    const index = fixture.open(root);
    index.build();
    const db = new Database(indexPath(root));
    db.pragma("foreign_keys = OFF");
    const orphan = "a".repeat(64);
    db.prepare(
      `INSERT INTO sections (section_id, file_path, ordinal, kind, level, heading, slug, heading_path, line_start, line_end, heading_line_start, heading_line_end, content_hash)
       VALUES (?, 'gone.md', 0, 'file', 0, '', '', '[]', 0, 4, 0, 0, ?)`,
    ).run(orphan, "b".repeat(64));
    const moved = db.prepare("SELECT section_id, line_start, line_end FROM sections WHERE file_path = 'notes/todo.md' AND ordinal = 1").get() as { section_id: string; line_start: number; line_end: number };
    db.prepare("UPDATE sections SET line_start = 7 WHERE file_path = 'notes/todo.md' AND ordinal = 1").run();
    db.close();
    const report = index.verify();
    expect(report.ok).toBe(false);
    expect(report.differences).toEqual([
      { side: "index", sectionId: orphan, filePath: "gone.md", lineStart: 0, lineEnd: 4 },
      { side: "fresh", sectionId: moved.section_id, filePath: "notes/todo.md", lineStart: moved.line_start, lineEnd: moved.line_end },
      { side: "index", sectionId: moved.section_id, filePath: "notes/todo.md", lineStart: 7, lineEnd: moved.line_end },
    ]);
  });

  it("a tampered CAS object is an invariant error, a missing one is re-expanded", () => {
    const root = workspace();
    const index = fixture.open(root);
    index.build();
    const first = index.resolve("@CANON/scope");
    writeFileSync(casPath(root, first.payloadHash), "tampered");
    expect(() => index.resolve("@CANON/scope")).toThrowError(expect.objectContaining({ code: "CAT_INVARIANT" }));
    unlinkSync(casPath(root, first.payloadHash));
    expect(index.resolve("@CANON/scope")).toMatchObject({ cacheHit: false, payload: first.payload });
    expect(index.resolve("@CANON/scope")).toMatchObject({ cacheHit: true, payload: first.payload });
  });

  it("refuses an index written by a newer schema", () => {
    const root = workspace();
    const first = Index.open(root);
    first.build();
    first.close();
    const db = new Database(indexPath(root));
    db.prepare("UPDATE meta SET value = '99' WHERE key = 'schema_version'").run();
    db.close();
    expect(() => Index.open(root)).toThrowError(expect.objectContaining({ code: "CAT_SCHEMA_MISMATCH" }));
  });

  it("reports a malformed registry as a problem and refuses to rewrite it", async () => {
    const root = workspace();
    writeFile(root, "catalytic.symbols.json", '{ "symbols": { "@A/b": { "target_type": "FILE" } }, }');
    const index = fixture.open(root);
    expect(index.build().problems).toBe(1);
    expect(index.verifySymbols()).toEqual([expect.objectContaining({ code: "CAT_JSON_MALFORMED", file: "catalytic.symbols.json", line: 0 })]);
    writeFile(root, "catalytic.symbols.json", '{ "symbols": { "@A/b": { "target_type": "FILE" } } }');
    index.build();
    expect(index.verifySymbols()).toEqual([expect.objectContaining({ code: "CAT_SCHEMA_INVALID", line: 0, symbolId: "@A/b" })]);
    const { addSymbol } = await import("../src/registry.js");
    expect(() => addSymbol(root, { symbolId: "@A/c", targetType: "FILE", targetRef: "notes/todo.md" })).toThrowError(
      expect.objectContaining({ code: "CAT_SCHEMA_INVALID" }),
    );
  });
});
