// What a healthy cassette contains (checked by verify) and the migration runner.
import Database from "better-sqlite3";
import { InvariantError, applyMigrations as runMigrations } from "@catalytic/core";
import { NO_REPLACE_TRIGGERS } from "./migrations/002_no_replace.js";
import { MIGRATIONS } from "./migrations/index.js";

export const REQUIRED_TABLES = [
  "meta",
  "messages",
  "jobs",
  "job_budgets",
  "steps",
  "step_deps",
  "receipts",
  "step_transitions",
] as const;

export const REQUIRED_TRIGGERS = [
  "tr_messages_sequence_guard",
  "tr_messages_append_only_update",
  "tr_messages_append_only_delete",
  "tr_jobs_insert_guard",
  "tr_jobs_immutable_update",
  "tr_jobs_immutable_delete",
  "tr_job_budgets_insert_guard",
  "tr_job_budgets_usage_guard",
  "tr_job_budgets_immutable_delete",
  "tr_steps_insert_guard",
  "tr_steps_immutable_delete",
  "tr_steps_identity_guard",
  "tr_steps_fsm_committed_final",
  "tr_steps_fsm_guard",
  "tr_steps_claim_guard",
  "tr_steps_claim_dependency_guard",
  "tr_steps_lease_guard",
  "tr_steps_commit_guard",
  "tr_steps_requeue_guard",
  "tr_steps_record_insert",
  "tr_steps_record_transition",
  "tr_step_deps_insert_guard",
  "tr_step_deps_immutable_update",
  "tr_step_deps_immutable_delete",
  "tr_receipts_lease_guard",
  "tr_receipts_chain_guard",
  "tr_receipts_append_only_update",
  "tr_receipts_append_only_delete",
  "tr_step_transitions_insert_guard",
  "tr_step_transitions_append_only_update",
  "tr_step_transitions_append_only_delete",
  ...NO_REPLACE_TRIGGERS,
] as const;

const META_TABLE = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT";

export function readSchemaVersion(db: Database.Database): number {
  const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
  return row ? Number(row.value) : 0;
}

/** Applies pending migrations inside the caller's write transaction. */
export function applyMigrations(db: Database.Database, dbPath: string): void {
  db.exec(META_TABLE);
  const target = {
    schemaVersion: () => readSchemaVersion(db),
    exec: (sql: string) => void db.exec(sql),
    setSchemaVersion: (version: number) =>
      void db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(String(version)),
  };
  runMigrations(
    target,
    MIGRATIONS,
    (current, latest) =>
      new InvariantError("CAT_SCHEMA_MISMATCH", `${dbPath} has cassette schema ${current}, this Catalytic knows up to ${latest}`, {
        hint: "upgrade Catalytic; never downgrade a ledger",
      }),
  );
}

export interface SchemaObject {
  type: string;
  name: string;
  sql: string;
}

let expected: Map<string, SchemaObject> | undefined;

/** Whitespace-insensitive form of a CREATE statement, for comparing stored SQL with the migrations'. */
export function normaliseSql(sql: string): string {
  return sql.replace(/\s+/g, " ").replace(/\s*([(),;])\s*/g, "$1").trim();
}

function schemaObjects(db: Database.Database): SchemaObject[] {
  return db.prepare("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name").all() as SchemaObject[];
}

/** Every table, index and trigger of a freshly migrated ledger, by name: what the file's schema must equal. */
export function expectedSchema(): Map<string, SchemaObject> {
  if (!expected) {
    const db = new Database(":memory:");
    try {
      db.transaction(() => applyMigrations(db, ":memory:"))();
      expected = new Map(schemaObjects(db).map((object) => [object.name, object]));
    } finally {
      db.close();
    }
  }
  return expected;
}

/** The file's schema objects (tables, indexes, triggers), by name. */
export function actualSchema(db: Database.Database): Map<string, SchemaObject> {
  return new Map(schemaObjects(db).map((object) => [object.name, object]));
}

/** The schema as SQLite stores it, in a stable order: what schema.sql holds. */
export function dumpSchema(db: Database.Database): string {
  const rows = db.prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name").all() as Array<{ sql: string }>;
  return `${rows.map((row) => `${row.sql};`).join("\n\n")}\n`;
}
