import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runWorker } from "../src/index.js";
import { makeWorkspace, postRawSteps, receiptsOf, type RawStep } from "./helpers.js";

const FORGED = { command: "sh", args: ["-c", "touch ../outside/pwned"], cwd: "." };

/** Every file under `dir` with its content, so "untouched" is checked byte for byte. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const file = path.join(entry.parentPath, entry.name);
      out[path.relative(dir, file)] = readFileSync(file, "base64");
    }
  }
  return out;
}

describe("safety: hostile steps posted past the planner each get a FAILURE receipt, nothing is written outside", () => {
  it.each<[string, RawStep, string]>([
    ["../../etc/passwd write", { op: "WRITE_FILE", refs: { file_path: "../../etc/passwd", content: "x" } }, "CAT_PATH_OUTSIDE_WORKSPACE"],
    ["../outside write", { op: "WRITE_FILE", refs: { file_path: "../outside/secret.txt", content: "x" } }, "CAT_PATH_OUTSIDE_WORKSPACE"],
    ["absolute write", { op: "WRITE_FILE", refs: { file_path: "/tmp/catalytic-absolute.txt", content: "x" } }, "CAT_PATH_OUTSIDE_WORKSPACE"],
    ["dot-dot read", { op: "READ_FILE", refs: { file_path: "../../etc/passwd" } }, "CAT_PATH_OUTSIDE_WORKSPACE"],
    ["absolute read", { op: "READ_FILE", refs: { file_path: "/etc/passwd" } }, "CAT_PATH_OUTSIDE_WORKSPACE"],
    ["write through a symlinked folder", { op: "WRITE_FILE", refs: { file_path: "escape/pwned.txt", content: "x" } }, "CAT_PATH_OUTSIDE_WORKSPACE"],
    ["write through a symlinked file", { op: "WRITE_FILE", refs: { file_path: "secret-link.txt", content: "x" } }, "CAT_PATH_OUTSIDE_WORKSPACE"],
    ["write over an inside symlink", { op: "WRITE_FILE", refs: { file_path: "readme-link.md", content: "x" } }, "CAT_PATH_IS_SYMLINK"],
    ["read through a symlink", { op: "READ_FILE", refs: { file_path: "secret-link.txt" } }, "CAT_PATH_OUTSIDE_WORKSPACE"],
    ["unconfigured test", { op: "RUN_TEST", refs: { test_name: "rm -rf /", test_command: FORGED } }, "CAT_TEST_NOT_CONFIGURED"],
    ["test name with shell metacharacters", { op: "RUN_TEST", refs: { test_name: "unit; touch ../outside/pwned", test_command: FORGED } }, "CAT_TEST_NOT_CONFIGURED"],
    ["prototype key as test name", { op: "RUN_TEST", refs: { test_name: "constructor", test_command: FORGED } }, "CAT_TEST_NOT_CONFIGURED"],
    ["configured test name with a forged command", { op: "RUN_TEST", refs: { test_name: "unit", test_command: FORGED } }, "CAT_TEST_CHANGED"],
    ["RUN_TEST without its recorded command", { op: "RUN_TEST", refs: { test_name: "no-such-test" } }, "CAT_PLAN_INVALID"],
    ["write into .catalytic/", { op: "WRITE_FILE", refs: { file_path: ".catalytic/cassette.db", content: "x" } }, "CAT_PATH_PROTECTED"],
    ["write into the CAS", { op: "WRITE_FILE", refs: { file_path: ".catalytic/cas/00/00/0000", content: "x" } }, "CAT_PATH_PROTECTED"],
    ["write .git/config", { op: "WRITE_FILE", refs: { file_path: ".git/config", content: "[core]\n\tfsmonitor = touch ../outside/pwned\n" } }, "CAT_PATH_PROTECTED"],
    ["write .GIT/config", { op: "WRITE_FILE", refs: { file_path: ".GIT/config", content: "x" } }, "CAT_PATH_PROTECTED"],
    ["write a/../.git/config", { op: "WRITE_FILE", refs: { file_path: "a/../.git/config", content: "x" } }, "CAT_PATH_PROTECTED"],
    ["write ./.git/hooks/pre-commit", { op: "WRITE_FILE", refs: { file_path: "./.git/hooks/pre-commit", content: "x" } }, "CAT_PATH_PROTECTED"],
    ["write catalytic.json", { op: "WRITE_FILE", refs: { file_path: "catalytic.json", content: "{}" } }, "CAT_PATH_PROTECTED"],
    ["patch catalytic.symbols.json", { op: "PATCH_FILE", refs: { file_path: "catalytic.symbols.json", file_hash: "0".repeat(64), patch_start_line: 1, patch_end_line: 1, content: "{}" } }, "CAT_PATH_PROTECTED"],
    ["write .vscode/settings.json", { op: "WRITE_FILE", refs: { file_path: ".vscode/settings.json", content: "{}" } }, "CAT_PATH_PROTECTED"],
    ["write .envrc", { op: "WRITE_FILE", refs: { file_path: ".envrc", content: "touch ../outside/pwned" } }, "CAT_PATH_PROTECTED"],
    ["write through an inside symlinked folder", { op: "WRITE_FILE", refs: { file_path: "git-link/config", content: "x" } }, "CAT_PATH_IS_SYMLINK"],
  ])("%s", async (_name, step, code) => {
    const { root, outside } = makeWorkspace();
    symlinkSync(outside, path.join(root, "escape"));
    symlinkSync(path.join(outside, "secret.txt"), path.join(root, "secret-link.txt"));
    symlinkSync("README.md", path.join(root, "readme-link.md"));
    mkdirSync(path.join(root, ".git"));
    writeFileSync(path.join(root, ".git", "config"), "[core]\n");
    symlinkSync(".git", path.join(root, "git-link"));
    const protectedBefore = snapshot(path.join(root, ".git"));
    const configBefore = readFileSync(path.join(root, "catalytic.json"), "utf8");
    const before = snapshot(outside);
    const readme = readFileSync(path.join(root, "README.md"), "utf8");
    const { jobId } = postRawSteps(root, "r", "q", [step]);
    const result = await runWorker({ root, runId: "r", jobId, workerId: "ant-safety", idlePolls: 1, pollIntervalMs: 10 });
    expect(result.exitCode).toBe(1);
    const receipts = receiptsOf(root, jobId);
    expect(receipts).toHaveLength(1);
    expect(receipts[0]!.status).toBe("FAILURE");
    expect(receipts[0]!.error!.code).toBe(code);
    expect(receipts[0]!.actions.filter((a) => a.status === "SUCCESS")).toEqual([]);
    expect(snapshot(outside)).toEqual(before);
    expect(existsSync("/tmp/catalytic-absolute.txt")).toBe(false);
    expect(readFileSync(path.join(root, "README.md"), "utf8")).toBe(readme);
    expect(snapshot(path.join(root, ".git"))).toEqual(protectedBefore);
    expect(readFileSync(path.join(root, "catalytic.json"), "utf8")).toBe(configBefore);
    for (const never of [".envrc", ".vscode", ".GIT", "pwned"]) expect(readdirSync(root)).not.toContain(never);
  });

  it("shell metacharacters in a configured test's arguments are literal bytes: nothing runs, nothing is written", async () => {
    const { root, outside } = makeWorkspace();
    const before = snapshot(outside);
    const { jobId } = postRawSteps(root, "r", "q", [{ op: "RUN_TEST", refs: { test_name: "argv" } }]);
    await runWorker({ root, runId: "r", jobId, workerId: "ant-safety", idlePolls: 1, pollIntervalMs: 10 });
    const [receipt] = receiptsOf(root, jobId);
    expect(receipt!.status).toBe("FAILURE");
    expect(receipt!.error!.code).toBe("CAT_TEST_FAILED");
    expect(JSON.parse(receipt!.outputs.output_tail as string)).toEqual(["; touch ../outside/pwned", "$(touch ../outside/pwned2)", "`id`", "a && b | c > ../outside/redirect"]);
    expect(snapshot(outside)).toEqual(before);
  });

  it("a step whose payload is not a valid plan step fails with CAT_PLAN_INVALID", async () => {
    const { root } = makeWorkspace();
    const { jobId } = postRawSteps(root, "r", "q", [{ op: "WRITE_FILE", refs: { file_path: "a.md" } }]);
    await runWorker({ root, runId: "r", jobId, workerId: "ant-safety", idlePolls: 1, pollIntervalMs: 10 });
    expect(receiptsOf(root, jobId)[0]!.error!.code).toBe("CAT_PLAN_INVALID");
    expect(existsSync(path.join(root, "a.md"))).toBe(false);
  });
});
