// verify: pragmas, tables, triggers, integrity, foreign keys, expired leases, step/receipt agreement and every job's receipt chain.
import { canonicalJson } from "@catalytic/core";
import { BUSY_TIMEOUT_MS } from "./connection.js";
import { receiptHashOfCanonical, receiptIdFor } from "./ids.js";
import { jobIntegrityProblems } from "./integrity.js";
import { SQL_NOW_MS, type Ledger } from "./ledger.js";
import { SCHEMA_VERSION } from "./migrations/index.js";
import { receiptHeaderOf, type ReceiptRow } from "./records.js";
import { REQUIRED_TABLES, REQUIRED_TRIGGERS, actualSchema, expectedSchema, normaliseSql, readSchemaVersion } from "./schema.js";

export interface VerifyIssue {
  check: string;
  message: string;
}

export interface VerifyResult {
  ok: boolean;
  checks: string[];
  issues: VerifyIssue[];
}

export function verifyLedger(ledger: Ledger, runId?: string): VerifyResult {
  const { db } = ledger;
  const checks: string[] = [];
  const issues: VerifyIssue[] = [];
  const fail = (check: string, message: string): void => void issues.push({ check, message });

  const journal = String(db.pragma("journal_mode", { simple: true }));
  if (journal !== "wal") fail("pragmas", `journal_mode is ${journal}, expected wal`);
  if (db.pragma("foreign_keys", { simple: true }) !== 1) fail("pragmas", "foreign_keys is OFF");
  const synchronous = Number(db.pragma("synchronous", { simple: true }));
  if (synchronous !== 1) fail("pragmas", `synchronous is ${synchronous}, expected 1 (NORMAL)`);
  const busyTimeout = Number(db.pragma("busy_timeout", { simple: true }));
  if (busyTimeout !== BUSY_TIMEOUT_MS) fail("pragmas", `busy_timeout is ${busyTimeout} ms, expected ${BUSY_TIMEOUT_MS}`);
  checks.push(`pragmas: journal_mode=wal, foreign_keys=ON, synchronous=NORMAL, busy_timeout=${BUSY_TIMEOUT_MS}`);

  const version = readSchemaVersion(db);
  if (version !== SCHEMA_VERSION) fail("schema_version", `schema version ${version}, expected ${SCHEMA_VERSION}`);
  checks.push(`schema_version: ${version}`);

  const names = (type: string): Set<string> =>
    new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = ?").all(type) as Array<{ name: string }>).map((row) => row.name));
  const tables = names("table");
  for (const table of REQUIRED_TABLES) if (!tables.has(table)) fail("tables", `table ${table} is missing`);
  checks.push(`tables: ${REQUIRED_TABLES.length} present`);
  const triggers = names("trigger");
  for (const trigger of REQUIRED_TRIGGERS) if (!triggers.has(trigger)) fail("triggers", `trigger ${trigger} is missing`);
  checks.push(`triggers: ${REQUIRED_TRIGGERS.length} present by name`);
  // A trigger dropped and re-created under its name with another body keeps the name: compare the SQL itself.
  const expected = expectedSchema();
  const actual = actualSchema(db);
  for (const [name, object] of expected) {
    const stored = actual.get(name);
    if (stored && (stored.type !== object.type || normaliseSql(stored.sql) !== normaliseSql(object.sql))) {
      fail(object.type === "trigger" ? "triggers" : "schema", `${object.type} ${name} differs from its migration's definition`);
    }
  }
  for (const [name, object] of actual) {
    if (object.type === "trigger" && !expected.has(name)) fail("triggers", `trigger ${name} is not part of the schema`);
  }
  checks.push(`schema: ${expected.size} tables, indexes and triggers match the migrations' SQL`);

  const integrity = db.pragma("integrity_check") as Array<{ integrity_check: string }>;
  for (const row of integrity) if (row.integrity_check !== "ok") fail("integrity_check", row.integrity_check);
  checks.push("integrity_check: ok");

  const fkProblems = db.pragma("foreign_key_check") as Array<{ table: string; rowid: number | null; parent: string }>;
  for (const row of fkProblems) fail("foreign_keys", `a ${row.table} row points at a missing ${row.parent} row`);
  checks.push("foreign_key_check: clean");

  if (issues.some((issue) => issue.check === "tables")) return { ok: false, checks, issues };

  const scope = runId === undefined ? "1 = 1" : "run_id = @runId";
  const params = runId === undefined ? {} : { runId };

  const expired = db
    .prepare(`SELECT step_id, lease_owner FROM steps WHERE ${scope} AND status = 'LEASED' AND lease_expires_at <= ${SQL_NOW_MS} ORDER BY step_id`)
    .all(params) as Array<{ step_id: string; lease_owner: string }>;
  for (const row of expired) fail("leases", `step ${row.step_id} has an expired lease held by ${row.lease_owner} (run 'catalytic cassette requeue')`);
  checks.push("leases: none expired");

  const mismatched = db
    .prepare(
      `SELECT s.step_id, s.status, r.receipt_id, r.fencing_token AS r_token, s.fencing_token AS s_token, r.worker_id, s.lease_owner
       FROM steps s LEFT JOIN receipts r ON r.step_seq = s.step_seq
       WHERE ${scope.replace("run_id", "s.run_id")}
         AND ((s.status = 'COMMITTED') <> (r.receipt_id IS NOT NULL)
              OR (r.receipt_id IS NOT NULL AND (r.step_id <> s.step_id OR r.fencing_token <> s.fencing_token OR r.worker_id IS NOT s.lease_owner OR r.job_id <> s.job_id)))
       ORDER BY s.step_id`,
    )
    .all(params) as Array<{ step_id: string; status: string; receipt_id: string | null }>;
  for (const row of mismatched) {
    fail("receipts", row.receipt_id ? `receipt ${row.receipt_id} does not match its ${row.status} step ${row.step_id}` : `COMMITTED step ${row.step_id} has no receipt`);
  }
  const counts = db
    .prepare(`SELECT j.job_id, j.step_count, (SELECT COUNT(*) FROM steps s WHERE s.run_id = j.run_id AND s.message_seq = j.message_seq AND s.job_ordinal = j.ordinal) AS actual FROM jobs j WHERE ${scope.replace("run_id", "j.run_id")}`)
    .all(params) as Array<{ job_id: string; step_count: number; actual: number }>;
  for (const row of counts) if (row.step_count !== row.actual) fail("steps", `job ${row.job_id} declares ${row.step_count} steps but has ${row.actual}`);
  checks.push("steps: one receipt per COMMITTED step, none for others; step counts match");
  for (const job of counts) for (const problem of jobIntegrityProblems(ledger, job.job_id)) fail("jobs", problem);
  checks.push(`jobs: ${counts.length} job(s): ids match their message, intent and plan hash; step payloads hash to the plan hash`);

  let receiptCount = 0;
  for (const job of counts) {
    const receipts = db.prepare("SELECT * FROM receipts WHERE job_id = ? ORDER BY job_seq").all(job.job_id) as ReceiptRow[];
    let prev: string | null = null;
    for (const [index, row] of receipts.entries()) {
      receiptCount++;
      if (row.job_seq !== index + 1) fail("receipt_chain", `receipt ${row.receipt_id} of job ${job.job_id} has job_seq ${row.job_seq}, expected ${index + 1}`);
      if (row.prev_receipt_hash !== prev) fail("receipt_chain", `receipt ${row.receipt_id} of job ${job.job_id} links to ${row.prev_receipt_hash ?? "null"}, expected ${prev ?? "null"}`);
      if (row.receipt_id !== receiptIdFor(row.step_id, row.fencing_token)) fail("receipt_chain", `receipt ${row.receipt_id} has an id that does not match its step and token`);
      let receipt: unknown;
      try {
        receipt = JSON.parse(row.receipt_json);
      } catch {
        fail("receipt_chain", `receipt ${row.receipt_id} holds invalid JSON`);
        continue;
      }
      const canonical = canonicalJson(receipt);
      if (canonical !== row.receipt_json) fail("receipt_chain", `receipt ${row.receipt_id} payload is not canonical JSON`);
      const expected = receiptHashOfCanonical(
        receiptHeaderOf(row),
        canonical,
      );
      if (expected !== row.receipt_hash) fail("receipt_chain", `receipt ${row.receipt_id} hash ${row.receipt_hash} does not match its content (expected ${expected})`);
      prev = row.receipt_hash;
    }
  }
  checks.push(`receipt_chain: ${receiptCount} receipt(s) in ${counts.length} job(s) rehashed and linked`);

  const broken = db
    .prepare(
      `SELECT transition_id, step_id, from_status, to_status, previous FROM (
         SELECT t.*, LAG(t.to_status) OVER (PARTITION BY t.step_id ORDER BY t.transition_id) AS previous
         FROM step_transitions t WHERE ${scope.replace("run_id", "t.run_id")})
       WHERE from_status IS NOT previous ORDER BY transition_id`,
    )
    .all(params) as Array<{ transition_id: number; step_id: string; from_status: string | null; to_status: string; previous: string | null }>;
  for (const row of broken) {
    fail("step_transitions", `transition ${row.transition_id} of step ${row.step_id} goes ${row.from_status ?? "(new)"} -> ${row.to_status} after ${row.previous ?? "nothing"}`);
  }
  const lastMismatch = db
    .prepare(
      `SELECT s.step_id, s.status, last.to_status AS last FROM steps s
       LEFT JOIN (SELECT step_id, to_status, MAX(transition_id) FROM step_transitions GROUP BY step_id) last ON last.step_id = s.step_id
       WHERE ${scope.replace("run_id", "s.run_id")} AND last.to_status IS NOT s.status ORDER BY s.step_id`,
    )
    .all(params) as Array<{ step_id: string; status: string; last: string | null }>;
  for (const row of lastMismatch) fail("step_transitions", `step ${row.step_id} is ${row.status} but its last recorded transition is to ${row.last ?? "nothing"}`);
  checks.push("step_transitions: every step's transitions form one chain ending at its status");

  return { ok: issues.length === 0, checks, issues };
}
