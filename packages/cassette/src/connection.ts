// Opening the ledger file and running write transactions: BEGIN IMMEDIATE, busy_timeout, bounded retry on SQLITE_BUSY.
import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { CassetteError, SILENT_LOGGER, isSqliteBusy, type Logger } from "@catalytic/core";
import { translateSqliteError } from "./sql-errors.js";

export const BUSY_TIMEOUT_MS = 5000;
// A new ledger gets 1 KiB pages (docs/cassette.md "Page size"): a commit writes one WAL frame (a page) per page it
// dirtied, and a step's rows are a few hundred bytes, so 4 KiB frames wrote mostly unchanged bytes. SQLite sets the
// page size when the file is created; an existing ledger keeps its own.
export const NEW_LEDGER_PAGE_SIZE = 1024;
// Checkpoint every ~41 MB of WAL (10,000 pages of 4 KiB, 40,000 of 1 KiB): a checkpoint fsyncs twice and copies
// each hot page once, so fewer, larger checkpoints cost less per step.
const WAL_AUTOCHECKPOINT_BYTES = 10_000 * 4096;
const BUSY_RETRIES = 8;
const sleepCell = new Int32Array(new SharedArrayBuffer(4));

function sleepMs(ms: number): void {
  Atomics.wait(sleepCell, 0, 0, ms);
}

export function openConnection(dbPath: string): Database.Database {
  mkdirSync(path.dirname(path.resolve(dbPath)), { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(dbPath);
  } catch (error) {
    throw new CassetteError("CAT_DB_ERROR", `cannot open ${dbPath}: ${(error as Error).message}`, {
      hint: "check the path and its permissions",
      cause: error,
    });
  }
  try {
    // busy_timeout first: switching to WAL itself may wait for another process.
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // Before WAL mode: switching to WAL writes the file's first page, and with it the page size. A no-op on a ledger that exists.
    db.pragma(`page_size = ${NEW_LEDGER_PAGE_SIZE}`);
    withBusyRetry(() => db.pragma("journal_mode = WAL"), SILENT_LOGGER);
    db.pragma("foreign_keys = ON");
    db.pragma("synchronous = NORMAL");
    const pageSize = Number(db.pragma("page_size", { simple: true }));
    db.pragma(`wal_autocheckpoint = ${Math.round(WAL_AUTOCHECKPOINT_BYTES / pageSize)}`);
  } catch (error) {
    db.close();
    throw new CassetteError("CAT_DB_ERROR", `${dbPath} is not a usable cassette: ${(error as Error).message}`, {
      hint: "point at a cassette database (the ledger is never rebuilt: restore it from a copy if it was damaged)",
      cause: error,
    });
  }
  return db;
}

/** Runs `fn`, retrying on SQLITE_BUSY with exponential backoff (busy_timeout already waited inside SQLite). */
export function withBusyRetry<T>(fn: () => T, logger: Logger): T {
  for (let attempt = 0; ; attempt++) {
    try {
      return fn();
    } catch (error) {
      if (!isSqliteBusy(error)) throw error;
      if (attempt >= BUSY_RETRIES) {
        throw new CassetteError("CAT_DB_BUSY", `the cassette stayed locked after ${attempt + 1} attempts`, {
          hint: "another process holds a long write transaction; retry when it finishes",
          cause: error,
        });
      }
      const delay = Math.min(1000, 5 * 2 ** attempt) + Math.floor(Math.random() * 5);
      logger.warn("cassette busy, retrying", { attempt: attempt + 1, delayMs: delay });
      sleepMs(delay);
    }
  }
}

interface TransactionStatements {
  begin: Database.Statement;
  commit: Database.Statement;
  rollback: Database.Statement;
  /** busy_timeout off, and back to BUSY_TIMEOUT_MS: around tryWriteTransaction's BEGIN. */
  noWait: Database.Statement;
  wait: Database.Statement;
}

// Prepared once per connection: better-sqlite3's db.transaction() builds new wrappers on every call.
const transactionStatements = new WeakMap<Database.Database, TransactionStatements>();

function statementsFor(db: Database.Database): TransactionStatements {
  let statements = transactionStatements.get(db);
  if (!statements) {
    statements = {
      begin: db.prepare("BEGIN IMMEDIATE"),
      commit: db.prepare("COMMIT"),
      rollback: db.prepare("ROLLBACK"),
      noWait: db.prepare("PRAGMA busy_timeout = 0"),
      wait: db.prepare(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`),
    };
    transactionStatements.set(db, statements);
  }
  return statements;
}

/**
 * One BEGIN IMMEDIATE transaction: the write lock is taken up front, so nothing inside waits for it;
 * any error rolls everything back and SQLite errors become typed errors.
 */
export function writeTransaction<T>(db: Database.Database, logger: Logger, fn: () => T): T {
  const { begin } = statementsFor(db);
  try {
    // SQLite's busy handler waits up to busy_timeout for the lock; withBusyRetry adds bounded retries after that.
    // (A sub-millisecond spin of our own measured slower with more processes than cores: spinners starve the holder.)
    withBusyRetry(() => begin.run(), logger);
  } catch (error) {
    throw translateSqliteError(error);
  }
  return commitOrRollBack(db, fn);
}

/**
 * writeTransaction if the write lock is free at this instant; undefined, with nothing run or written, while another
 * connection holds it (no busy handler, no retry): for a caller that has other work to do meanwhile.
 */
export function tryWriteTransaction<T>(db: Database.Database, fn: () => T): T | undefined {
  const { begin, noWait, wait } = statementsFor(db);
  try {
    noWait.get();
    try {
      begin.run();
    } catch (error) {
      if (isSqliteBusy(error)) return undefined;
      throw error;
    } finally {
      wait.get();
    }
  } catch (error) {
    throw translateSqliteError(error);
  }
  return commitOrRollBack(db, fn);
}

/** `fn` in the transaction just begun: committed, or rolled back on any error (SQLite errors typed). */
function commitOrRollBack<T>(db: Database.Database, fn: () => T): T {
  const { commit, rollback } = statementsFor(db);
  try {
    try {
      const result = fn();
      commit.run();
      return result;
    } catch (error) {
      if (db.inTransaction) rollback.run();
      throw error;
    }
  } catch (error) {
    throw translateSqliteError(error);
  }
}

/** A read, with SQLite errors translated. */
export function readQuery<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw translateSqliteError(error);
  }
}
