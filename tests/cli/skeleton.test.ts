import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
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
