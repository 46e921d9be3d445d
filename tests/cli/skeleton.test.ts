import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { runCli } from "../../apps/cli/src/cli.js";
import type { Command } from "../../apps/cli/src/command.js";
import { runCatalytic, tempDir } from "./helpers.js";

describe("catalytic CLI skeleton", () => {
  it("--help lists commands and exits 0", () => {
    const result = runCatalytic(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Usage: catalytic <command>");
    expect(result.stdout).toContain("config check");
  });

  it("--version prints the package version", () => {
    const result = runCatalytic(["--version"]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(JSON.parse(runCatalytic(["--version", "--json"]).stdout)).toEqual({ version: result.stdout.trim() });
  });

  it("unknown command and unknown flag are usage errors (exit 2) with a typed line", () => {
    const unknown = runCatalytic(["frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error CAT_UNKNOWN_COMMAND: unknown command 'frobnicate' \(/);
    const flag = runCatalytic(["config", "check", "--bogus"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/^error CAT_UNKNOWN_FLAG: /);
    const json = runCatalytic(["frobnicate", "--json"]);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, error: { code: "CAT_UNKNOWN_COMMAND" } });
  });

  it("config check: valid config exits 0", () => {
    const root = tempDir();
    mkdirSync(path.join(root, "docs"));
    writeFileSync(path.join(root, "catalytic.json"), JSON.stringify({ sources: [{ path: "docs", namespace: "CANON" }] }));
    const result = runCatalytic(["config", "check", "--root", root]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("OK:");
  });

  it("config check: a broken config prints each problem with its JSON path and exits 1", () => {
    const root = tempDir();
    writeFileSync(
      path.join(root, "catalytic.json"),
      JSON.stringify({ sources: [{ path: "docs", namespace: "canon" }], default_slice: 12, budgets: { plan: { max_steps: 0 } } }),
    );
    const result = runCatalytic(["config", "check"], { cwd: root });
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split("\n");
    expect(lines).toContain("$.sources[0].namespace: a namespace is upper case: [A-Z][A-Z0-9_]*");
    expect(lines.some((l) => l.startsWith("$.default_slice: "))).toBe(true);
    expect(lines.some((l) => l.startsWith("$.budgets.plan.max_steps: "))).toBe(true);
    expect(result.stderr).toContain("error CAT_CONFIG_INVALID");
    const json = JSON.parse(runCatalytic(["config", "check", "--json", "--root", root]).stdout);
    expect(json.ok).toBe(false);
    expect(json.problems.map((p: { path: string }) => p.path)).toEqual(
      expect.arrayContaining(["$.sources[0].namespace", "$.default_slice", "$.budgets.plan.max_steps"]),
    );
  });

  it("config check: malformed JSON is a problem at $, exit 1, no crash", () => {
    const root = tempDir();
    writeFileSync(path.join(root, "catalytic.json"), '{"sources": [}');
    const result = runCatalytic(["config", "check", "--root", root]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^\$: .*is not valid JSON/);
  });
});

describe("dispatcher: a command that takes `--json <value>`", () => {
  // A command declaring jsonValueOption, run through the real dispatcher in-process.
  const echo: Command = {
    name: "echo file",
    summary: "test command",
    jsonValueOption: "file",
    options: { file: { type: "string", description: "a file" }, tag: { type: "string", description: "a tag" } },
    run(ctx, args) {
      ctx.emitJson({ file: args.options.file ?? null, tag: args.options.tag ?? null });
      ctx.print(`file=${String(args.options.file)}`);
    },
  };
  const plain: Command = { name: "plain", summary: "no --json value", run: (ctx) => ctx.emitJson({ plain: true }) };

  async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const sink = (append: (text: string) => void) => new Writable({ write: (chunk, _enc, done) => (append(String(chunk)), done()) });
    const code = await runCli(argv, [echo, plain], {
      stdout: sink((t) => (stdout += t)),
      stderr: sink((t) => (stderr += t)),
      cwd: tempDir(),
      interactive: false,
    });
    return { code, stdout, stderr };
  }

  it("`--json FILE` and `--json=FILE` fill the declared option and select JSON output, wherever they stand", async () => {
    for (const argv of [
      ["echo", "file", "--json", "m.json", "--tag", "t"],
      ["echo", "file", "--tag", "t", "--json", "m.json"],
      ["echo", "file", "--json=m.json", "--tag", "t"],
    ]) {
      const result = await run(argv);
      expect(result.code, `${argv.join(" ")}: ${result.stdout}${result.stderr}`).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual({ file: "m.json", tag: "t" });
    }
  });

  it("a bare `--json` (last, or before a flag) stays the output flag; --file works with human output", async () => {
    expect(JSON.parse((await run(["echo", "file", "--file", "m.json", "--json"])).stdout)).toEqual({ file: "m.json", tag: null });
    expect(JSON.parse((await run(["echo", "file", "--json", "--tag", "t"])).stdout)).toEqual({ file: null, tag: "t" });
    // Before the command words, --json never takes the next word as its value.
    expect(JSON.parse((await run(["--json", "echo", "file", "--file", "m.json"])).stdout)).toEqual({ file: "m.json", tag: null });
    expect((await run(["echo", "file", "--file", "m.json"])).stdout).toBe("file=m.json\n");
  });

  it("commands that do not declare it keep --json as a plain flag: `--json VALUE` is an unexpected argument", async () => {
    expect(JSON.parse((await run(["plain", "--json"])).stdout)).toEqual({ plain: true });
    const result = await run(["plain", "--json", "oops"]);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, error: { code: "CAT_USAGE" } });
  });

  it("cassette post --json FILE and --json=FILE post the file (built CLI)", () => {
    const root = tempDir();
    writeFileSync(path.join(root, "m.json"), JSON.stringify({ intent: "hello" }));
    const spaced = runCatalytic(["--root", root, "cassette", "post", "--run-id", "r", "--source", "USER", "--json", "m.json", "--idempotency-key", "k"], { cwd: root });
    expect(spaced.code, spaced.stderr).toBe(0);
    const posted = JSON.parse(spaced.stdout);
    expect(posted).toMatchObject({ ok: true, created: true });
    const equals = runCatalytic(["--root", root, "cassette", "post", "--json=m.json", "--run-id", "r", "--source", "USER", "--idempotency-key", "k"], { cwd: root });
    expect(equals.code, equals.stderr).toBe(0);
    expect(JSON.parse(equals.stdout)).toMatchObject({ ok: true, created: false, message_id: posted.message_id });
  });
});
