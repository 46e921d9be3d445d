// Smaller holes of docs/security.md: ids and free text on terminals, worker caps, config ranges, request files that
// are not requests, and restore's refusal to overwrite what the run did not write. Built CLI, real processes.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCatalytic, tempDir } from "./helpers.js";

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

function workspace(config: Record<string, unknown> = {}): string {
  const root = tempDir("cat-sec-input-");
  mkdirSync(path.join(root, ".git"));
  writeFileSync(path.join(root, "README.md"), "# Readme\n");
  writeFileSync(path.join(root, "catalytic.json"), JSON.stringify(config));
  return root;
}

function plan(root: string, request: Record<string, unknown>, extra: string[] = []) {
  const file = path.join(root, "request.json");
  writeFileSync(file, JSON.stringify({ intent: "security", ...request }));
  return runCatalytic(["--root", root, "plan", "--request-file", file, ...extra]);
}

describe("ids and free text on a terminal", () => {
  it.each([["run_id"], ["request_id"]])("a %s with ESC, BEL, newline or NUL is refused with a typed error; nothing raw reaches the terminal", (field) => {
    const root = workspace();
    for (const bad of ["r\u001b[2K\rPASS", "r\u0007", "r\nPASS: verified", "r\u0000"]) {
      const result = plan(root, { run_id: "r", request_id: "q", [field]: bad });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^error CAT_SCHEMA_INVALID: .*\$\.(run_id|request_id): an id is/);
      expect(result.stderr.trimEnd()).not.toMatch(CONTROL);
      expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    }
  });

  it("id flags use the same grammar (CAT_ID_INVALID), escaped in the message", () => {
    const root = workspace();
    for (const args of [["restore", "--run-id", "x\u001b[31m"], ["execute", "--run-id", "r\nPASS", "--job-id", "j"], ["plan", "verify", "--run-id", "r", "--request-id", "q\u0007"]]) {
      const result = runCatalytic(["--root", root, ...args]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^error CAT_ID_INVALID: /);
      expect(result.stderr.trimEnd()).not.toMatch(CONTROL);
    }
  });

  it("an intent with control characters is posted, and printed escaped by plan and cassette jobs/status", () => {
    const root = workspace();
    const intent = "fix\u001b[2K\rPASS: all verified\u0007\nforged line";
    const posted = plan(root, { run_id: "r", request_id: "q", intent, inputs: { files: ["README.md"] } });
    expect(posted.code, posted.stderr).toBe(0);
    expect(posted.stdout).not.toMatch(CONTROL);
    expect(posted.stdout).toContain("fix\\u001b[2K\\u000dPASS: all verified\\u0007\\u000aforged line");
    const jobs = runCatalytic(["--root", root, "cassette", "jobs", "--run-id", "r"]);
    expect(jobs.code, jobs.stderr).toBe(0);
    expect(jobs.stdout).not.toMatch(CONTROL);
    expect(jobs.stdout.trimEnd().split("\n")).toHaveLength(1);
    // --json keeps the exact text (JSON escapes it).
    const json = JSON.parse(runCatalytic(["--root", root, "cassette", "jobs", "--run-id", "r", "--json"]).stdout);
    expect(json.jobs[0].intent).toBe(intent);
  });
});

