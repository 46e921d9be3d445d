// Raw SQL through a second connection: the database itself must refuse every illegal write.
import { describe, expect, test } from "vitest";
import type Database from "better-sqlite3";
import { receiptHashFor } from "../src/index.js";
import { chainSteps, openTemp, planInput, rawConnection, sleep } from "./helpers.js";

const NOW_MS = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";

function setup() {
  const { cassette, dbPath } = openTemp();
  const posted = cassette.postPlan(planInput("r", "q", chainSteps("s", 4, false)));
  // s_00000 COMMITTED, s_00001 LEASED by w1 (token 1), s_00002 and s_00003 PENDING.
  const done = cassette.claimStep("r", "w1", 60)!;
  const receipt = cassette.completeStep({ runId: "r", stepId: done.stepId, workerId: "w1", fencingToken: 1, receipt: { ok: 1 }, outcome: "SUCCESS" });
  cassette.claimStep("r", "w1", 60);
  const raw = rawConnection(dbPath);
  return { cassette, raw, posted, receipt };
}

function rejects(raw: Database.Database, sql: string, pattern: RegExp, ...params: unknown[]): void {
  expect(() => raw.prepare(sql).run(...params), sql).toThrow(pattern);
}

describe("append-only tables", () => {
  test("messages: UPDATE and DELETE abort", () => {
    const { raw } = setup();
    rejects(raw, "UPDATE messages SET payload_json = '{}'", /messages are append-only: UPDATE rejected/);
    rejects(raw, "UPDATE messages SET run_id = 'x'", /messages are append-only: UPDATE rejected/);
    rejects(raw, "DELETE FROM messages", /messages are append-only: DELETE rejected/);
  });

  test("receipts: UPDATE and DELETE abort", () => {
    const { raw } = setup();
    rejects(raw, "UPDATE receipts SET outcome = 'FAILURE'", /receipts are append-only: UPDATE rejected/);
    rejects(raw, "UPDATE receipts SET receipt_json = '{\"ok\":2}'", /receipts are append-only: UPDATE rejected/);
    rejects(raw, "DELETE FROM receipts", /receipts are append-only: DELETE rejected/);
  });

  test("jobs, step_deps, budgets, steps and transitions cannot be rewritten or deleted", () => {
    const { raw, cassette } = setup();
    const deps = cassette.postPlan(planInput("r", "deps", chainSteps("d", 3, true)));
    rejects(raw, "UPDATE jobs SET intent = 'evil'", /jobs are immutable: UPDATE rejected/);
    rejects(raw, "DELETE FROM jobs", /jobs are immutable: DELETE rejected/);
    rejects(raw, "UPDATE step_deps SET depends_on_step_id = 'd_00000'", /step_deps are immutable: UPDATE rejected/);
    rejects(raw, "DELETE FROM step_deps", /step_deps are immutable: DELETE rejected/);
    rejects(raw, "DELETE FROM steps", /steps: DELETE rejected/);
    rejects(raw, "UPDATE steps SET payload_json = '{}' WHERE step_id = 's_00002'", /identity, op and payload are immutable/);
    rejects(raw, "UPDATE steps SET op = 'WRITE_FILE' WHERE step_id = 's_00002'", /identity, op and payload are immutable/);
    rejects(raw, "UPDATE job_budgets SET bytes_used = 0, max_bytes = 10", /limits are fixed and usage only grows/);
    rejects(raw, "DELETE FROM job_budgets", /job_budgets: DELETE rejected/);
    rejects(raw, "UPDATE step_transitions SET to_status = 'COMMITTED'", /step_transitions are append-only: UPDATE rejected/);
    rejects(raw, "DELETE FROM step_transitions", /step_transitions are append-only: DELETE rejected/);
    rejects(
      raw,
      "INSERT INTO step_transitions (step_id, job_id, run_id, from_status, to_status, worker_id, fencing_token, at) VALUES ('s_00002', ?, 'r', 'PENDING', 'COMMITTED', 'w', 1, 'now')",
      /rows are written by the steps triggers only/,
      deps.jobId,
    );
    // A step smuggled into an existing job, or with a payload that is not JSON.
    const insertStep = (stepId: string, ordinal: number, payload: string) =>
      raw
        .prepare(
          `INSERT INTO steps (step_id, job_id, run_id, message_seq, job_ordinal, ordinal, op, payload_json, status, fencing_token, created_at)
           SELECT ?, job_id, run_id, message_seq, ordinal, ?, 'NOTE', ?, 'PENDING', 0, 'x' FROM jobs WHERE job_id = ?`,
        )
        .run(stepId, ordinal, payload, deps.jobId);
    expect(() => insertStep("extra", 4, "{}")).toThrow(/ordinal in 1..step_count/);
    expect(() => insertStep("extra", 2, "{}")).toThrow(/a row with this key exists/);
    expect(() => insertStep("extra", 1, "{not json")).toThrow(/has a JSON payload|a row with this key exists/);
    // A dependency added later would make a plan lie about its order.
    rejects(raw, "INSERT INTO step_deps (step_id, depends_on_step_id) VALUES ('d_00000', 'd_00002')", /earlier step of the same job/);
    rejects(raw, "INSERT INTO step_deps (step_id, depends_on_step_id) VALUES ('d_00002', 's_00000')", /earlier step of the same job/);
    rejects(raw, "INSERT INTO step_deps (step_id, depends_on_step_id) VALUES ('s_00001', 's_00000')", /earlier step of the same job/);
    expect(cassette.verify().ok).toBe(true);
  });
});

