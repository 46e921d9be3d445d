// `catalytic cassette ...` end to end: the built bundle (apps/cli/dist/catalytic.cjs), spawned as a real process.
import { existsSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { runCatalytic, tempDir, type CliResult } from "./helpers.js";

const dirs: string[] = [];

afterEach(() => {
  while (dirs.length > 0) rmSync(dirs.pop()!, { recursive: true, force: true });
});

function workspace(): string {
  const dir = tempDir("cli-cassette-");
  dirs.push(dir);
  writeFileSync(path.join(dir, "message.json"), JSON.stringify({ intent: "summarise", refs: ["@CANON/a"] }));
  writeFileSync(path.join(dir, "receipt.json"), JSON.stringify({ outputs: { ok: true } }));
  writeFileSync(path.join(dir, "broken.json"), "{ not json");
  return dir;
}

function cli(cwd: string, ...args: string[]): CliResult {
  return runCatalytic(["--root", cwd, ...args], { cwd });
}

function json(run: CliResult): Record<string, any> {
  const lines = run.stdout.trim().split("\n");
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!) as Record<string, any>;
}

function postAndClaim(dir: string): { jobId: string; stepId: string; token: number } {
  const posted = json(cli(dir, "cassette", "post", "--json", "message.json", "--run-id", "r1", "--source", "USER", "--idempotency-key", "m1"));
  const claimed = json(cli(dir, "cassette", "claim", "--run-id", "r1", "--worker", "w1", "--ttl", "60", "--json"));
  expect(claimed.step.step_id).toBe(posted.step_id);
  return { jobId: posted.job_id, stepId: posted.step_id, token: claimed.step.fencing_token };
}

