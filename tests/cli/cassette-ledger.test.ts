// Ledger tampering end to end (issue 10): the built CLI, real `execute` processes, a real ledger file edited with
// raw SQL as an attacker would; signed checkpoints, inclusion proofs, and tampered plans refused before anything runs.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, runCatalytic, tempDir } from "./helpers.js";
import { receiptHashFor, verifyReceiptProof } from "../../packages/cassette/src/index.js";
import { canonicalJson } from "../../packages/core/src/index.js";

// A raw second connection, as an attacker would open one: the cassette package's own better-sqlite3.
const Database = createRequire(path.join(REPO_ROOT, "packages", "cassette", "package.json"))("better-sqlite3") as typeof BetterSqlite3;

interface Workspace {
  base: string;
  root: string;
  env: NodeJS.ProcessEnv;
  keyFile: string;
}

function makeWorkspace(): Workspace {
  const base = tempDir("cat-ledger-");
  const root = path.join(base, "ws");
  mkdirSync(root);
  writeFileSync(path.join(root, "README.md"), "# Readme\n\nThe ledger workspace.\n");
  writeFileSync(path.join(root, "catalytic.json"), JSON.stringify({ sources: [{ path: ".", include: ["**/*.md"] }] }));
  // The key goes to this test's own config directory, never the user's.
  const env = { XDG_CONFIG_HOME: path.join(base, "config") };
  const ws = { base, root, env, keyFile: path.join(base, "config", "catalytic", "checkpoint-ed25519.pem") };
  expect(cli(ws, ["build", "--json"]).code).toBe(0);
  return ws;
}

function cli(ws: Workspace, args: string[]) {
  return runCatalytic(["--root", ws.root, ...args], { env: ws.env });
}

function json<T = any>(result: { stdout: string }): T {
  return JSON.parse(result.stdout) as T;
}

function plan(ws: Workspace, request: Record<string, unknown>): { jobId: string; stepIds: string[] } {
  const file = path.join(ws.base, "request.json");
  writeFileSync(file, JSON.stringify({ intent: "ledger e2e", ...request }));
  const result = cli(ws, ["plan", "--request-file", file, "--json"]);
  expect(result.code, result.stderr).toBe(0);
  const out = json(result);
  return { jobId: out.posted.job_id, stepIds: out.posted.step_ids };
}

function ledger(ws: Workspace): BetterSqlite3.Database {
  return new Database(path.join(ws.root, ".catalytic", "cassette.db"));
}

/** Issue 10's attack: drop the receipt triggers, rewrite a WRITE receipt as a FAILURE without its write, re-chain, re-create. */
function rewriteWriteAsFailure(ws: Workspace, stepId: string): string {
  const db = ledger(ws);
  try {
    const triggers = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'receipts'").all() as Array<{ name: string; sql: string }>;
    for (const trigger of triggers) db.exec(`DROP TRIGGER ${trigger.name}`);
    const row = db.prepare("SELECT * FROM receipts WHERE step_id = ?").get(stepId) as Record<string, any>;
    const receipt = JSON.parse(row.receipt_json);
    const forged = { ...receipt, status: "FAILURE", writes: [], error: { code: "CAT_STEP_FAILED", message: "disk full" } };
    db.prepare("UPDATE receipts SET outcome = 'FAILURE', receipt_json = ? WHERE step_id = ?").run(canonicalJson(forged), stepId);
    const chain = db.prepare("SELECT * FROM receipts WHERE job_id = ? ORDER BY job_seq").all(row.job_id) as Array<Record<string, any>>;
    let prev: string | null = null;
    for (const link of chain) {
      const hash = receiptHashFor({
        receiptId: link.receipt_id,
        stepId: link.step_id,
        jobId: link.job_id,
        runId: link.run_id,
        workerId: link.worker_id,
        fencingToken: link.fencing_token,
        outcome: link.outcome,
        receipt: JSON.parse(link.receipt_json),
        prevReceiptHash: prev,
      });
      db.prepare("UPDATE receipts SET prev_receipt_hash = ?, receipt_hash = ? WHERE step_id = ?").run(prev, hash, link.step_id);
      prev = hash;
    }
    for (const trigger of triggers) db.exec(trigger.sql);
    return row.receipt_id as string;
  } finally {
    db.close();
  }
}

