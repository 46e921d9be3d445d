// The first build of a workspace (no index.db yet) writes a private file and links it into place when complete
// (docs/indexer.md#cold-builds): a failure leaves no index.db, an index.db that appeared meanwhile is kept and built
// on, and the result has the schema and rows of an index built in place.
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { Index } from "../src/index.js";
import { indexPath } from "../src/db.js";
import { formatRegistry } from "../src/registry.js";
import { SELECT_SYMBOL_TEXTS } from "../src/sql/search.js";
import { dumpIndex, useIndexFixture, writeFile } from "./fixture.js";

const fixture = useIndexFixture();

function workspace(): string {
  const root = fixture.tempRoot();
  writeFile(root, "catalytic.json", JSON.stringify({ sources: [{ path: "canon", namespace: "CANON" }, { path: "notes" }] }));
  writeFile(root, "canon/a.md", "---\nsymbols:\n  \"@CANON/part\": \"A > Part\"\n---\n# A\n\n## Part\n\nText.\n");
  writeFile(root, "canon/b.md", "# B\n\nSee @CANON/a.\n\n## Más\n\nÉtude.\n");
  for (let i = 0; i < 30; i++) writeFile(root, `notes/n${i}.md`, `# Note ${i}\n\nBody ${i}.\n\n## Part\n\nMore ${i}.\n`);
  return root;
}

const stateFiles = (root: string): string[] => readdirSync(path.join(root, ".catalytic")).sort();

