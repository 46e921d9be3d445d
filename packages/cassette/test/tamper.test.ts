// Tampering as an attacker would: raw SQL through a second connection on the real ledger file.
import { describe, expect, test } from "vitest";
import Database from "better-sqlite3";
import { Cassette, REQUIRED_TRIGGERS } from "../src/index.js";
import { MIGRATIONS } from "../src/migrations/index.js";
import { chainSteps, openTemp, planInput, rawConnection, tempDir } from "./helpers.js";
import path from "node:path";

function setup() {
  const { cassette, dbPath } = openTemp();
  const posted = cassette.postPlan(planInput("r", "q", chainSteps("s", 3, true), { budget: { maxBytes: 100, maxSymbols: 5 } }));
  cassette.consumeBudget(posted.jobId, 40, 2);
  const step = cassette.claimStep("r", "w1", 60)!;
  cassette.completeStep({ runId: "r", stepId: step.stepId, workerId: "w1", fencingToken: step.fencingToken, receipt: { wrote: "a.md" }, outcome: "SUCCESS" });
  return { cassette, raw: rawConnection(dbPath), posted, dbPath };
}

function snapshot(raw: Database.Database): string {
  const tables = ["messages", "jobs", "job_budgets", "steps", "step_deps", "receipts", "step_transitions"];
  return JSON.stringify(tables.map((table) => raw.prepare(`SELECT * FROM ${table} ORDER BY 1`).all()));
}