describe("signed checkpoints (built CLI)", () => {
  it("plain verify passes a consistently rewritten history; verify --checkpoint fails naming the rewritten receipt", () => {
    const ws = makeWorkspace();
    const { jobId, stepIds } = plan(ws, {
      run_id: "r1",
      request_id: "writes",
      ops: [
        { op: "WRITE_FILE", file_path: "out/a.md", content: "alpha\n" },
        { op: "WRITE_FILE", file_path: "out/b.md", content: "beta\n" },
      ],
    });
    const run = cli(ws, ["execute", "--run-id", "r1", "--job-id", jobId, "--workers", "1"]);
    expect(run.code, run.stderr).toBe(0);

    const checkpointFile = path.join(ws.base, "checkpoint.txt");
    const taken = cli(ws, ["cassette", "checkpoint", "--out", checkpointFile, "--json"]);
    expect(taken.code, taken.stderr).toBe(0);
    const out = json(taken);
    expect(out).toMatchObject({ ok: true, tree_size: 2, key_file: ws.keyFile, key_created: true, out_file: checkpointFile });
    expect(statSync(ws.keyFile).mode & 0o777).toBe(0o600);
    expect(existsSync(path.join(ws.root, ".catalytic", "checkpoint-ed25519.pem"))).toBe(false);
    const text = readFileSync(checkpointFile, "utf8");
    expect(text).toBe(out.checkpoint);
    expect(text.split("\n").slice(0, 3)).toEqual(["catalytic/cassette", "2", out.root_hash]);
    // Printed, the same bytes: deterministic for one ledger and key.
    expect(cli(ws, ["cassette", "checkpoint"]).stdout).toBe(text);
    const publicKey = cli(ws, ["cassette", "checkpoint", "--public-key"]).stdout.trim();
    expect(publicKey).toBe(out.public_key);
    expect(cli(ws, ["cassette", "verify", "--checkpoint", checkpointFile]).code).toBe(0);

    const writeStep = stepIds[0]!;
    const receiptId = rewriteWriteAsFailure(ws, writeStep);
    const plain = cli(ws, ["cassette", "verify"]);
    expect(plain.code, plain.stdout).toBe(0);
    expect(plain.stdout).toMatch(/^PASS: /);

    const caught = cli(ws, ["cassette", "verify", "--checkpoint", checkpointFile]);
    expect(caught.code).toBe(1);
    expect(caught.stdout).toContain(`[checkpoint] receipt ${receiptId} (number 1 in commit order) differs from the checkpoint`);
    // With only the public key (a machine without the signing key) and --json: the same verdict, snake_case.
    const asJson = runCatalytic(["--root", ws.root, "cassette", "verify", "--checkpoint", checkpointFile, "--public-key", publicKey, "--json"], {
      env: { XDG_CONFIG_HOME: path.join(ws.base, "elsewhere") },
    });
    expect(asJson.code).toBe(1);
    expect(json(asJson)).toMatchObject({
      ok: false,
      issues: [{ check: "checkpoint" }],
      checkpoint: { ok: false, checkpoint: { tree_size: 2 }, ledger: { tree_size: 2 }, first_difference: { leaf_index: 0, receipt_id: receiptId } },
    });
  });

  it("prove prints a proof a third party checks with the public key alone; bad keys and checkpoints are typed errors", () => {
    const ws = makeWorkspace();
    const { jobId } = plan(ws, { run_id: "r2", request_id: "one", ops: [{ op: "WRITE_FILE", file_path: "out/c.md", content: "gamma\n" }] });
    expect(cli(ws, ["execute", "--run-id", "r2", "--job-id", jobId]).code).toBe(0);
    const receiptId = json(cli(ws, ["cassette", "receipts", "--job-id", jobId, "--json"])).receipts[0].receipt_id as string;

    const fresh = cli(ws, ["cassette", "prove", "--receipt", receiptId]);
    expect(fresh.code, fresh.stderr).toBe(0);
    const publicKey = cli(ws, ["cassette", "checkpoint", "--public-key"]).stdout.trim();
    const checkpointFile = path.join(ws.base, "cp.txt");
    expect(cli(ws, ["cassette", "checkpoint", "--out", checkpointFile]).code).toBe(0);
    const against = cli(ws, ["cassette", "prove", "--receipt", receiptId, "--checkpoint", checkpointFile, "--json"]);
    expect(against.code, against.stderr).toBe(0);
    const proofs = [JSON.parse(fresh.stdout), json(against).proof];
    rmSync(ws.root, { recursive: true, force: true });
    for (const proof of proofs) {
      expect(proof).toMatchObject({ receipt_id: receiptId, leaf_index: 0, tree_size: 1 });
      expect(verifyReceiptProof(proof, publicKey)).toMatchObject({ ok: true, receipt: { receipt_id: receiptId, outcome: "SUCCESS" } });
    }

    const other = makeWorkspace();
    const wrongKey = cli(other, ["cassette", "checkpoint", "--public-key"]).stdout.trim();
    expect(wrongKey).not.toBe(publicKey);
    const { jobId: otherJob } = plan(other, { run_id: "r3", request_id: "x", ops: [{ op: "WRITE_FILE", file_path: "out/d.md", content: "d\n" }] });
    expect(cli(other, ["execute", "--run-id", "r3", "--job-id", otherJob]).code).toBe(0);
    const refused = cli(other, ["cassette", "verify", "--checkpoint", checkpointFile, "--json"]);
    expect(refused.code).toBe(1);
    expect(json(refused).error).toMatchObject({ code: "CAT_CHECKPOINT_INVALID" });
    writeFileSync(path.join(other.root, "catalytic.json"), JSON.stringify({ checkpoint_key: ".catalytic/key.pem" }));
    const inside = cli(other, ["cassette", "checkpoint", "--json"]);
    expect(inside.code).toBe(1);
    expect(json(inside).error).toMatchObject({ code: "CAT_KEY_INVALID" });
    expect(existsSync(path.join(other.root, ".catalytic", "key.pem"))).toBe(false);
    const custom = path.join(other.base, "custom.pem");
    expect(cli(other, ["cassette", "checkpoint", "--key", custom, "--json"]).code).toBe(0);
    expect(statSync(custom).mode & 0o777).toBe(0o600);
  });
});