describe("step FSM", () => {
  test("every illegal edge aborts", () => {
    const { raw } = setup();
    // PENDING -> COMMITTED (skip the lease)
    rejects(raw, "UPDATE steps SET status = 'COMMITTED', lease_owner = 'w', lease_expires_at = 9e15, fencing_token = 1 WHERE step_id = 's_00002'", /illegal transition/);
    // PENDING -> PENDING with a token bump
    rejects(raw, "UPDATE steps SET fencing_token = 5 WHERE step_id = 's_00002'", /illegal transition/);
    // COMMITTED -> LEASED, COMMITTED -> PENDING, COMMITTED -> COMMITTED
    rejects(raw, "UPDATE steps SET status = 'LEASED', fencing_token = fencing_token + 1 WHERE step_id = 's_00000'", /a COMMITTED step is final/);
    rejects(raw, "UPDATE steps SET status = 'PENDING', lease_owner = NULL, lease_expires_at = NULL WHERE step_id = 's_00000'", /a COMMITTED step is final/);
    rejects(raw, "UPDATE steps SET lease_owner = 'w9' WHERE step_id = 's_00000'", /a COMMITTED step is final/);
    // LEASED -> PENDING before the lease expired
    rejects(raw, "UPDATE steps SET status = 'PENDING', lease_owner = NULL, lease_expires_at = NULL, fencing_token = fencing_token + 1 WHERE step_id = 's_00001'", /requeue \(LEASED->PENDING\) only after the lease expired/);
    // LEASED -> COMMITTED without a receipt
    rejects(raw, "UPDATE steps SET status = 'COMMITTED' WHERE step_id = 's_00001'", /COMMITTED needs the receipt of the lease holder/);
    // Unknown status
    rejects(raw, "UPDATE steps SET status = 'DONE' WHERE step_id = 's_00002'", /illegal transition|CHECK constraint/);
  });

  test("a claim must bump the token and set a future expiry", () => {
    const { raw } = setup();
    rejects(raw, `UPDATE steps SET status = 'LEASED', lease_owner = 'w', lease_expires_at = ${NOW_MS} + 60000 WHERE step_id = 's_00002'`, /fencing_token \+ 1/);
    rejects(raw, `UPDATE steps SET status = 'LEASED', lease_owner = 'w', lease_expires_at = ${NOW_MS} - 1, fencing_token = 1 WHERE step_id = 's_00002'`, /future expiry/);
    rejects(raw, `UPDATE steps SET status = 'LEASED', lease_owner = NULL, lease_expires_at = ${NOW_MS} + 60000, fencing_token = 1 WHERE step_id = 's_00002'`, /CHECK constraint/);
  });

  test("a claim of a step with an unfinished dependency aborts", () => {
    const { raw, cassette } = setup();
    cassette.postPlan(planInput("r", "deps", chainSteps("d", 2, true)));
    rejects(raw, `UPDATE steps SET status = 'LEASED', lease_owner = 'w', lease_expires_at = ${NOW_MS} + 60000, fencing_token = 1 WHERE step_id = 'd_00001'`, /every dependency is COMMITTED with SUCCESS/);
  });

  test("a requeue after expiry must bump the token", async () => {
    const { cassette, raw } = setup();
    cassette.claimStep("r", "w2", 0.1);
    await sleep(200);
    rejects(raw, "UPDATE steps SET status = 'PENDING', lease_owner = NULL, lease_expires_at = NULL WHERE step_id = 's_00002'", /fencing_token \+ 1/);
    raw.prepare("UPDATE steps SET status = 'PENDING', lease_owner = NULL, lease_expires_at = NULL, fencing_token = fencing_token + 1 WHERE step_id = 's_00002'").run();
    expect(cassette.getStep("s_00002")).toMatchObject({ status: "PENDING", fencingToken: 2 });
  });
});