function schemaOf(root: string): unknown[] {
  const db = new Database(indexPath(root), { readonly: true });
  try {
    return [db.pragma("journal_mode", { simple: true }), db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").all()];
  } finally {
    db.close();
  }
}

describe("cold build", () => {
  it("gives the schema, rows and report of a build into an index.db opened first", () => {
    const cold = workspace();
    const warm = workspace();
    const coldIndex = fixture.open(cold);
    expect(existsSync(indexPath(cold))).toBe(false); // nothing is created before the build
    const coldReport = coldIndex.build();
    const warmIndex = fixture.open(warm);
    warmIndex.counts(); // opens (creates) index.db: the build then writes into it in place
    expect(existsSync(indexPath(warm))).toBe(true);
    const warmReport = warmIndex.build();
    expect(coldReport.indexHash).toBe(warmReport.indexHash);
    expect({ ...coldReport, timings: undefined }).toEqual({ ...warmReport, timings: undefined });
    expect(schemaOf(cold)).toEqual(schemaOf(warm));
    expect(schemaOf(cold)[0]).toBe("wal");
    expect(dumpIndex(cold)).toEqual(dumpIndex(warm));
    expect(stateFiles(cold).filter((name) => name.includes(".build"))).toEqual([]);
    // The same Index goes on with the published file.
    expect(coldIndex.search("étude").hits.map((hit) => hit.filePath)).toEqual(["canon/b.md"]);
    writeFile(cold, "notes/n0.md", "# Note 0\n\nEdited.\n");
    expect(coldIndex.build()).toMatchObject({ changed: 1, added: 0 });
  });

  it("leaves no index.db and no temp file when it fails", () => {
    const root = workspace();
    const index = fixture.open(root);
    expect(() =>
      index.build({
        onProgress: (progress) => {
          if (progress.phase === "symbols") throw new Error("interrupted");
        },
      }),
    ).toThrow("interrupted");
    expect(existsSync(indexPath(root))).toBe(false);
    expect(stateFiles(root)).toEqual([]);
    // The next build starts again from nothing.
    expect(index.build()).toMatchObject({ added: 32, files: 32 });
    expect(dumpIndex(root)).toEqual(fixture.coldDump(root));
  });

  it("is CAT_FILE_UNWRITABLE when .catalytic cannot hold the index, and writes nothing", () => {
    const root = workspace();
    writeFileSync(path.join(root, ".catalytic"), "a file, not a folder\n");
    const index = fixture.open(root);
    expect(() => index.build()).toThrow(expect.objectContaining({ code: "CAT_FILE_UNWRITABLE", hint: expect.stringContaining(".catalytic") }));
    expect(readFileSync(path.join(root, ".catalytic"), "utf8")).toBe("a file, not a folder\n");
  });

  it("keeps an index.db another build put in place meanwhile, and builds on it", () => {
    const root = workspace();
    const first = fixture.open(root);
    let other: ReturnType<Index["build"]> | undefined;
    const report = first.build({
      onProgress: (progress) => {
        // While this build writes its private file, another one completes and publishes index.db.
        if (progress.phase !== "symbols" || other) return;
        const second = fixture.open(root);
        other = second.build();
        second.close();
      },
    });
    expect(other).toMatchObject({ added: 32 });
    expect(report).toMatchObject({ added: 0, unchanged: 32, indexHash: other!.indexHash });
    expect(stateFiles(root).filter((name) => name.includes(".build"))).toEqual([]);
    expect(dumpIndex(root)).toEqual(fixture.coldDump(root));
  });

  it("removes the private file a killed build left behind, and only that", () => {
    const root = workspace();
    writeFile(root, ".catalytic/keep.txt", "not ours\n");
    // No process has pid 2^31 - 1 (Linux caps pids at 2^22).
    writeFileSync(path.join(root, ".catalytic", "index.db.2147483647-0a1b2c3d.build"), "half a database");
    writeFileSync(path.join(root, ".catalytic", `index.db.${process.pid}-0a1b2c3d.build`), "this process's own");
    fixture.open(root).build();
    expect(stateFiles(root)).toEqual(["index.db", `index.db.${process.pid}-0a1b2c3d.build`, "keep.txt"]);
  });

  it("writes each search row with exactly the symbol ids the symbols table gives its section, whoever defines them", () => {
    const root = fixture.tempRoot();
    // docs/f.md's namespace id is also defined in notes/n.md's front matter, which wins (a duplicate); the registry
    // points into a heading of a namespaced file, whose front matter names the same heading.
    writeFile(root, "catalytic.json", JSON.stringify({ sources: [{ path: "docs", namespace: "X" }, { path: "notes" }] }));
    writeFile(root, "docs/f.md", "# F in docs\n\nDocs text.\n");
    writeFile(root, "notes/n.md", "---\nsymbols:\n  \"@X/f\": \"N\"\n---\n# N\n\nNotes text.\n");
    writeFile(root, "docs/g.md", "---\nsymbols:\n  \"@FM/inner\": \"G > Inner\"\n---\n# G\n\n## Inner\n\nInner text.\n");
    writeFile(root, "catalytic.symbols.json", formatRegistry([{ symbolId: "@REG/inner", targetType: "HEADING", targetRef: "docs/g.md#G > Inner" }]));
    fixture.open(root).build();
    const db = new Database(indexPath(root), { readonly: true });
    try {
      const wanted = db.prepare(SELECT_SYMBOL_TEXTS).all() as Array<{ section_id: string; symbols: string }>;
      expect(wanted.map((row) => row.symbols).sort()).toEqual(["@FM/inner @REG/inner", "@X/f", "@X/g"]);
      expect(db.prepare("SELECT section_id, symbols FROM search_symbols ORDER BY section_id").all()).toEqual(
        [...wanted].sort((a, b) => (a.section_id < b.section_id ? -1 : 1)),
      );
      const rows = db
        .prepare("SELECT s.file_path, s.heading, f.symbols FROM search_fts f JOIN sections s ON s.id = f.rowid ORDER BY s.file_path, s.ordinal")
        .all();
      expect(rows).toEqual([
        { file_path: "docs/f.md", heading: "F in docs", symbols: "" },
        { file_path: "docs/g.md", heading: "", symbols: "@X/g" }, // the file section: its front matter is its text
        { file_path: "docs/g.md", heading: "G", symbols: "" },
        { file_path: "docs/g.md", heading: "Inner", symbols: "@FM/inner @REG/inner" },
        { file_path: "notes/n.md", heading: "", symbols: "" },
        { file_path: "notes/n.md", heading: "N", symbols: "@X/f" },
      ]);
    } finally {
      db.close();
    }
    expect(dumpIndex(root)).toEqual(fixture.coldDump(root));
  });
});