describe("the schema refuses REPLACE and verify reads trigger bodies (built CLI)", () => {
  it("INSERT OR REPLACE on a job's budget is refused; a receipt guard re-created empty is named by verify", () => {
    const ws = makeWorkspace();
    const { jobId } = plan(ws, { run_id: "s", request_id: "schema", ops: [{ op: "WRITE_FILE", file_path: "out/s.md", content: "s\n" }] });
    const db = ledger(ws);
    try {
      expect(() => db.prepare("INSERT OR REPLACE INTO job_budgets (job_id, max_bytes, max_symbols) VALUES (?, NULL, NULL)").run(jobId)).toThrow(
        /job_budgets: a row with this key exists/,
      );
      expect(cli(ws, ["cassette", "verify"]).code).toBe(0);
      db.exec("DROP TRIGGER tr_receipts_append_only_update");
      db.exec("CREATE TRIGGER tr_receipts_append_only_update BEFORE UPDATE ON receipts BEGIN SELECT 1; END");
    } finally {
      db.close();
    }
    const verify = cli(ws, ["cassette", "verify"]);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain("[triggers] trigger tr_receipts_append_only_update differs from its migration's definition");
  });
});

describe("a plan changed in the ledger after posting is refused before anything runs", () => {
  function tamperFirstStep(ws: Workspace, stepId: string): void {
    const db = ledger(ws);
    try {
      const guard = (db.prepare("SELECT sql FROM sqlite_master WHERE name = 'tr_steps_identity_guard'").get() as { sql: string }).sql;
      const payload = JSON.parse((db.prepare("SELECT payload_json FROM steps WHERE step_id = ?").get(stepId) as { payload_json: string }).payload_json);
      payload.refs = { ...payload.refs, file_path: "out/evil.md", content: "pwned\n" };
      db.exec("DROP TRIGGER tr_steps_identity_guard");
      db.prepare("UPDATE steps SET payload_json = ? WHERE step_id = ?").run(JSON.stringify(payload), stepId);
      db.exec(guard);
    } finally {
      db.close();
    }
  }

  it("execute exits 1 with CAT_PLAN_TAMPERED; an ant started anyway claims nothing; nothing is written", () => {
    const ws = makeWorkspace();
    const { jobId, stepIds } = plan(ws, { run_id: "t", request_id: "tampered", ops: [{ op: "WRITE_FILE", file_path: "out/a.md", content: "alpha\n" }] });
    tamperFirstStep(ws, stepIds[0]!);

    const run = cli(ws, ["execute", "--run-id", "t", "--job-id", jobId, "--workers", "2", "--json"]);
    expect(run.code).toBe(1);
    expect(json(run).error).toMatchObject({ code: "CAT_PLAN_TAMPERED" });
    expect(json(run).error.message).toContain("its step payloads hash to");

    // The claim path checks too: a worker started directly stops on the same typed error.
    const worker = cli(ws, ["ants", "worker", "--run-id", "t", "--job-id", jobId, "--worker-id", "w-direct", "--json"]);
    expect(worker.code).toBe(2);
    expect(json(worker)).toMatchObject({ executed: 0, stopped_because: "error", error: { code: "CAT_PLAN_TAMPERED" } });

    expect(existsSync(path.join(ws.root, "out"))).toBe(false);
    const status = json(cli(ws, ["cassette", "status", "--run-id", "t", "--json"]));
    expect(status.jobs[0]).toMatchObject({ committed: 0, leased: 0, pending: 1, receipts: 0 });
    const verify = cli(ws, ["cassette", "verify", "--json"]);
    expect(verify.code).toBe(1);
    expect(json(verify).issues.map((issue: { check: string }) => issue.check)).toContain("jobs");
  });
});
