// What the indexer's tests share: temp workspaces and open indexes, removed and closed after each test, and the
// rows of index.db that define its content, for comparing an incremental build with a cold one.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach } from "vitest";
import { Index, type IndexOpenOptions } from "../src/index.js";
import { indexPath } from "../src/db.js";
import { tempDir } from "./corpora.js";

export interface IndexFixture {
  /** A fresh temp folder, removed after the test. */
  tempRoot(prefix?: string): string;
  /** `Index.open`, closed after the test. */
  open(root: string, options?: IndexOpenOptions): Index;
  /** Removes folders made elsewhere (a corpus copy's parent) after the test. */
  removeAfter(...dirs: string[]): void;
  /** Closes an index opened elsewhere after the test. */
  closeAfter(index: Index): void;
  /** Every content row of a cold build of a copy of `root` (its index left out), for comparison with `dumpIndex(root)`. */
  coldDump(root: string): Record<string, unknown[]>;
}

/** Call once at the top of a test file: what it opens and creates is cleaned up after each test. */
export function useIndexFixture(): IndexFixture {
  const opened: Index[] = [];
  const dirs: string[] = [];
  afterEach(() => {
    while (opened.length) opened.pop()!.close();
    while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
  });
  const fixture: IndexFixture = {
    tempRoot(prefix) {
      const root = tempDir(prefix);
      dirs.push(root);
      return root;
    },
    open(root, options = {}) {
      const index = Index.open(root, options);
      opened.push(index);
      return index;
    },
    removeAfter(...more) {
      dirs.push(...more);
    },
    closeAfter(index) {
      opened.push(index);
    },
    coldDump(root) {
      const copy = fixture.tempRoot();
      cpSync(root, copy, { recursive: true, filter: (source) => !source.includes(".catalytic") });
      const index = Index.open(copy);
      index.build();
      index.close();
      return dumpIndex(copy);
    },
  };
  return fixture;
}

/** Writes `text` to `file` under `root`, creating its folders. */
export function writeFile(root: string, file: string, text: string): void {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), text);
}

/** Every row that defines the index's content (not row ids, timings or cache), for comparing builds. */
export function dumpIndex(root: string): Record<string, unknown[]> {
  const db = new Database(indexPath(root), { readonly: true });
  try {
    return {
      files: db.prepare("SELECT file_path, size, content_hash, front_matter, problems FROM files ORDER BY file_path").all(),
      sections: db
        .prepare("SELECT section_id, file_path, ordinal, kind, level, heading, slug, heading_path, line_start, line_end, content_hash FROM sections ORDER BY file_path, ordinal")
        .all(),
      search: db
        .prepare("SELECT s.section_id, f.heading, f.symbols, f.body, f.raw FROM search_fts f JOIN sections s ON s.id = f.rowid ORDER BY s.file_path, s.ordinal")
        .all(),
      searchSymbols: db.prepare("SELECT section_id, symbols FROM search_symbols ORDER BY section_id").all(),
      definitions: db.prepare("SELECT symbol_id, origin, file, line, character, target_type, target_ref, default_slice FROM symbol_definitions ORDER BY symbol_id, origin_rank, file, line").all(),
      symbols: db
        .prepare("SELECT symbol_id, target_type, target_ref, default_slice, section_id, target_file, stale, problem_code, problem_message, definitions FROM symbols ORDER BY symbol_id")
        .all(),
      meta: db.prepare("SELECT key, value FROM meta WHERE key IN ('index_hash', 'problems') ORDER BY key").all(),
    };
  } finally {
    db.close();
  }
}
