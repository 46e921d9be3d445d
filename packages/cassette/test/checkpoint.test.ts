// Signed checkpoints: the attack plain verify cannot see, determinism, third-party proofs, the key file.
import { chmodSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import type Database from "better-sqlite3";
import {
  CHECKPOINT_ORIGIN,
  defaultCheckpointKeyPath,
  loadCheckpointKey,
  parseVerifierKey,
  receiptHashFor,
  requireKeyOutsideState,
  verifyReceiptProof,
  type Cassette,
} from "../src/index.js";
import { chainSteps, openTemp, planInput, rawConnection, tempDir } from "./helpers.js";

function keyIn(dir: string) {
  return loadCheckpointKey(path.join(dir, "keys", "checkpoint.pem"), true).signer;
}

/** Runs every step of a 4-step plan: step 2 (s_00001) is the WRITE whose receipt the attacker rewrites. */
function ledgerWithWrites(cassette: Cassette, runId = "r"): void {
  cassette.postPlan(planInput(runId, "q", chainSteps(`${runId}s`, 4)));
  for (let step = cassette.claimStep(runId, "w1", 60); step; step = cassette.claimStep(runId, "w1", 60)) {
    const receipt = { op: "WRITE_FILE", status: "SUCCESS", writes: [{ path: `docs/${step.stepId}.md`, after_hash: "a".repeat(64) }] };
    cassette.completeStep({ runId, stepId: step.stepId, workerId: "w1", fencingToken: step.fencingToken, receipt, outcome: "SUCCESS" });
  }
}

/** The attack from issue 10: drop the receipt triggers, rewrite a WRITE receipt as a FAILURE, re-chain, re-create. */
function rewriteAsFailure(raw: Database.Database, stepId: string): void {
  const triggers = raw.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'receipts'").all() as Array<{ name: string; sql: string }>;
  for (const trigger of triggers) raw.exec(`DROP TRIGGER ${trigger.name}`);
  const target = raw.prepare("SELECT job_id, job_seq FROM receipts WHERE step_id = ?").get(stepId) as { job_id: string; job_seq: number };
  raw.prepare("UPDATE receipts SET outcome = 'FAILURE', receipt_json = ? WHERE step_id = ?").run(
    JSON.stringify({ error: { code: "CAT_STEP_FAILED", message: "disk full" }, op: "WRITE_FILE", status: "FAILURE", writes: [] }),
    stepId,
  );
  const rows = raw.prepare("SELECT * FROM receipts WHERE job_id = ? AND job_seq >= ? ORDER BY job_seq").all(target.job_id, target.job_seq) as Array<Record<string, never>>;
  let prev = (raw.prepare("SELECT receipt_hash FROM receipts WHERE job_id = ? AND job_seq = ?").get(target.job_id, target.job_seq - 1) as { receipt_hash: string } | undefined)?.receipt_hash ?? null;
  for (const row of rows) {
    const hash = receiptHashFor({
      receiptId: row.receipt_id,
      stepId: row.step_id,
      jobId: row.job_id,
      runId: row.run_id,
      workerId: row.worker_id,
      fencingToken: row.fencing_token,
      outcome: row.outcome,
      receipt: JSON.parse(row.receipt_json),
      prevReceiptHash: prev,
    });
    raw.prepare("UPDATE receipts SET prev_receipt_hash = ?, receipt_hash = ? WHERE step_id = ?").run(prev, hash, row.step_id);
    prev = hash;
  }
  for (const trigger of triggers) raw.exec(trigger.sql);
}

describe("checkpoints catch a consistent rewrite of history", () => {
  test("plain verify passes the rewritten ledger; the checkpoint names the rewritten receipt", () => {
    const { cassette, dbPath, dir } = openTemp();
    const signer = keyIn(dir);
    ledgerWithWrites(cassette);
    const checkpoint = cassette.checkpoint(signer).text;
    expect(cassette.checkCheckpoint(checkpoint, signer)).toMatchObject({ ok: true, checkpoint: { tree_size: 4 }, ledger: { tree_size: 4 } });

    rewriteAsFailure(rawConnection(dbPath), "rs_00001");
    expect(cassette.getReceiptForStep("rs_00001")!.outcome).toBe("FAILURE");
    // Everything inside the file agrees with itself again: the plain checks cannot tell.
    expect(cassette.verify()).toMatchObject({ ok: true, issues: [] });
    const check = cassette.checkCheckpoint(checkpoint, signer);
    expect(check.ok).toBe(false);
    expect(check.first_difference).toEqual({
      leaf_index: 1,
      receipt_id: "rcpt_rs_00001_1",
      message: "receipt rcpt_rs_00001_1 (number 2 in commit order) differs from the checkpoint",
    });
  });

  test("a grown ledger extends its old checkpoint (consistency proof); a deleted receipt does not", () => {
    const { cassette, dbPath, dir } = openTemp();
    const signer = keyIn(dir);
    ledgerWithWrites(cassette, "a");
    const old = cassette.checkpoint(signer).text;
    ledgerWithWrites(cassette, "b");
    const grown = cassette.checkCheckpoint(old, signer);
    expect(grown).toMatchObject({ ok: true, checkpoint: { tree_size: 4 }, ledger: { tree_size: 8 } });
    expect(grown.consistency_proof.length).toBeGreaterThan(0);
    const raw = rawConnection(dbPath);
    raw.exec("DROP TRIGGER tr_receipts_append_only_delete; DROP TRIGGER tr_step_transitions_append_only_delete");
    raw.pragma("foreign_keys = OFF");
    raw.prepare("DELETE FROM receipts WHERE step_id = 'as_00003'").run();
    expect(cassette.checkCheckpoint(old, signer)).toMatchObject({ ok: false, first_difference: { leaf_index: 3, receipt_id: "rcpt_bs_00000_1" } });
  });

  test("a checkpoint of a ledger with no receipts is extended by every later ledger", () => {
    const { cassette, dir } = openTemp();
    const signer = keyIn(dir);
    const empty = cassette.checkpoint(signer);
    expect(empty.text.split("\n").slice(0, 3)).toEqual([CHECKPOINT_ORIGIN, "0", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="]);
    expect(cassette.checkCheckpoint(empty.text, signer)).toMatchObject({ ok: true, consistency_proof: [] });
    ledgerWithWrites(cassette);
    expect(cassette.checkCheckpoint(empty.text, signer)).toMatchObject({ ok: true, checkpoint: { tree_size: 0 }, ledger: { tree_size: 4 } });
  });

  test("the same ledger and key give byte-identical checkpoints in the documented format", () => {
    const { cassette, dir } = openTemp();
    const signer = keyIn(dir);
    ledgerWithWrites(cassette);
    const first = cassette.checkpoint(signer);
    expect(cassette.checkpoint(signer).text).toBe(first.text);
    const [body, signature] = first.text.split("\n\n");
    const lines = body!.split("\n");
    expect(lines.slice(0, 3)).toEqual([CHECKPOINT_ORIGIN, "4", first.root_hash]);
    expect(lines.slice(3)).toHaveLength(4);
    expect(signature).toMatch(/^\u2014 catalytic-cassette [A-Za-z0-9+/]{91}=\n$/);
    expect(cassette.checkpoint(signer, false).text.split("\n\n")[0]!.split("\n")).toHaveLength(3);
  });

  test("a checkpoint signed by another key, or edited after signing, is refused", () => {
    const { cassette, dir } = openTemp();
    const signer = keyIn(dir);
    const other = loadCheckpointKey(path.join(dir, "other.pem"), true).signer;
    ledgerWithWrites(cassette);
    const text = cassette.checkpoint(signer).text;
    expect(() => cassette.checkCheckpoint(text, other)).toThrow(expect.objectContaining({ code: "CAT_CHECKPOINT_INVALID" }));
    const edited = text.replace(/^catalytic\/cassette\n4\n/, "catalytic/cassette\n3\n");
    expect(() => cassette.checkCheckpoint(edited, signer)).toThrow(/no valid signature/);
  });
});

describe("inclusion proofs a third party checks with the public key alone", () => {
  test("prove, then verify from the JSON, the checkpoint and the public key string, with the ledger gone", () => {
    const { cassette, dir } = openTemp();
    const signer = keyIn(dir);
    ledgerWithWrites(cassette);
    const checkpoint = cassette.checkpoint(signer).text;
    const fresh = JSON.stringify(cassette.proveReceipt("rcpt_rs_00002_1", { signer }));
    const againstCheckpoint = JSON.stringify(cassette.proveReceipt("rcpt_rs_00002_1", { text: checkpoint, verifier: signer }));
    const vkey = signer.vkey;
    cassette.close();
    rmSync(dir, { recursive: true, force: true });

    for (const proof of [fresh, againstCheckpoint]) {
      const result = verifyReceiptProof(JSON.parse(proof), vkey);
      expect(result).toMatchObject({ ok: true, tree_size: 4, receipt: { receipt_id: "rcpt_rs_00002_1", outcome: "SUCCESS" } });
    }
    const forged = JSON.parse(fresh) as { leaf: string; leaf_hash?: string };
    forged.leaf = forged.leaf.replace('"outcome":"SUCCESS"', '"outcome":"FAILURE"');
    expect(verifyReceiptProof(forged, vkey)).toMatchObject({ ok: false, problem: "leaf_hash is not the hash of the leaf" });
    delete forged.leaf_hash;
    expect(verifyReceiptProof(forged, vkey)).toMatchObject({ ok: false, problem: expect.stringMatching(/audit path does not lead/) });
    const stranger = loadCheckpointKey(path.join(tempDir(), "stranger.pem"), true).signer.vkey;
    expect(verifyReceiptProof(JSON.parse(fresh), stranger)).toMatchObject({ ok: false, problem: expect.stringMatching(/no valid signature/) });
    expect(() => parseVerifierKey(vkey.replace(/\+[0-9a-f]{8}\+/, "+00000000+"))).toThrow(/key id does not match/);
  });

  test("a receipt newer than the checkpoint, or an unknown receipt, cannot be proved against it", () => {
    const { cassette, dir } = openTemp();
    const signer = keyIn(dir);
    ledgerWithWrites(cassette, "a");
    const checkpoint = cassette.checkpoint(signer).text;
    ledgerWithWrites(cassette, "b");
    expect(() => cassette.proveReceipt("rcpt_bs_00000_1", { text: checkpoint, verifier: signer })).toThrow(expect.objectContaining({ code: "CAT_CHECKPOINT_MISMATCH" }));
    expect(() => cassette.proveReceipt("rcpt_nope_1", { signer })).toThrow(expect.objectContaining({ code: "CAT_RECEIPT_NOT_FOUND" }));
  });
});

describe("the checkpoint key", () => {
  test("created on first use with mode 0600 in a 0700 folder, then reused; the verifier key round-trips", () => {
    const dir = tempDir();
    const file = path.join(dir, "conf", "catalytic", "checkpoint-ed25519.pem");
    const first = loadCheckpointKey(file, true);
    expect(first.created).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    const again = loadCheckpointKey(file, false);
    expect(again).toMatchObject({ created: false, signer: { vkey: first.signer.vkey } });
    expect(parseVerifierKey(first.signer.vkey).publicKey.equals(first.signer.publicKey)).toBe(true);
    expect(first.signer.vkey).toMatch(/^catalytic-cassette\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
  });

  test("a key others can read, a key that is not Ed25519 PEM, a missing key without create, a key inside .catalytic/: typed errors", () => {
    const dir = tempDir();
    const file = path.join(dir, "k.pem");
    loadCheckpointKey(file, true);
    chmodSync(file, 0o644);
    expect(() => loadCheckpointKey(file, false)).toThrow(expect.objectContaining({ code: "CAT_KEY_INVALID", message: expect.stringMatching(/readable or writable by others/) }));
    writeFileSync(file, "not a key", { mode: 0o600 });
    chmodSync(file, 0o600);
    expect(() => loadCheckpointKey(file, false)).toThrow(expect.objectContaining({ code: "CAT_KEY_INVALID" }));
    expect(readFileSync(file, "utf8")).toBe("not a key");
    expect(() => loadCheckpointKey(path.join(dir, "none.pem"), false)).toThrow(expect.objectContaining({ code: "CAT_FILE_NOT_FOUND" }));
    expect(() => requireKeyOutsideState(path.join(dir, ".catalytic", "k.pem"), dir)).toThrow(expect.objectContaining({ code: "CAT_KEY_INVALID" }));
    expect(requireKeyOutsideState(path.join(dir, "k.pem"), dir)).toBe(file);
  });

  test("the default location is the user's config directory", () => {
    expect(defaultCheckpointKeyPath({ XDG_CONFIG_HOME: "/x/conf" })).toBe("/x/conf/catalytic/checkpoint-ed25519.pem");
    expect(defaultCheckpointKeyPath({})).toMatch(/\.config\/catalytic\/checkpoint-ed25519\.pem$/);
  });
});
