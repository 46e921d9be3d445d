// The CLI at the edges: numeric flags out of range, FIFOs, exact payload bytes, a mistyped --root, paths
// typed on the command line, config sources that can index nothing.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { CLI, runCatalytic, tempDir } from "./helpers.js";

const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");
const json = (result: { stdout: string }) => JSON.parse(result.stdout);

let root: string;

beforeAll(() => {
  root = tempDir("cat-edges-");
  mkdirSync(path.join(root, "docs"), { recursive: true });
  writeFileSync(path.join(root, "catalytic.json"), JSON.stringify({ sources: [{ path: "docs", namespace: "CANON" }] }));
  writeFileSync(path.join(root, "docs", "guide.md"), "# Guide\n\nNo final newline in this slice: widget");
  writeFileSync(path.join(root, "docs", "other.md"), "# Other\n\nwidget two\n");
  expect(runCatalytic(["--root", root, "build"]).code).toBe(0);
});

describe("numeric flags are bounded in the argument schema", () => {
  test.each([
    [["search", "widget", "-k", "9223372036854775807"], /-k must be an integer from 1 to 10000/],
    [["search", "widget", "-k", "0"], /-k must be an integer from 1 to 10000/],
    [["search", "widget", "--k=-3"], /-k must be an integer from 1 to 10000/],
    [["search", "widget", "-k", "1e3"], /-k must be an integer from 1 to 10000/],
    [["execute", "--run-id", "r", "--job-id", "j", "--workers", "100000"], /--workers must be an integer from 1 to 64/],
    [["ants", "spawn", "--run-id", "r", "--job-id", "j", "-n", "0"], /--workers must be an integer from 1 to 64/],
    [["ants", "worker", "--run-id", "r", "--job-id", "j", "--worker-id", "w", "--ttl", "99999999999"], /--ttl must be an integer from 1 to 604800/],
    [["cassette", "claim", "--run-id", "r", "--worker", "w", "--ttl", "9223372036854775807"], /--ttl must be an integer from 1 to 604800/],
  ])("%j is a usage error (exit 2, CAT_USAGE)", (args, message) => {
    const result = runCatalytic(["--root", root, ...args]);
    expect(result.stderr).toMatch(/^error CAT_USAGE: /);
    expect(result.stderr).toMatch(message);
    expect(result.code).toBe(2);
  });

  test("the largest -k is accepted; --help shows the bounds", () => {
    expect(json(runCatalytic(["--root", root, "search", "widget", "-k", "10000", "--json"])).hits).toHaveLength(2);
    expect(runCatalytic(["search", "--help"]).stdout).toMatch(/-k, --k <n>\s+number of results \(1\.\.10000, default: 10\)/);
  });
});

describe("FIFOs and other non-regular files", () => {
  test("extract refuses a FIFO with a typed error instead of blocking; build lists it as skipped", () => {
    const ws = tempDir("cat-fifo-");
    mkdirSync(path.join(ws, "docs"));
    writeFileSync(path.join(ws, "docs", "a.md"), "# A\n");
    expect(spawnSync("mkfifo", [path.join(ws, "docs", "pipe.md")]).status).toBe(0);
    const extract = spawnSync(process.execPath, [CLI, "--root", ws, "extract", "docs/pipe.md"], { cwd: ws, encoding: "utf8", timeout: 20_000 });
    expect(extract.signal).toBeNull(); // the old code blocked in open() until killed
    expect(extract.stderr).toMatch(/^error CAT_FILE_UNREADABLE: docs\/pipe\.md is not a regular file \(a FIFO\)/);
    expect(extract.status).toBe(1);
    const build = runCatalytic(["--root", ws, "build", "--json"]);
    expect(build.code).toBe(0);
    expect(json(build)).toMatchObject({ files: 1, skipped: [{ path: "docs/pipe.md", reason: "not a regular file (a FIFO)" }] });
    expect(runCatalytic(["--root", ws, "build"]).stderr).toContain("skipped docs/pipe.md: not a regular file (a FIFO)");
  });
});

