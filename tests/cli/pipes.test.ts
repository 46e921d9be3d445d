// The CLI as the last-but-one stage of a pipe: a reader that stops early (`| head -1`) closes stdout, and
// every command then ends quietly with its own exit code, its work done, no EPIPE stack trace.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { CLI, runCatalytic, tempDir } from "./helpers.js";

let root: string;
let sectionId: string;

beforeAll(() => {
  root = tempDir("cat-pipes-");
  mkdirSync(path.join(root, "docs"), { recursive: true });
  writeFileSync(path.join(root, "catalytic.json"), JSON.stringify({ sources: [{ path: "docs", namespace: "CANON" }] }));
  // Enough symbols and hits that the output is far larger than a pipe buffer (64 KiB).
  for (let i = 0; i < 1500; i++) writeFileSync(path.join(root, "docs", `topic-${i}.md`), `# Topic ${i}\n\nThe widget paragraph ${i}.\n`);
  writeFileSync(path.join(root, "docs", "big.md"), `# Big\n\n${"a line of the big file\n".repeat(20_000)}`);
  writeFileSync(
    path.join(root, "request.json"),
    JSON.stringify({ run_id: "run-pipe", request_id: "req-1", intent: "write", ops: [{ op: "WRITE_FILE", file_path: "out/note.md", content: "hello\n" }] }),
  );
  expect(runCatalytic(["--root", root, "build"]).code).toBe(0);
  const extracted = JSON.parse(runCatalytic(["--root", root, "extract", path.join(root, "docs/big.md"), "--json"]).stdout);
  sectionId = extracted.sections[0].section_id;
  const planned = JSON.parse(runCatalytic(["--root", root, "plan", "--request-file", path.join(root, "request.json"), "--json"]).stdout);
  expect(runCatalytic(["--root", root, "execute", "--run-id", "run-pipe", "--job-id", planned.posted.job_id]).code).toBe(0);
  expect(existsSync(path.join(root, "out/note.md"))).toBe(true);
});

/** Runs the CLI with a stdout whose reader is gone before the command writes anything. */
function withClosedStdout(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, "--root", root, ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe("a closed stdout", () => {
  test.each([
    ["search", ["search", "widget", "-k", "1000"]],
    ["search --json", ["search", "widget", "-k", "1000", "--json"]],
    ["symbols list", ["symbols", "list"]],
    ["resolve", ["resolve", "@CANON/big", "--slice", "chars[0:400000]"]],
    ["get", ["get", "SECTION"]],
    ["extract", ["extract", "docs/big.md"]],
    ["export", ["export", "--jsonl", "exported"]],
    ["build", ["build"]],
    ["verify", ["verify"]],
    ["config check", ["config", "check"]],
    ["symbols verify", ["symbols", "verify"]],
    ["restore", ["restore", "--run-id", "run-pipe"]],
    ["cassette runs", ["cassette", "runs"]],
    ["help", ["--help"]],
  ])("%s ends quietly with exit 0", async (_name, args) => {
    const result = await withClosedStdout(args.map((a) => (a === "SECTION" ? sectionId : a)));
    expect(result.stderr).not.toMatch(/EPIPE|Error:|at .*\.cjs/);
    expect(result.signal).toBeNull();
    expect(result.code).toBe(0);
  });

  test("restore still did its work when nobody read its output (the file the run created is gone)", () => {
    expect(existsSync(path.join(root, "out/note.md"))).toBe(false);
  });

  test.each([
    ["search", `search widget -k 1000`],
    ["symbols list", `symbols list`],
    ["resolve", `resolve @CANON/big --slice 'chars[0:400000]'`],
  ])("%s | head -1 prints one line and exits 0", (_name, command) => {
    const script = `"${process.execPath}" "${CLI}" --root "${root}" ${command} | head -1; echo "status \${PIPESTATUS[0]}" >&2`;
    const result = spawnSync("bash", ["-c", script], { encoding: "utf8" });
    expect(result.stdout.split("\n").filter(Boolean)).toHaveLength(1);
    expect(result.stderr).not.toMatch(/EPIPE|Error:/);
    expect(result.stderr).toMatch(/status 0\n$/);
  });
});
