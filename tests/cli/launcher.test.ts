// The `catalytic` launcher (apps/cli/scripts/launcher.cjs): the bundle and the tokenizer tables run from V8 code caches
// made at build time, and a cache that is missing or unusable changes nothing but the start-up time.
import { spawnSync } from "node:child_process";
import { cpSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { CLI, REPO_ROOT, copyToTemp, tempDir } from "./helpers.js";

const DIST = path.dirname(CLI);
const DEMO = path.join(REPO_ROOT, "docs", "demo");
const dirs: string[] = [];

afterEach(() => {
  while (dirs.length > 0) rmSync(dirs.pop()!, { recursive: true, force: true });
});

function node(args: string[], env: NodeJS.ProcessEnv = {}): { code: number; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, args, { encoding: "utf8", env: { ...process.env, ...env } });
  return { code: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}

/** A counted bundle of the demo: its JSON carries token counts, so the tokenizer tables are loaded. */
function demoBundle(cli: string, env: NodeJS.ProcessEnv = {}): string {
  const root = copyToTemp(DEMO, "cli-launcher-");
  dirs.push(root);
  rmSync(path.join(root, ".catalytic"), { recursive: true, force: true });
  expect(node([cli, "--root", root, "build"], env).code).toBe(0);
  const run = node([cli, "--root", root, "bundle", "symbol @GUIDE/resolving", "--budget-tokens", "500", "--json"], env);
  expect(run.code, run.stderr).toBe(0);
  expect(JSON.parse(run.stdout).bundle.tokens_total).toBeGreaterThan(0);
  return run.stdout;
}

describe("catalytic launcher", () => {
  test("the build made a code cache for the bundle and for the tokenizer tables, and this Node accepts both", () => {
    expect(readdirSync(DIST).filter((name) => name.endsWith(".v8cache")).sort()).toEqual(["catalytic-main.v8cache", "o200k_base.v8cache"]);
    // Asked in a process of its own: V8 rejects a cache made under other flags, and the test runner may add some.
    const check = node([
      "-e",
      `const l = require(${JSON.stringify(CLI)}); console.log(JSON.stringify([l.MAIN, l.TOKENIZER].map((f) => l.compile(f).cachedDataRejected)))`,
    ]);
    expect(check.code, check.stderr).toBe(0);
    expect(JSON.parse(check.stdout)).toEqual([false, false]);
  });

  test("with caches V8 rejects, or none, every command still runs and prints the same bytes", () => {
    const expected = demoBundle(CLI);
    for (const damage of ["corrupt", "missing"] as const) {
      const dist = tempDir("cli-dist-");
      dirs.push(dist);
      cpSync(DIST, dist, { recursive: true });
      for (const cache of ["catalytic-main.v8cache", "o200k_base.v8cache"]) {
        if (damage === "corrupt") writeFileSync(path.join(dist, cache), "not a code cache");
        else rmSync(path.join(dist, cache));
      }
      const cli = path.join(dist, "catalytic.cjs");
      // The copy is outside the workspace: better-sqlite3 is found through NODE_PATH.
      const env = { NODE_PATH: path.join(REPO_ROOT, "apps", "cli", "node_modules") };
      const check = node(["-e", `const l = require(${JSON.stringify(cli)}); console.log(l.compile(l.MAIN).cachedDataRejected)`], env);
      expect(check.stdout.trim()).toBe(damage === "corrupt" ? "true" : "undefined");
      expect(node([cli, "--version"], env).stdout).toBe(node([CLI, "--version"]).stdout);
      expect(demoBundle(cli, env)).toBe(expected);
    }
  });
});
