// Several CLI processes on one workspace at once: cold builds wait for each other instead of failing with
// CAT_DB_BUSY, and concurrent `symbols add` lose nothing (lock, re-read, write, rename).
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { CLI, REPO_ROOT, runCatalytic, tempDir } from "./helpers.js";

const BETTER_SQLITE3 = path.join(REPO_ROOT, "apps/cli/node_modules/better-sqlite3");

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(args: string[]): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function workspace(files: number): string {
  const root = tempDir("cat-concurrent-");
  mkdirSync(path.join(root, "docs"));
  for (let i = 0; i < files; i++) writeFileSync(path.join(root, "docs", `f${i}.md`), `# File ${i}\n\nText ${i}.\n\n## Part\n\nMore ${i}.\n`);
  return root;
}

describe("concurrent processes", () => {
  test("a build that finds a new index.db write-locked by another process (its first open) waits instead of CAT_DB_BUSY", async () => {
    // What the first of two cold builds does to the second: it holds the write lock of the fresh, not yet WAL
    // file. Switching to WAL then fails at once with SQLITE_BUSY (SQLite calls no busy handler there).
    const root = workspace(3);
    mkdirSync(path.join(root, ".catalytic"));
    const script = `const Database = require(${JSON.stringify(BETTER_SQLITE3)});
const db = new Database(${JSON.stringify(path.join(root, ".catalytic/index.db"))});
db.exec("BEGIN IMMEDIATE"); db.exec("CREATE TABLE hold(x)");
process.stdout.write("locked\\n");
setTimeout(() => { db.exec("ROLLBACK"); db.close(); }, 1000);`;
    const holder = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    const released = new Promise((resolve) => holder.once("close", resolve));
    await new Promise<void>((resolve) => holder.stdout.once("data", () => resolve()));
    const build = await start(["--root", root, "build", "--json"]);
    await released;
    expect(build.stdout).not.toContain("CAT_DB_BUSY");
    expect(build.code).toBe(0);
    expect(JSON.parse(build.stdout)).toMatchObject({ ok: true, files: 3 });
  });

  test("three cold builds at once all succeed with the same index hash, round after round", async () => {
    // The race (two processes switching a new index.db to WAL) hit about one pair in ten: many rounds make it show.
    const failures: string[] = [];
    for (let round = 0; round < 8; round++) {
      const root = workspace(20);
      const outcomes = await Promise.all([0, 1, 2].map(() => start(["--root", root, "build", "--json"])));
      for (const o of outcomes) if (o.code !== 0) failures.push(`round ${round}: exit ${o.code} ${o.stderr}${o.stdout}`);
      const hashes = new Set(outcomes.filter((o) => o.code === 0).map((o) => JSON.parse(o.stdout).index_hash as string));
      expect(hashes.size).toBeLessThanOrEqual(1);
    }
    expect(failures).toEqual([]);
  });

  test("eight concurrent `symbols add` all land in catalytic.symbols.json, round after round", async () => {
    const ids = Array.from({ length: 8 }, (_, i) => `@DOC/f${i}`);
    for (let round = 0; round < 3; round++) {
      const root = workspace(8);
      expect(runCatalytic(["--root", root, "build"]).code).toBe(0);
      const outcomes = await Promise.all(ids.map((id, i) => start(["--root", root, "symbols", "add", id, "--file", `docs/f${i}.md`])));
      expect(outcomes.map((o) => o.code)).toEqual(ids.map(() => 0));
      const registry = JSON.parse(readFileSync(path.join(root, "catalytic.symbols.json"), "utf8"));
      expect(Object.keys(registry.symbols)).toEqual(ids);
      const listed = JSON.parse(runCatalytic(["--root", root, "symbols", "list", "--json"]).stdout);
      expect(listed.symbols.map((s: { symbol_id: string }) => s.symbol_id)).toEqual(ids);
      expect(runCatalytic(["--root", root, "symbols", "verify"]).code).toBe(0);
    }
  });
});
