#!/usr/bin/env node
// Enforces the dependency direction of docs/architecture.md: core -> indexer/cassette -> planner -> ants -> apps.
// Usage: node scripts/lint-deps.mjs [package-dir ...]   (no argument: every package and app)
import { readFileSync, readdirSync, statSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

// Which workspace packages each package may import (besides itself).
const ALLOWED = {
  "@catalytic/core": [],
  "@catalytic/indexer": ["@catalytic/core"],
  "@catalytic/cassette": ["@catalytic/core"],
  "@catalytic/planner": ["@catalytic/core", "@catalytic/indexer", "@catalytic/cassette"],
  "@catalytic/ants": ["@catalytic/core", "@catalytic/indexer", "@catalytic/cassette", "@catalytic/planner"],
  // Receipts -> savings report: reads the ledger, the index (legacy receipts) and the CAS; never plans or executes.
  "@catalytic/report": ["@catalytic/core", "@catalytic/indexer", "@catalytic/cassette"],
  "@catalytic/mcp": ["@catalytic/core", "@catalytic/indexer", "@catalytic/cassette", "@catalytic/planner", "@catalytic/ants", "@catalytic/report"],
  // The CLI starts the MCP server (`catalytic mcp`).
  "@catalytic/cli": ["@catalytic/core", "@catalytic/indexer", "@catalytic/cassette", "@catalytic/planner", "@catalytic/ants", "@catalytic/report", "@catalytic/mcp"],
  "@catalytic/language-server": ["@catalytic/core", "@catalytic/indexer", "@catalytic/cassette", "@catalytic/planner", "@catalytic/ants", "@catalytic/report"],
  // The extension is a thin client: it talks to the server, never to the data packages.
  "catalytic-vscode": ["@catalytic/core"],
};
// Modules only some layers may import.
const RESTRICTED = {
  vscode: ["catalytic-vscode"],
  "vscode-languageclient": ["catalytic-vscode"],
  "vscode-languageserver": ["@catalytic/language-server"],
  "better-sqlite3": ["@catalytic/indexer", "@catalytic/cassette"],
};
const WORKSPACE_PREFIXES = ["@catalytic/", "catalytic-vscode"];

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir)) {
    if (entry === "node_modules" || entry === "dist") continue;
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) yield* sourceFiles(full);
    else if (/\.(ts|tsx|mts|cts|js|mjs|cjs)$/.test(entry) && !/\.d\.ts$/.test(entry)) yield full;
  }
}

// Import specifiers: static imports/exports, dynamic import(), require().
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)["']([^"']+)["']/g;

function lintPackage(dir) {
  const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
  const allowed = ALLOWED[pkg.name];
  if (!allowed) return [];
  const problems = [];
  const src = path.join(dir, "src");
  if (!existsSync(src)) return [];
  for (const file of sourceFiles(src)) {
    const text = readFileSync(file, "utf8");
    const isTest = /\.test\.[cm]?[jt]s$/.test(file);
    for (const match of text.matchAll(SPECIFIER)) {
      const spec = match[1];
      const base = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
      const where = `${path.relative(repo, file)}: imports '${spec}'`;
      if (WORKSPACE_PREFIXES.some((p) => base.startsWith(p)) && base !== pkg.name && !allowed.includes(base)) {
        problems.push(`${where}, but ${pkg.name} may only import ${allowed.join(", ") || "no workspace package"}`);
      }
      const restricted = RESTRICTED[base];
      if (restricted && !restricted.includes(pkg.name) && !isTest) {
        problems.push(`${where}, which only ${restricted.join(", ")} may import`);
      }
    }
  }
  return problems;
}

const targets = process.argv.slice(2).length
  ? process.argv.slice(2).map((d) => path.resolve(d))
  : ["packages", "apps"].flatMap((group) => readdirSync(path.join(repo, group)).map((d) => path.join(repo, group, d)));

const problems = targets.filter((d) => existsSync(path.join(d, "package.json"))).flatMap(lintPackage);
if (problems.length) {
  for (const p of problems) console.error(`lint-deps: ${p}`);
  console.error(`lint-deps: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log(`lint-deps: ${targets.length} package(s) respect the dependency direction`);
