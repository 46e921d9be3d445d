import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, tempDir } from "./helpers.js";

const LINT = path.join(REPO_ROOT, "scripts", "lint-deps.mjs");

function fakePackage(name: string, files: Record<string, string>): string {
  const dir = tempDir("cat-lint-");
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name }));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, "src", file)), { recursive: true });
    writeFileSync(path.join(dir, "src", file), text);
  }
  return dir;
}

function lint(dir: string): { code: number; stderr: string; stdout: string } {
  const result = spawnSync(process.execPath, [LINT, dir], { encoding: "utf8" });
  return { code: result.status ?? -1, stderr: result.stderr, stdout: result.stdout };
}

describe("dependency-direction lint", () => {
  it("passes on the real tree", () => {
    const result = spawnSync(process.execPath, [LINT], { encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/10 package\(s\) respect the dependency direction/);
  });

  it("rejects core importing a later package and a package importing vscode", () => {
    const dir = fakePackage("@catalytic/core", {
      "a.ts": 'import { Index } from "@catalytic/indexer";\n',
      "deep/b.ts": 'import * as vscode from "vscode";\nconst x = require("vscode-languageserver/node");\n',
    });
    const result = lint(dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("imports '@catalytic/indexer', but @catalytic/core may only import no workspace package");
    expect(result.stderr).toContain("imports 'vscode', which only catalytic-vscode may import");
    expect(result.stderr).toContain("imports 'vscode-languageserver/node', which only @catalytic/language-server may import");
    expect(result.stderr).toContain("3 problem(s)");
  });

  it("rejects the extension reaching for the database packages", () => {
    const dir = fakePackage("catalytic-vscode", { "x.ts": 'import { Cassette } from "@catalytic/cassette";\nimport Database from "better-sqlite3";\n' });
    const result = lint(dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("imports '@catalytic/cassette', but catalytic-vscode may only import @catalytic/core");
    expect(result.stderr).toContain("imports 'better-sqlite3', which only @catalytic/indexer, @catalytic/cassette may import");
  });

  it("allows the planner to import indexer and cassette", () => {
    const dir = fakePackage("@catalytic/planner", { "p.ts": 'import { Index } from "@catalytic/indexer";\nimport { Cassette } from "@catalytic/cassette";\n' });
    expect(lint(dir).code).toBe(0);
  });
});