describe("INSERT OR REPLACE, REPLACE INTO and upserts are refused on every table", () => {
  test("a stored request, a job's intent, plan hash and budget, a pending step's payload, a receipt: none can be rewritten", () => {
    const { raw, posted, cassette } = setup();
    const before = snapshot(raw);
    const job = raw.prepare("SELECT * FROM jobs").get() as Record<string, unknown>;
    const message = raw.prepare("SELECT * FROM messages").get() as Record<string, unknown>;
    const attempts: Array<[string, Record<string, unknown>]> = [
      [
        "INSERT OR REPLACE INTO messages (message_id, run_id, seq, source, idempotency_key, payload_json, created_at) VALUES (@message_id, @run_id, @seq, @source, @idempotency_key, '{\"forged\":true}', @created_at)",
        message,
      ],
      // The sequence guard computes the next seq before REPLACE deletes the old row: seq + 1 passes it.
      [
        "INSERT OR REPLACE INTO messages (message_id, run_id, seq, source, idempotency_key, payload_json, created_at) VALUES (@message_id, @run_id, @seq + 1, @source, @idempotency_key, '{\"forged\":true}', @created_at)",
        message,
      ],
      [
        "REPLACE INTO jobs (job_id, message_id, run_id, message_seq, ordinal, intent, plan_hash, planner_version, idempotency_key, step_count, created_at) VALUES (@job_id, @message_id, @run_id, @message_seq, @ordinal, 'delete everything', @plan_hash, @planner_version, @idempotency_key, @step_count, @created_at)",
        job,
      ],
      [
        "INSERT OR REPLACE INTO jobs (job_id, message_id, run_id, message_seq, ordinal, intent, plan_hash, planner_version, idempotency_key, step_count, created_at) VALUES (@job_id, @message_id, @run_id, @message_seq, @ordinal, @intent, 'forged-hash', @planner_version, @idempotency_key, @step_count, @created_at)",
        job,
      ],
      ["INSERT OR REPLACE INTO job_budgets (job_id, max_bytes, max_symbols) VALUES (@job_id, NULL, NULL)", { job_id: posted.jobId }],
      ["INSERT INTO job_budgets (job_id, max_bytes, max_symbols) VALUES (@job_id, 1, 1) ON CONFLICT (job_id) DO UPDATE SET bytes_used = 0, symbols_used = 0", { job_id: posted.jobId }],
      [
        "INSERT OR REPLACE INTO steps (step_id, job_id, run_id, message_seq, job_ordinal, ordinal, op, payload_json, status, fencing_token, created_at) SELECT step_id, job_id, run_id, message_seq, job_ordinal, ordinal, op, '{\"i\":99}', status, fencing_token, created_at FROM steps WHERE step_id = @step_id",
        { step_id: "s_00002" },
      ],
      [
        "INSERT INTO steps (step_id, job_id, run_id, message_seq, job_ordinal, ordinal, op, payload_json, status, fencing_token, created_at) SELECT step_id, job_id, run_id, message_seq, job_ordinal, ordinal, op, payload_json, status, fencing_token, created_at FROM steps WHERE step_id = @step_id ON CONFLICT DO UPDATE SET payload_json = '{\"i\":99}'",
        { step_id: "s_00002" },
      ],
      ["INSERT OR REPLACE INTO step_deps (step_id, depends_on_step_id) SELECT step_id, depends_on_step_id FROM step_deps LIMIT @n", { n: 1 }],
      [
        "INSERT OR REPLACE INTO receipts SELECT step_seq, step_id, receipt_id, job_id, run_id, worker_id, fencing_token, 'FAILURE', '{}', job_seq, prev_receipt_hash, receipt_hash, created_at FROM receipts WHERE step_id = @step_id",
        { step_id: "s_00000" },
      ],
      ["INSERT OR REPLACE INTO step_transitions SELECT transition_id, step_id, job_id, run_id, from_status, 'PENDING', worker_id, fencing_token, at FROM step_transitions WHERE transition_id = @id", { id: 1 }],
    ];
    const accepted: string[] = [];
    const reasons: string[] = [];
    for (const [sql, params] of attempts) {
      try {
        raw.prepare(sql).run(params);
        accepted.push(sql);
      } catch (error) {
        reasons.push((error as Error).message);
      }
    }
    expect(accepted).toEqual([]);
    expect(snapshot(raw)).toBe(before);
    for (const reason of reasons) expect(reason).toMatch(/a row with this key exists \(INSERT OR REPLACE, REPLACE and upserts are rejected\)/);
    expect(cassette.verify().ok).toBe(true);
  });

  test("a ledger made by migration 1 alone gains the guards when opened", () => {
    const dbPath = path.join(tempDir(), "old.db");
    const old = new Database(dbPath);
    old.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT");
    old.exec(MIGRATIONS[0]!.sql);
    old.prepare("INSERT INTO meta VALUES ('schema_version', '1')").run();
    old.close();
    const cassette = Cassette.open(dbPath);
    try {
      cassette.postPlan(planInput("r", "q", chainSteps("s", 1)));
      const raw = new Database(dbPath);
      try {
        expect(() => raw.prepare("INSERT OR REPLACE INTO job_budgets (job_id, max_bytes, max_symbols) SELECT job_id, NULL, NULL FROM jobs").run()).toThrow(/a row with this key exists/);
      } finally {
        raw.close();
      }
      expect(cassette.verify()).toMatchObject({ ok: true, issues: [] });
    } finally {
      cassette.close();
    }
  });
});

describe("verify compares each trigger's SQL, not just its name", () => {
  test("a trigger re-created under its name with an empty body is reported by name", () => {
    const { raw, cassette } = setup();
    raw.exec("DROP TRIGGER tr_receipts_append_only_update");
    raw.exec("CREATE TRIGGER tr_receipts_append_only_update BEFORE UPDATE ON receipts BEGIN SELECT 1; END");
    // The emptied trigger no longer stops a rewrite...
    raw.prepare("UPDATE receipts SET outcome = 'FAILURE'").run();
    const result = cassette.verify();
    expect(result.ok).toBe(false);
    expect(result.issues).toContainEqual({ check: "triggers", message: "trigger tr_receipts_append_only_update differs from its migration's definition" });
  });

  test("a guard's condition weakened (same name, same shape) and an extra trigger are reported", () => {
    const { raw, cassette } = setup();
    const original = (raw.prepare("SELECT sql FROM sqlite_master WHERE name = 'tr_job_budgets_usage_guard'").get() as { sql: string }).sql;
    raw.exec("DROP TRIGGER tr_job_budgets_usage_guard");
    raw.exec(original.replace("OR NEW.bytes_used < OLD.bytes_used", ""));
    raw.exec("CREATE TRIGGER tr_zz_extra AFTER INSERT ON receipts BEGIN SELECT 1; END");
    const messages = cassette.verify().issues.map((issue) => issue.message);
    expect(messages).toContain("trigger tr_job_budgets_usage_guard differs from its migration's definition");
    expect(messages).toContain("trigger tr_zz_extra is not part of the schema");
  });

  test("an intact ledger passes, and every required trigger is checked", () => {
    const { cassette } = setup();
    const result = cassette.verify();
    expect(result).toMatchObject({ ok: true, issues: [] });
    expect(REQUIRED_TRIGGERS).toContain("tr_receipts_no_replace");
    expect(result.checks.some((check) => check.startsWith("schema:"))).toBe(true);
  });
});