describe("resolve prints the payload's exact bytes", () => {
  test("stdout hashes to payloadHash, with no newline added (stdout is not a terminal)", () => {
    const reported = json(runCatalytic(["--root", root, "resolve", "@CANON/guide", "--run-id", "bytes", "--json"]));
    expect(reported.payload.endsWith("\n")).toBe(false);
    const raw = spawnSync(process.execPath, [CLI, "--root", root, "resolve", "@CANON/guide", "--run-id", "bytes"]);
    expect(raw.status).toBe(0);
    expect(raw.stdout.toString("utf8")).toBe(reported.payload);
    expect(sha256(raw.stdout)).toBe(reported.payload_hash);
  });
});

describe("--root and paths typed on the command line", () => {
  test("a --root that does not exist is an error, and nothing is created", () => {
    const missing = path.join(tempDir("cat-typo-"), "typo");
    const result = runCatalytic(["--root", missing, "build"]);
    expect(result.stderr).toMatch(/^error CAT_WORKSPACE_NOT_FOUND: --root .*typo does not exist/);
    expect(result.code).toBe(1);
    expect(existsSync(missing)).toBe(false);
    const file = path.join(root, "docs", "guide.md");
    expect(runCatalytic(["--root", file, "build", "--json"]).stdout).toContain('"code":"CAT_WORKSPACE_NOT_FOUND"');
  });

  test("--request-file is relative to the current folder, not to --root", () => {
    const elsewhere = tempDir("cat-cwd-");
    writeFileSync(
      path.join(elsewhere, "req.json"),
      JSON.stringify({ run_id: "run-cwd", request_id: "r1", intent: "read", inputs: { symbols: ["@CANON/guide"] } }),
    );
    const result = runCatalytic(["--root", root, "plan", "--request-file", "req.json", "--dry-run", "--json"], { cwd: elsewhere });
    expect(result.stderr).toBe("");
    expect(json(result)).toMatchObject({ ok: true, dry_run: true, plan: { run_id: "run-cwd" } });
  });
});

describe("config sources that can index nothing", () => {
  test("absolute and '..' paths fail config check and build; a missing folder fails config check and is listed by build", () => {
    const ws = tempDir("cat-sources-");
    mkdirSync(path.join(ws, "docs"));
    writeFileSync(path.join(ws, "docs", "a.md"), "# A\n");
    writeFileSync(path.join(ws, "catalytic.json"), JSON.stringify({ sources: [{ path: "docs" }, { path: "/etc" }, { path: "../outside" }] }));
    const check = runCatalytic(["--root", ws, "config", "check", "--json"]);
    expect(check.code).toBe(1);
    expect(json(check).problems).toEqual([
      { path: "$.sources[1].path", message: '"/etc" is absolute: give the folder relative to the workspace root' },
      { path: "$.sources[2].path", message: '"../outside" has a ".." segment: a source is a folder inside the workspace, written without ".."' },
    ]);
    const build = runCatalytic(["--root", ws, "build"]);
    expect(build.stderr).toMatch(/^error CAT_CONFIG_INVALID: /);
    expect(build.code).toBe(1);

    writeFileSync(path.join(ws, "catalytic.json"), JSON.stringify({ sources: [{ path: "docs" }, { path: "notes" }] }));
    const missing = runCatalytic(["--root", ws, "config", "check"]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('$.sources[1].path: "notes" does not exist under the workspace root: this source indexes nothing\n');
    const built = runCatalytic(["--root", ws, "build", "--json"]);
    expect(built.code).toBe(0);
    expect(json(built)).toMatchObject({ files: 1, skipped: [{ path: "$.sources[1].path", reason: '"notes" does not exist under the workspace root: this source indexes nothing' }] });
  });
});
