// Opening .catalytic/index.db: pragmas on every connection, numbered migrations recorded in meta.
import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { InvariantError, STATE_DIR, applyMigrations, isCatalyticError, isSqliteBusy } from "@catalytic/core";
import { sleepSync } from "./file-lock.js";
import { CREATE_META, DELETE_META, SELECT_META, UPSERT_META } from "./sql/meta.js";
import { MIGRATIONS } from "./sql/migrations/index.js";

export type Db = Database.Database;

export const INDEX_FILE = "index.db";

export function indexPath(root: string): string {
  return path.join(root, STATE_DIR, INDEX_FILE);
}

export const BUSY_TIMEOUT_MS = 5000;

export function applyPragmas(db: Db): void {
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.pragma("journal_mode = WAL");
  db.pragma("foreign_keys = ON");
  db.pragma("synchronous = NORMAL");
}

export function readMeta(db: Db, key: string): string | undefined {
  const row = db.prepare(SELECT_META).get(key) as { value: string } | undefined;
  return row?.value;
}

export function writeMeta(db: Db, key: string, value: string): void {
  db.prepare(UPSERT_META).run(key, value);
}

export function deleteMeta(db: Db, key: string): void {
  db.prepare(DELETE_META).run(key);
}

/**
 * Applies every migration newer than the stored schema version. The version is read inside the same
 * IMMEDIATE transaction that migrates, so two processes opening a new index at once cannot both migrate.
 */
export function migrate(db: Db): void {
  db.exec(CREATE_META);
  db.transaction(() => {
    const target = {
      schemaVersion: () => Number(readMeta(db, "schema_version") ?? "0"),
      exec: (sql: string) => void db.exec(sql),
      setSchemaVersion: (version: number) => writeMeta(db, "schema_version", String(version)),
    };
    applyMigrations(
      target,
      MIGRATIONS,
      (current, latest) =>
        new InvariantError("CAT_SCHEMA_MISMATCH", `index.db has schema version ${current}, newer than this Catalytic (${latest})`, {
          hint: "upgrade Catalytic, or delete .catalytic/index.db (it is rebuildable) and run 'catalytic build'",
        }),
    );
  }).immediate();
}

/** Opens (creating when asked) the index database with pragmas applied and migrations run. */
export function openIndexDb(root: string, options: { create: boolean; readonly?: boolean }): Db {
  const file = indexPath(root);
  if (options.create) mkdirSync(path.dirname(file), { recursive: true });
  // Two processes creating the index at once (two cold `catalytic build`s) race while the file switches to
  // WAL, and SQLite answers SQLITE_BUSY there without calling the busy handler: that moment is waited out
  // here, within the same busy timeout, so concurrent builds wait for each other instead of failing.
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (let pause = 5; ; pause = Math.min(pause * 2, 100)) {
    let db: Db | undefined;
    try {
      db = new Database(file, { fileMustExist: !options.create, timeout: BUSY_TIMEOUT_MS });
      applyPragmas(db);
      migrate(db);
      return db;
    } catch (error) {
      db?.close();
      if (isSqliteBusy(error) && Date.now() < deadline) {
        sleepSync(pause);
        continue;
      }
      throw isCatalyticError(error) ? error : sqliteOpenError(file, error);
    }
  }
}

/** A database that cannot be opened is typed: busy (retry) or unusable (the index is derived: delete it). */
function sqliteOpenError(file: string, error: unknown): InvariantError {
  const code = (error as { code?: string }).code ?? "";
  const message = (error as Error).message;
  if (isSqliteBusy(error)) {
    return new InvariantError("CAT_DB_BUSY", `${file} is locked by another process: ${message}`, {
      hint: "wait for the other build to finish and retry",
      cause: error,
    });
  }
  return new InvariantError("CAT_DB_ERROR", `cannot open ${file}: ${message}`, {
    hint: "the index is derived and rebuildable: delete .catalytic/index.db and run 'catalytic build'",
    details: { sqliteCode: code },
    cause: error,
  });
}