describe("claims check each step's payload against the posted plan hash", () => {
  /** Rewrites a step's payload as an attacker who can drop and re-create triggers would. */
  function replacePayload(raw: Database.Database, stepId: string, payload: string): void {
    const trigger = (raw.prepare("SELECT sql FROM sqlite_master WHERE name = 'tr_steps_identity_guard'").get() as { sql: string }).sql;
    raw.exec("DROP TRIGGER tr_steps_identity_guard");
    raw.prepare("UPDATE steps SET payload_json = ? WHERE step_id = ?").run(payload, stepId);
    raw.exec(trigger);
  }

  test("a payload replaced after posting is refused with CAT_PLAN_TAMPERED and nothing is claimed", () => {
    const { raw, cassette, dbPath } = setup();
    replacePayload(raw, "s_00001", '{"i":99}');
    // A fresh connection (a new ant) verifies the job on its first claim.
    const ant = Cassette.open(dbPath);
    try {
      expect(() => ant.claimStep("r", "w2", 60)).toThrow(expect.objectContaining({ code: "CAT_PLAN_TAMPERED" }));
      expect(() => ant.claimNextStep("r", ant.listJobs()[0]!.jobId, "w2", 60)).toThrow(/step s_00001 of job .* was changed after the plan was posted/);
    } finally {
      ant.close();
    }
    expect(cassette.getStep("s_00001")).toMatchObject({ status: "PENDING", fencingToken: 0 });
    expect(cassette.verify().issues.map((issue) => issue.check)).toContain("jobs");
  });

  test("a payload replaced after this connection verified the job: the commit stands, the tampered step is not claimed", () => {
    const { cassette, posted, dbPath } = setup();
    const first = cassette.claimNextStep("r", posted.jobId, "w1", 60)!;
    expect(first.stepId).toBe("s_00001");
    replacePayload(rawConnection(dbPath), "s_00002", '{"i":"rm -rf"}');
    const done = cassette.completeAndClaimNext(
      { runId: "r", stepId: first.stepId, workerId: "w1", fencingToken: first.fencingToken, receipt: {}, outcome: "SUCCESS" },
      60,
      posted.jobId,
    );
    expect(done.next).toBeUndefined();
    expect(cassette.getStep("s_00001")!.status).toBe("COMMITTED");
    expect(() => cassette.claimNextStep("r", posted.jobId, "w1", 60)).toThrow(expect.objectContaining({ code: "CAT_PLAN_TAMPERED" }));
    expect(cassette.getStep("s_00002")).toMatchObject({ status: "PENDING", fencingToken: 0 });
  });

  test("a message job whose step no longer carries the message is refused", () => {
    const { cassette, dbPath } = openTemp();
    cassette.postMessage({ runId: "m", source: "USER", payload: { op: "NOTE", text: "hello" } });
    replacePayload(rawConnection(dbPath), cassette.listSteps(cassette.listJobs("m")[0]!.jobId)[0]!.stepId, '{"op":"NOTE","text":"forged"}');
    expect(() => cassette.claimStep("m", "w", 60)).toThrow(expect.objectContaining({ code: "CAT_PLAN_TAMPERED" }));
  });
});