describe("limits", () => {
  it("execute --workers and ants spawn -n above 64, --ttl above the longest lease, are usage errors; nothing starts", () => {
    const root = workspace();
    const posted = plan(root, { run_id: "r", request_id: "q", inputs: { files: ["README.md"] } }, ["--json"]);
    const jobId = JSON.parse(posted.stdout).posted.job_id as string;
    for (const args of [["execute", "--run-id", "r", "--job-id", jobId, "--workers", "100000"], ["ants", "spawn", "--run-id", "r", "--job-id", jobId, "-n", "65"]]) {
      const started = Date.now();
      const result = runCatalytic(["--root", root, ...args, "--json"]);
      expect(result.code).toBe(2);
      expect(JSON.parse(result.stdout).error).toMatchObject({ code: "CAT_USAGE", details: { max: 64 } });
      expect(Date.now() - started).toBeLessThan(60_000);
    }
    const ttl = runCatalytic(["--root", root, "ants", "spawn", "--run-id", "r", "--job-id", jobId, "--ttl", "604801", "--json"]);
    expect(ttl.code).toBe(2);
    expect(JSON.parse(ttl.stdout).error.code).toBe("CAT_USAGE");
    const status = JSON.parse(runCatalytic(["--root", root, "ants", "status", "--run-id", "r", "--job-id", jobId, "--json"]).stdout);
    expect(status).toMatchObject({ manifest: null, status: { pending: 1, committed: 0 } });
  });

  it("config check reports timeout_seconds above the timer's range and lease_ttl_seconds above the ants' limit", () => {
    const root = workspace({ tests: { t: { command: "node", timeout_seconds: 3_000_000 } }, lease_ttl_seconds: 10_000_000 });
    const result = runCatalytic(["--root", root, "config", "check", "--json"]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).problems.map((p: { path: string }) => p.path).sort()).toEqual(["$.lease_ttl_seconds", "$.tests.t.timeout_seconds"]);
  });
});

describe("plan --request-file on something that is not a request", () => {
  it("a non-JSON file: CAT_JSON_MALFORMED, and not one byte of the file in the message", () => {
    const root = workspace();
    const secret = path.join(root, "secrets.env");
    writeFileSync(secret, "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI\n\u001b[2KPASS\n");
    const result = runCatalytic(["--root", root, "plan", "--request-file", secret, "--json"]);
    expect(result.code).toBe(1);
    const error = JSON.parse(result.stdout).error;
    expect(error.code).toBe("CAT_JSON_MALFORMED");
    expect(JSON.stringify(error)).not.toMatch(/AWS|wJalr|PASS/);
    const human = runCatalytic(["--root", root, "plan", "--request-file", secret]);
    expect(human.stderr).not.toMatch(/AWS|wJalr|PASS/);
  });

  it("an unreadable file (a folder here): CAT_FILE_UNREADABLE, quoting nothing", () => {
    const root = workspace();
    mkdirSync(path.join(root, "folder.json"));
    const result = runCatalytic(["--root", root, "plan", "--request-file", path.join(root, "folder.json"), "--json"]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).error.code).toBe("CAT_FILE_UNREADABLE");
  });
});

describe("restore never overwrites what the run did not write", () => {
  it("a user edit between two jobs of one run: CAT_RESTORE_CONFLICT naming the file, exit 1, nothing changed; --force restores", () => {
    const root = workspace();
    const one = JSON.parse(plan(root, { run_id: "run", request_id: "one", ops: [{ op: "WRITE_FILE", file_path: "notes.md", content: "job one\n" }] }, ["--json"]).stdout);
    expect(runCatalytic(["--root", root, "execute", "--run-id", "run", "--job-id", one.posted.job_id]).code).toBe(0);
    writeFileSync(path.join(root, "notes.md"), "the user's own work\n");
    const two = JSON.parse(plan(root, { run_id: "run", request_id: "two", ops: [{ op: "WRITE_FILE", file_path: "notes.md", content: "job two\n" }] }, ["--json"]).stdout);
    expect(runCatalytic(["--root", root, "execute", "--run-id", "run", "--job-id", two.posted.job_id]).code).toBe(0);

    const refused = runCatalytic(["--root", root, "restore", "--run-id", "run"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error CAT_RESTORE_CONFLICT: .*notes\.md/);
    expect(refused.stderr).toContain("--force");
    expect(readFileSync(path.join(root, "notes.md"), "utf8")).toBe("job two\n");

    const forced = runCatalytic(["--root", root, "restore", "--run-id", "run", "--force"]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain("forced: notes.md");
    expect(readFileSync(path.join(root, "README.md"), "utf8")).toBe("# Readme\n");
    expect(() => readFileSync(path.join(root, "notes.md"))).toThrow();
  });
});
