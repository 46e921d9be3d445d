// Migration 2: no insert may land on an existing key. INSERT OR REPLACE (and REPLACE INTO) deletes the old row
// without firing DELETE triggers (unless a connection turns recursive_triggers on), and an upsert turns an insert
// into an update: both would rewrite rows the other triggers keep immutable. A BEFORE INSERT trigger fires for
// every form of INSERT before any conflict is resolved, so each table refuses a new row on any of its keys.

function noReplace(table: string, keys: string[][]): string {
  const exists = keys
    .map((key) => `EXISTS (SELECT 1 FROM ${table} x WHERE ${key.map((column) => `x.${column} = NEW.${column}`).join(" AND ")})`)
    .join("\n  OR ");
  return `CREATE TRIGGER tr_${table}_no_replace BEFORE INSERT ON ${table}
WHEN ${exists}
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: ${table}: a row with this key exists (INSERT OR REPLACE, REPLACE and upserts are rejected)'); END;
`;
}

export const MIGRATION_002_NO_REPLACE = [
  noReplace("messages", [["message_id"], ["run_id", "seq"], ["run_id", "idempotency_key"]]),
  noReplace("jobs", [["job_id"], ["message_id", "ordinal"]]),
  noReplace("job_budgets", [["job_id"]]),
  noReplace("steps", [["step_id"], ["run_id", "message_seq", "job_ordinal", "ordinal"]]),
  noReplace("step_deps", [["step_id", "depends_on_step_id"]]),
  noReplace("receipts", [["step_id"], ["job_id", "job_seq"]]),
  noReplace("step_transitions", [["transition_id"]]),
].join("\n");

/** The triggers this migration adds (verify requires each). */
export const NO_REPLACE_TRIGGERS = ["messages", "jobs", "job_budgets", "steps", "step_deps", "receipts", "step_transitions"].map(
  (table) => `tr_${table}_no_replace`,
);