describe("lease tampering", () => {
  test("owner, token and expiry of a held lease cannot be rewritten", () => {
    const { raw, cassette } = setup();
    rejects(raw, "UPDATE steps SET lease_owner = 'thief' WHERE step_id = 's_00001'", /lease fields change only by renewal/);
    rejects(raw, "UPDATE steps SET fencing_token = 9 WHERE step_id = 's_00001'", /lease fields change only by renewal/);
    rejects(raw, `UPDATE steps SET lease_expires_at = ${NOW_MS} - 1000 WHERE step_id = 's_00001'`, /lease fields change only by renewal/);
    rejects(raw, "UPDATE steps SET lease_owner = NULL, lease_expires_at = NULL WHERE step_id = 's_00001'", /lease fields change only by renewal|CHECK constraint/);
    rejects(raw, "UPDATE steps SET lease_owner = 'w', lease_expires_at = 9e15 WHERE step_id = 's_00002'", /CHECK constraint|illegal transition/);
    expect(cassette.getStep("s_00001")).toMatchObject({ status: "LEASED", leaseOwner: "w1", fencingToken: 1 });
  });

  test("an expired lease cannot be renewed by raw SQL", async () => {
    const { cassette, raw } = setup();
    cassette.claimStep("r", "w2", 0.1);
    await sleep(200);
    rejects(raw, `UPDATE steps SET lease_expires_at = ${NOW_MS} + 60000 WHERE step_id = 's_00002'`, /unexpired lease/);
  });
});

