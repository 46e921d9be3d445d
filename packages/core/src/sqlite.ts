// What the SQLite stores (index.db, cassette.db) share without importing better-sqlite3: busy detection and the
// numbered-migration runner (docs/architecture.md "Conventions": migrations are numbered and never edited).
import type { CatalyticError } from "./errors.js";

/** SQLITE_BUSY or SQLITE_LOCKED (and their extended codes): another connection holds the lock; retrying may work. */
export function isSqliteBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === "string" && (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"));
}

/** One numbered migration: applied once, in order, and never edited (add a new one instead). */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The database a migration runs on: its stored schema version and how to apply SQL. */
export interface MigrationTarget {
  schemaVersion(): number;
  exec(sql: string): void;
  setSchemaVersion(version: number): void;
}

/**
 * Applies every migration newer than the stored version, in order, recording each version. The caller holds the
 * write transaction. A store newer than this code is refused with `tooNew` (never downgraded).
 */
export function applyMigrations(
  target: MigrationTarget,
  migrations: readonly Migration[],
  tooNew: (current: number, latest: number) => CatalyticError,
): void {
  const current = target.schemaVersion();
  const latest = migrations.length === 0 ? 0 : (migrations[migrations.length - 1] as Migration).version;
  if (current > latest) throw tooNew(current, latest);
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    target.exec(migration.sql);
    target.setSchemaVersion(migration.version);
  }
}
