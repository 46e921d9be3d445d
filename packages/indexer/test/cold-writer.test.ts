// A large cold build writes its rows through a writer thread (src/cold-writer.ts, docs/indexer.md#cold-builds):
// the same rows with the same ids as a build on one thread, and a failure on either thread leaves nothing.
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { ColdWriter, WRITER_THREAD_FROM, sqliteModulePath } from "../src/cold-writer.js";
import { indexPath, openColdIndexDb } from "../src/db.js";
import * as fileSql from "../src/sql/files.js";
import * as sectionSql from "../src/sql/sections.js";
import { useIndexFixture, writeFile } from "./fixture.js";

const fixture = useIndexFixture();

/** WRITER_THREAD_FROM files in folders of 500: headings, non-ASCII text, and (`frontMatter`) some front-matter symbols. */
function largeWorkspace(options: { namespace?: boolean; frontMatter?: boolean } = {}): string {
  const root = fixture.tempRoot();
  if (options.namespace) writeFile(root, "catalytic.json", JSON.stringify({ sources: [{ path: "f0", namespace: "NS" }, { path: "." }] }));
  for (let i = 0; i < WRITER_THREAD_FROM; i++) {
    const head = options.frontMatter && i % 997 === 0 ? `---\nsymbols:\n  "@FM/s${i}": "Page ${i} > Part"\n---\n` : "";
    const body = i % 3 === 0 ? `# Page ${i}\n\nÉtude ${i} über 東京.\n\n## Part\n\nMore ${i}.\n` : `Plain text ${i}, no heading.\r\nSecond line.\n`;
    writeFile(root, `f${Math.floor(i / 500)}/p${i}.md`, head + body);
  }
  return root;
}

/** Every row of every table (FTS5's own segment tables too), row ids included, in row id order. */
function rowsOf(root: string): Record<string, unknown[]> {
  const db = new Database(indexPath(root), { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
    const out: Record<string, unknown[]> = {};
    for (const table of tables) {
      const withoutRowid = /WITHOUT ROWID/i.test(db.prepare("SELECT sql FROM sqlite_master WHERE name = ?").pluck().get(table) as string);
      const sql = table === "search_fts" ? "SELECT rowid, * FROM search_fts ORDER BY rowid" : withoutRowid ? `SELECT * FROM "${table}" ORDER BY 1` : `SELECT rowid, * FROM "${table}" ORDER BY rowid`;
      out[table] = db.prepare(sql).raw().all();
    }
    // The walk's records hold folder mtimes, which differ between two copies; the rest must not.
    out.folders = (out.folders as unknown[][]).map((row) => row.filter((_, i) => i !== 1));
    out.files = (out.files as unknown[][]).map((row) => row.filter((_, i) => i !== 3));
    return out;
  } finally {
    db.close();
  }
}

const buildFiles = (root: string): string[] => readdirSync(path.join(root, ".catalytic")).filter((name) => name.includes(".build"));

describe("cold build through the writer thread", () => {
  it.each([
    ["no config, some front-matter symbols", { frontMatter: true }],
    ["a namespace source", { namespace: true }],
  ])("writes the rows, with their ids, of a build on one thread (%s)", (_, options) => {
    const threaded = largeWorkspace(options);
    const single = largeWorkspace(options);
    const threadedReport = fixture.open(threaded).build();
    // An index.db opened first is built in place, on this thread.
    const index = fixture.open(single);
    index.counts();
    const singleReport = index.build();
    expect(threadedReport.files).toBe(WRITER_THREAD_FROM);
    expect({ ...threadedReport, timings: undefined }).toEqual({ ...singleReport, timings: undefined });
    expect(rowsOf(threaded)).toEqual(rowsOf(single));
    expect(buildFiles(threaded)).toEqual([]);
  });

  it("leaves no index.db and no private file when the build fails while the thread writes, and the next build works", () => {
    const root = largeWorkspace();
    const index = fixture.open(root);
    expect(() =>
      index.build({
        onProgress: (progress) => {
          if (progress.phase === "read" && progress.done >= 4000) throw new Error("interrupted");
        },
      }),
    ).toThrow("interrupted");
    expect(existsSync(indexPath(root))).toBe(false);
    expect(buildFiles(root)).toEqual([]);
    expect(index.build()).toMatchObject({ added: WRITER_THREAD_FROM });
  });

  it("reports a statement that fails in the thread as CAT_DB_ERROR, and the build stops sending", () => {
    const root = fixture.tempRoot();
    const sqlite = sqliteModulePath();
    expect(sqlite).toBeDefined();
    const { db, file } = openColdIndexDb(root);
    db.close();
    const writer = new ColdWriter(file, sqlite as string);
    writer.run(fileSql.UPSERT_FILE, ["a.md", 1, 1, "h", "{}"]);
    // A section of a file with no files row: the foreign key fails inside the thread.
    const params = ["id", "missing.md", 0, "file", 0, "", "", "[]", 0, 1, 0, 0, "h"];
    expect(writer.insertSection(params)).toBe(1);
    expect(() => {
      for (let i = 0; i < 100_000; i++) writer.insertSection(params);
      writer.finish();
    }).toThrow(expect.objectContaining({ code: "CAT_DB_ERROR", message: expect.stringContaining("FOREIGN KEY") }));
    writer.abort(); // after a failure: nothing left to wait for
    // Nothing was committed.
    const check = new Database(file, { readonly: true });
    expect(check.prepare("SELECT count(*) FROM files").pluck().get()).toBe(0);
    check.close();
  });

  it("runs only the statements it was made for", () => {
    const root = fixture.tempRoot();
    const { db, file } = openColdIndexDb(root);
    db.close();
    const writer = new ColdWriter(file, sqliteModulePath() as string);
    expect(() => writer.run(sectionSql.DELETE_SECTIONS_OF_FILE, ["a.md"])).toThrow(TypeError);
    writer.finish();
  });
});
