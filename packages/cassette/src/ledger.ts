// The shared state every ledger operation runs with: the connection, a statement cache, the logger and the clock.
import type Database from "better-sqlite3";
import type { Logger } from "@catalytic/core";

export interface Ledger {
  db: Database.Database;
  logger: Logger;
  /** Clock for the ISO timestamps written in rows (created_at). Lease expiry always uses SQLite's clock. */
  now: () => number;
  stmt(sql: string): Database.Statement;
}

/** SQLite's clock in integer ms: the one time base for leases, shared with the triggers. */
export const SQL_NOW_MS = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";

const STEP_FIELDS = "step_id, job_id, run_id, message_seq, job_ordinal, ordinal, op, payload_json, status, lease_owner, lease_expires_at, fencing_token, created_at";

function dependsOnOf(table: string): string {
  return `(SELECT json_group_array(depends_on_step_id) FROM
    (SELECT d.depends_on_step_id FROM step_deps d WHERE d.step_id = ${table}.step_id ORDER BY d.depends_on_step_id)) AS depends_on_json`;
}

/** A StepRow from `steps s`. */
export const STEP_COLUMNS = `${STEP_FIELDS.split(", ").map((field) => `s.${field}`).join(", ")}, ${dependsOnOf("s")}`;

/** A job's steps: one range of the steps' claim-order key (a job is one (run_id, message_seq, job_ordinal)). */
export const JOB_STEPS = "jobs j JOIN steps s ON s.run_id = j.run_id AND s.message_seq = j.message_seq AND s.job_ordinal = j.ordinal";

export function createLedger(db: Database.Database, logger: Logger, now: () => number): Ledger {
  const cache = new Map<string, Database.Statement>();
  return {
    db,
    logger,
    now,
    stmt(sql) {
      let statement = cache.get(sql);
      if (!statement) {
        statement = db.prepare(sql);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

export function isoNow(ledger: Ledger): string {
  return new Date(ledger.now()).toISOString();
}
