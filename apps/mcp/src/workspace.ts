// The workspace's databases for a server that lives for hours: handles open lazily, reopen when
// catalytic.json, catalytic.symbols.json or the index file change, and are dropped after a database
// failure, so a broken config or a locked database fails one call and the next call works once fixed.
import { statSync } from "node:fs";
import path from "node:path";
import { CONFIG_FILE, SYMBOLS_FILE, isCatalyticError } from "@catalytic/core";
import { Cassette } from "@catalytic/cassette";
import { Index, indexPath } from "@catalytic/indexer";

/** Identity and version of a file: its inode, plus size and mtime when `edits` count (config files, not the database). */
function stamp(file: string, edits: boolean): string {
  try {
    const s = statSync(file);
    return edits ? `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}` : `${s.dev}:${s.ino}`;
  } catch {
    return "-";
  }
}

/** Codes after which a handle is closed and reopened on the next call. */
const REOPEN_CODES = new Set(["CAT_DB_ERROR", "CAT_DB_BUSY", "CAT_SCHEMA_MISMATCH", "CAT_INVARIANT", "CAT_INDEX_MISSING"]);

export class Workspace {
  private openIndex: { index: Index; key: string } | undefined;
  private openCassette: Cassette | undefined;

  constructor(readonly root: string) {}

  /**
   * What an index handle depends on: the config files' contents (reopening re-reads the config and refreshes
   * symbols) and which file the index is (a deleted and rebuilt index is a new file; writes to it, ours or a
   * build's, reach the open connection through SQLite).
   */
  private indexKey(): string {
    return [stamp(path.join(this.root, CONFIG_FILE), true), stamp(path.join(this.root, SYMBOLS_FILE), true), stamp(indexPath(this.root), false)].join("|");
  }

  /** The built index (CAT_INDEX_MISSING when never built; CAT_CONFIG_INVALID when catalytic.json is broken). */
  index(): Index {
    const key = this.indexKey();
    if (this.openIndex?.key === key) return this.openIndex.index;
    this.closeIndex();
    const index = Index.open(this.root, { mustExist: true });
    this.openIndex = { index, key };
    return index;
  }

  /** The ledger, created on first use. */
  cassette(): Cassette {
    this.openCassette ??= Cassette.openWorkspace(this.root);
    return this.openCassette;
  }

  /** Runs `work`; on a database or invariant failure drops the handles so the next call starts clean. */
  guard<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      if (!isCatalyticError(error) || REOPEN_CODES.has(error.code)) this.close();
      throw error;
    }
  }

  private closeIndex(): void {
    try {
      this.openIndex?.index.close();
    } catch {
      // a handle that cannot close is dropped all the same
    }
    this.openIndex = undefined;
  }

  close(): void {
    this.closeIndex();
    try {
      this.openCassette?.close();
    } catch {
      // as above
    }
    this.openCassette = undefined;
  }
}
