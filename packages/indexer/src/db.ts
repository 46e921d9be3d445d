// Opening .catalytic/index.db: pragmas on every connection, numbered migrations recorded in meta.
import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readdirSync, unlinkSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { InvariantError, STATE_DIR, applyMigrations, isCatalyticError, isSqliteBusy } from "@catalytic/core";
import { unwritableError } from "./atomic-write.js";
import { sleepSync } from "./file-lock.js";
import { CREATE_META, DELETE_META, SELECT_META, UPSERT_META } from "./sql/meta.js";
import { MIGRATIONS } from "./sql/migrations/index.js";
import { FRESH_SCHEMA } from "./sql/schema.js";

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

/**
 * Every connection to a cold build's private file (this one, and the writer thread's in cold-writer.ts). Locking stays
 * normal (not EXCLUSIVE): a large cold build's writer thread writes through a second connection while the build's
 * holds no lock.
 */
export const COLD_PRAGMAS: readonly string[] = [
  // OFF is refused in better-sqlite3's defensive mode (the pragma answers "delete"): MEMORY keeps statement and
  // transaction rollback without a journal file made and deleted around each transaction.
  "journal_mode = MEMORY",
  "synchronous = OFF",
  // better-sqlite3 builds SQLite with a 16 MiB page cache; pages written once need little of it, and SQLite's own
  // default (2 MiB) keeps a cold build's peak RSS ~12 MiB lower at the same CPU time.
  "cache_size = -2000",
  "foreign_keys = ON",
];

/** A cold build's private file (and SQLite's files beside it), named by its process id. */
const COLD_FILE = /^index\.db\.(\d+)-[0-9a-f]+\.build(?:-wal|-shm)?$/;

/**
 * A cold build (no index.db yet) writes a private file first, created at the current schema in one exec (sql/schema.ts),
 * with its rollback journal in memory and no syncs: nothing else can open it, and a failure only leaves it to delete.
 * One left by a killed process is removed here once its pid is gone. See docs/indexer.md#cold-builds.
 */
export function openColdIndexDb(root: string): { db: Db; file: string } {
  const dir = path.dirname(indexPath(root));
  try {
    mkdirSync(dir, { recursive: true });
    removeDeadColdFiles(dir);
  } catch (error) {
    throw unwritableError(dir, error, "make .catalytic a folder you can write to, then run the build again");
  }
  const file = path.join(dir, `${INDEX_FILE}.${process.pid}-${randomBytes(4).toString("hex")}.build`);
  let db: Db | undefined;
  try {
    const created = new Database(file);
    db = created;
    for (const pragma of COLD_PRAGMAS) created.pragma(pragma);
    created.transaction(() => created.exec(FRESH_SCHEMA))();
    return { db: created, file };
  } catch (error) {
    if (db) discardColdIndexDb(db, file);
    else removeIfPresent(file);
    throw isCatalyticError(error) ? error : sqliteOpenError(file, error);
  }
}

/**
 * Puts a finished cold build in place as index.db unless one appeared meanwhile (a concurrent build, or any
 * opener): link() never replaces a file, so no connection ever sees its database swapped. Returns false when
 * it could not be linked (index.db existed); the private file is removed either way.
 */
export function publishColdIndexDb(db: Db, file: string, root: string): boolean {
  try {
    db.pragma("journal_mode = WAL"); // kept in the file header: index.db is WAL from its first open
    db.close();
  } catch (error) {
    discardColdIndexDb(db, file);
    throw sqliteOpenError(file, error);
  }
  try {
    linkSync(file, indexPath(root));
    return true;
  } catch {
    // EEXIST: an index.db appeared meanwhile. Anything else (a file system without hard links): the caller builds
    // in place instead, which gives the same index.
    return false;
  } finally {
    discardColdIndexDb(db, file);
  }
}

export function discardColdIndexDb(db: Db, file: string): void {
  if (db.open) db.close();
  for (const suffix of ["", "-wal", "-shm", "-journal"]) removeIfPresent(`${file}${suffix}`);
}

/** unlink, a missing file being fine: rmSync({force}) would load Node's rimraf module (~0.7 ms of each cold build). */
function removeIfPresent(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

/** Removes the cold-build files of processes that no longer run (killed mid-build). */
function removeDeadColdFiles(dir: string): void {
  for (const name of readdirSync(dir)) {
    const pid = COLD_FILE.exec(name)?.[1];
    if (pid === undefined || Number(pid) === process.pid) continue;
    try {
      process.kill(Number(pid), 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ESRCH") removeIfPresent(path.join(dir, name));
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