describe("catalytic cassette", () => {
  test("post, claim, complete, status, receipts, show, jobs, runs, verify: the happy path", () => {
    const dir = workspace();
    const first = cli(dir, "cassette", "post", "--file", "message.json", "--run-id", "r1", "--source", "USER", "--idempotency-key", "m1");
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^posted: message msg_[0-9a-f]{32}, job job_[0-9a-f]{32}, step step_[0-9a-f]{16}\n$/);
    const again = json(cli(dir, "cassette", "post", "--json", "message.json", "--run-id", "r1", "--source", "USER", "--idempotency-key", "m1"));
    expect(again).toMatchObject({ ok: true, created: false });
    expect(first.stdout).toContain(again.message_id);

    const claim = cli(dir, "cassette", "claim", "--run-id", "r1", "--worker", "w1");
    expect(claim.code).toBe(0);
    expect(claim.stdout).toMatch(new RegExp(`^claimed ${again.step_id} \\(job ${again.job_id}, op MESSAGE\\) token 1, lease until \\S+Z\\n$`));

    const complete = json(
      cli(dir, "cassette", "complete", "--run-id", "r1", "--step", again.step_id, "--worker", "w1", "--token", "1", "--receipt", "receipt.json", "--outcome", "SUCCESS", "--json"),
    );
    expect(complete).toMatchObject({ ok: true, step_id: again.step_id, receipt_id: expect.stringMatching(/^rcpt_/), receipt_hash: expect.stringMatching(/^[0-9a-f]{64}$/) });

    const status = json(cli(dir, "cassette", "status", "--run-id", "r1", "--json"));
    expect(status.jobs).toEqual([
      expect.objectContaining({ job_id: again.job_id, committed: 1, pending: 0, receipts: 1, done: true, workers_seen: ["w1"], outcomes: { SUCCESS: 1, FAILURE: 0, ABORTED: 0 } }),
    ]);
    expect(cli(dir, "cassette", "status", "--run-id", "r1", "--job-id", again.job_id).stdout).toContain(`job ${again.job_id} (summarise): done`);

    const receipts = cli(dir, "cassette", "receipts", "--job-id", again.job_id);
    expect(receipts.stdout).toContain(`${complete.receipt_id}  ${again.step_id}  SUCCESS  w1#1  ${complete.receipt_hash.slice(0, 16)}`);
    const shown = json(cli(dir, "cassette", "show", "--receipt", complete.receipt_id, "--json"));
    expect(shown.receipt).toMatchObject({ receipt_id: complete.receipt_id, receipt: { outputs: { ok: true } }, prev_receipt_hash: null, receipt_hash: complete.receipt_hash });

    expect(json(cli(dir, "cassette", "jobs", "--run-id", "r1", "--json")).jobs).toEqual([expect.objectContaining({ job_id: again.job_id, request_id: "m1" })]);
    expect(json(cli(dir, "cassette", "runs", "--json")).runs).toEqual([expect.objectContaining({ run_id: "r1", receipts: 1, committed: 1 })]);

    const verify = cli(dir, "cassette", "verify", "--run-id", "r1");
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/^PASS: all invariants verified \(.*receipt_chain: 1 receipt\(s\) in 1 job\(s\) rehashed and linked/);
    expect(json(cli(dir, "cassette", "verify", "--json"))).toMatchObject({ ok: true, issues: [] });
  });

  test("requeue returns an expired lease; the old token is then stale", async () => {
    const dir = workspace();
    const { stepId } = postAndClaim(dir);
    expect(json(cli(dir, "cassette", "requeue", "--json")).step_ids).toEqual([]);
    // A 1-second lease for a second step, then wait it out.
    cli(dir, "cassette", "post", "--json", "message.json", "--run-id", "r1", "--source", "SYSTEM");
    const short = json(cli(dir, "cassette", "claim", "--run-id", "r1", "--worker", "w2", "--ttl", "1", "--json")).step;
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const failed = cli(dir, "cassette", "verify");
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe(`FAIL: 1 issue(s)\n  [leases] step ${short.step_id} has an expired lease held by w2 (run 'catalytic cassette requeue')\n`);
    const requeued = cli(dir, "cassette", "requeue", "--run-id", "r1");
    expect(requeued.stdout).toBe(`requeued 1 step(s)\n  ${short.step_id}\n`);
    const late = cli(dir, "cassette", "complete", "--run-id", "r1", "--step", short.step_id, "--worker", "w2", "--token", "1", "--receipt", "receipt.json", "--outcome", "SUCCESS");
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(/^error CAT_STALE_TOKEN: fencing token 1 is stale/);
    expect(cli(dir, "cassette", "verify").code).toBe(0);
    expect(stepId).not.toBe(short.step_id);
  });

  describe("bad input: typed error, exit 1, nothing written", () => {
    test("commands that read the ledger do not create it", () => {
      const dir = workspace();
      for (const args of [["verify"], ["claim", "--run-id", "r", "--worker", "w"], ["requeue"], ["status", "--run-id", "r"], ["runs"]]) {
        const run = cli(dir, "cassette", ...args, "--json");
        expect(run.code, args.join(" ")).toBe(1);
        expect(json(run).error.code).toBe("CAT_FILE_NOT_FOUND");
      }
      expect(existsSync(path.join(dir, ".catalytic"))).toBe(false);
    });

    test.each([
      ["malformed JSON", ["--json", "broken.json", "--run-id", "r", "--source", "USER"], "CAT_JSON_MALFORMED"],
      ["missing file", ["--json", "nope.json", "--run-id", "r", "--source", "USER"], "CAT_FILE_NOT_FOUND"],
      ["bad source", ["--json", "message.json", "--run-id", "r", "--source", "ROBOT"], "CAT_SCHEMA_INVALID"],
      ["no file", ["--run-id", "r", "--source", "USER"], "CAT_SCHEMA_INVALID"],
    ])("post with %s", (_label, args, code) => {
      const dir = workspace();
      const run = cli(dir, "cassette", "post", ...args, "--json");
      expect(run.code).toBe(1);
      expect(json(run)).toMatchObject({ ok: false, error: { code, hint: expect.any(String) } });
      expect(existsSync(path.join(dir, ".catalytic"))).toBe(false);
    });

    test("post with an idempotency key reused for another payload", () => {
      const dir = workspace();
      postAndClaim(dir);
      writeFileSync(path.join(dir, "other.json"), "[1]");
      const run = cli(dir, "cassette", "post", "--file", "other.json", "--run-id", "r1", "--source", "USER", "--idempotency-key", "m1");
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^error CAT_IDEMPOTENCY_CONFLICT: /);
      expect(json(cli(dir, "cassette", "runs", "--json")).runs[0].messages).toBe(1);
    });

    test.each([
      ["unknown step", { step: "step_nope" }, "CAT_STEP_NOT_FOUND"],
      ["wrong run", { "run-id": "r2" }, "CAT_STEP_NOT_FOUND"],
      ["wrong worker", { worker: "w9" }, "CAT_LEASE_NOT_HELD"],
      ["stale token", { token: "2" }, "CAT_STALE_TOKEN"],
      ["non-numeric token", { token: "one" }, "CAT_SCHEMA_INVALID"],
      ["illegal outcome", { outcome: "MAYBE" }, "CAT_OUTCOME_INVALID"],
      ["malformed receipt", { receipt: "broken.json" }, "CAT_JSON_MALFORMED"],
      ["missing receipt file", { receipt: "nope.json" }, "CAT_FILE_NOT_FOUND"],
    ])("complete with %s", (_label, change, code) => {
      const dir = workspace();
      const { stepId, jobId } = postAndClaim(dir);
      const options: Record<string, string> = { "run-id": "r1", step: stepId, worker: "w1", token: "1", receipt: "receipt.json", outcome: "SUCCESS", ...change };
      const run = cli(dir, "cassette", "complete", ...Object.entries(options).flatMap(([name, value]) => [`--${name}`, value]), "--json");
      expect(run.code).toBe(1);
      expect(json(run)).toMatchObject({ ok: false, error: { code } });
      expect(json(cli(dir, "cassette", "receipts", "--job-id", jobId, "--json")).receipts).toEqual([]);
      expect(json(cli(dir, "cassette", "status", "--run-id", "r1", "--json")).jobs[0]).toMatchObject({ leased: 1, committed: 0 });
    });

    test("complete after the lease expired", async () => {
      const dir = workspace();
      cli(dir, "cassette", "post", "--json", "message.json", "--run-id", "r1", "--source", "USER");
      const step = json(cli(dir, "cassette", "claim", "--run-id", "r1", "--worker", "w1", "--ttl", "1", "--json")).step;
      await new Promise((resolve) => setTimeout(resolve, 1200));
      const run = cli(dir, "cassette", "complete", "--run-id", "r1", "--step", step.step_id, "--worker", "w1", "--token", "1", "--receipt", "receipt.json", "--outcome", "SUCCESS");
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^error CAT_LEASE_EXPIRED: the lease of w1 on step \S+ expired at /);
    });

    test("unknown job, unknown receipt, nothing to claim", () => {
      const dir = workspace();
      const { jobId } = postAndClaim(dir);
      const cases: Array<[string[], string]> = [
        [["receipts", "--job-id", "job_nope"], "CAT_JOB_NOT_FOUND"],
        [["status", "--run-id", "r1", "--job-id", "job_nope"], "CAT_JOB_NOT_FOUND"],
        [["show", "--receipt", "rcpt_nope"], "CAT_RECEIPT_NOT_FOUND"],
        [["claim", "--run-id", "r1", "--worker", "w2"], "CAT_NO_PENDING_STEP"],
      ];
      for (const [args, code] of cases) {
        const run = cli(dir, "cassette", ...args);
        expect(run.code, args.join(" ")).toBe(1);
        expect(run.stderr, args.join(" ")).toMatch(new RegExp(`^error ${code}: .+ \\(.+\\)\\n$`));
      }
      expect(json(cli(dir, "cassette", "status", "--run-id", "r1", "--job-id", jobId, "--json")).jobs[0]).toMatchObject({ leased: 1 });
    });

    test("missing required flags and bad --ttl are usage errors (exit 2)", () => {
      const dir = workspace();
      expect(cli(dir, "cassette", "claim", "--worker", "w").code).toBe(2);
      expect(cli(dir, "cassette", "claim", "--run-id", "r", "--worker", "w", "--ttl", "0").code).toBe(2);
      expect(cli(dir, "cassette", "complete", "--run-id", "r").code).toBe(2);
      expect(existsSync(path.join(dir, ".catalytic"))).toBe(false);
    });
  });
});