describe("receipts", () => {
  function insertReceipt(raw: Database.Database, fields: Record<string, unknown>): void {
    const row = {
      receipt_id: `rcpt_${String(fields.step_id ?? "s_00001")}_${String(fields.fencing_token ?? 1)}`,
      step_id: "s_00001",
      job_seq: 2,
      job_id: fields.job_id,
      run_id: "r",
      worker_id: "w1",
      fencing_token: 1,
      outcome: "SUCCESS",
      receipt_json: "{}",
      prev_receipt_hash: null,
      receipt_hash: "f".repeat(64),
      created_at: "2026-01-01T00:00:00.000Z",
      ...fields,
    };
    raw
      .prepare(
        // A receipt is keyed by its step's step_seq (migration 3): the forger looks it up, as the API does.
        `INSERT INTO receipts (step_seq, receipt_id, step_id, job_id, run_id, worker_id, fencing_token, outcome, receipt_json, job_seq, prev_receipt_hash, receipt_hash, created_at)
         VALUES ((SELECT step_seq FROM steps WHERE step_id = @step_id), @receipt_id, @step_id, @job_id, @run_id, @worker_id, @fencing_token, @outcome, @receipt_json, @job_seq, @prev_receipt_hash, @receipt_hash, @created_at)`,
      )
      .run(row);
  }

  test("a second receipt for a step, a receipt for a missing or unleased step, a wrong worker or token: rejected", () => {
    const { raw, posted, receipt } = setup();
    const job_id = posted.jobId;
    const prev = receipt.receiptHash;
    expect(() => insertReceipt(raw, { job_id, step_id: "s_00000", prev_receipt_hash: prev })).toThrow(/a row with this key exists/);
    expect(() => insertReceipt(raw, { job_id, step_id: "s_missing", prev_receipt_hash: prev })).toThrow(/step must be LEASED by this worker|FOREIGN KEY/);
    expect(() => insertReceipt(raw, { job_id, step_id: "s_00002", prev_receipt_hash: prev })).toThrow(/step must be LEASED by this worker/);
    expect(() => insertReceipt(raw, { job_id, worker_id: "w2", prev_receipt_hash: prev })).toThrow(/step must be LEASED by this worker/);
    expect(() => insertReceipt(raw, { job_id, fencing_token: 2, prev_receipt_hash: prev })).toThrow(/step must be LEASED by this worker/);
    expect(() => insertReceipt(raw, { job_id: "job_other", prev_receipt_hash: null, job_seq: 1 })).toThrow(/step must be LEASED by this worker|FOREIGN KEY/);
    expect(() => insertReceipt(raw, { job_id, prev_receipt_hash: prev, receipt_id: "rcpt_other_1" })).toThrow(/CHECK constraint failed: receipt_id/);
  });

  test("a broken prev hash is rejected; the API's next receipt still links", () => {
    const { raw, posted, receipt, cassette } = setup();
    expect(() => insertReceipt(raw, { job_id: posted.jobId, prev_receipt_hash: null })).toThrow(/prev_receipt_hash the hash of the latest receipt/);
    expect(() => insertReceipt(raw, { job_id: posted.jobId, prev_receipt_hash: "0".repeat(64) })).toThrow(/prev_receipt_hash the hash/);
    expect(() => insertReceipt(raw, { job_id: posted.jobId, prev_receipt_hash: receipt.receiptHash, job_seq: 3 })).toThrow(/job_seq must be the next of its job|a row with this key exists/);
    expect(() => insertReceipt(raw, { job_id: posted.jobId, prev_receipt_hash: receipt.receiptHash, job_seq: 1 })).toThrow(/job_seq must be the next of its job|a row with this key exists/);
    const next = cassette.completeStep({ runId: "r", stepId: "s_00001", workerId: "w1", fencingToken: 1, receipt: {}, outcome: "SUCCESS" });
    expect(cassette.getReceipt(next.receiptId)!.prevReceiptHash).toBe(receipt.receiptHash);
  });

  test("a receipt with a hash that does not match its content gets in only through raw SQL, and verify names it", () => {
    const { raw, posted, receipt, cassette } = setup();
    insertReceipt(raw, { job_id: posted.jobId, prev_receipt_hash: receipt.receiptHash, receipt_json: '{"forged":true}' });
    raw.prepare("UPDATE steps SET status = 'COMMITTED' WHERE step_id = 's_00001'").run();
    const result = cassette.verify();
    expect(result.ok).toBe(false);
    expect(result.issues.map((issue) => issue.message)).toEqual([
      expect.stringMatching(/^receipt rcpt_s_00001_1 hash f{64} does not match its content \(expected [0-9a-f]{64}\)$/),
    ]);
  });

  test("verify reports dropped triggers and rewritten history", () => {
    const { raw, cassette, posted, receipt } = setup();
    raw.exec("DROP TRIGGER tr_receipts_append_only_update");
    raw.prepare("UPDATE receipts SET receipt_json = '{\"ok\":2}'").run();
    const result = cassette.verify("r");
    const expected = receiptHashFor({
      receiptId: receipt.receiptId, stepId: "s_00000", jobId: posted.jobId, runId: "r", workerId: "w1", fencingToken: 1, outcome: "SUCCESS", receipt: { ok: 2 }, prevReceiptHash: null,
    });
    expect(result.ok).toBe(false);
    expect(result.issues).toEqual([
      { check: "triggers", message: "trigger tr_receipts_append_only_update is missing" },
      { check: "receipt_chain", message: `receipt ${receipt.receiptId} hash ${receipt.receiptHash} does not match its content (expected ${expected})` },
    ]);
  });
});
