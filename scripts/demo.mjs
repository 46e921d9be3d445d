#!/usr/bin/env node
// The README's main job: runs the built CLI on a copy of docs/demo (in a temp dir) and shows the point of
// Catalytic in one go: build, symbols, bounded resolution with the expansion cache, search, verify.
// Exits non-zero on any unexpected result.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cli = path.join(repo, "apps/cli/dist/catalytic.cjs");
if (!existsSync(cli)) {
  process.stderr.write(`demo: ${cli} is missing; run 'pnpm demo' (it builds the CLI first)\n`);
  process.exit(2);
}
const workDir = mkdtempSync(path.join(os.tmpdir(), "catalytic-demo-"));
const root = path.join(workDir, "demo");
cpSync(path.join(repo, "docs/demo"), root, { recursive: true, filter: (source) => !source.includes(`${path.sep}.catalytic`) });

const bold = (text) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);
let failures = 0;

/** Runs one CLI command, shows it and its output, and checks the exit code and stderr markers. */
function step(title, args, expect = {}) {
  const { exit = 0, stderrIncludes = [], stdoutIncludes = [] } = expect;
  process.stdout.write(`\n${bold(`== ${title}`)}\n$ catalytic ${args.map((a) => (/[\s#@[\]()>]/.test(a) ? JSON.stringify(a) : a)).join(" ")}\n`);
  const result = spawnSync(process.execPath, [cli, "--root", root, ...args], { encoding: "utf8" });
  const indent = (text, prefix) => `${text.replace(/\n$/, "").replace(/^/gm, prefix)}\n`;
  if (result.stdout) process.stdout.write(indent(result.stdout, "  "));
  if (result.stderr) process.stdout.write(indent(result.stderr, "  | "));
  const problems = [];
  if (result.status !== exit) problems.push(`exit code ${result.status}, expected ${exit}`);
  for (const text of stderrIncludes) if (!result.stderr.includes(text)) problems.push(`stderr lacks ${JSON.stringify(text)}`);
  for (const text of stdoutIncludes) if (!result.stdout.includes(text)) problems.push(`stdout lacks ${JSON.stringify(text)}`);
  for (const problem of problems) process.stdout.write(`  !! ${problem}\n`);
  failures += problems.length;
  return result;
}

try {
  process.stdout.write(`Catalytic demo: a copy of docs/demo in ${root}\n`);
  step("Index the workspace (sources and namespaces from catalytic.json)", ["build"], { stdoutIncludes: ["indexed 4 files"] });
  step("Every symbol: namespace files, front-matter headings, registry entries", ["symbols", "list"], { stdoutIncludes: ["@CANON/scope"] });
  step("Resolve a heading symbol with an explicit slice: expanded once...", ["resolve", "@CANON/scope", "--slice", "lines[0:4]"], {
    stderrIncludes: ["[CACHE MISS]"],
  });
  step("...and served from the expansion cache the second time", ["resolve", "@CANON/scope", "--slice", "lines[0:4]"], { stderrIncludes: ["[CACHE HIT]"] });
  step("A symbol's own default slice applies when none is given", ["resolve", "@GUIDE/resolving"], { stderrIncludes: ["(symbol default)"] });
  step("No slice and no default: the configured bound applies and is reported", ["resolve", "@CANON/glossary#slice"], {
    stderrIncludes: ["(config default)"],
  });

  const agreement = path.join(root, "canon/AGREEMENT.md");
  writeFileSync(agreement, readFileSync(agreement, "utf8").replace("1. Only files", "1. Only the files"));
  step("Edit the Scope section and rebuild: only that file is re-read", ["build"], { stdoutIncludes: ["changed 1"] });
  step("The content hash changed, so the same request misses the cache", ["resolve", "@CANON/scope", "--slice", "lines[0:4]"], {
    stderrIncludes: ["[CACHE MISS]"],
    stdoutIncludes: ["Only the files"],
  });
  step("A typo gets a typed error with suggestions (exit 1 is expected)", ["resolve", "@CANON/scop"], {
    exit: 1,
    stderrIncludes: ["CAT_SYMBOL_UNKNOWN", "did you mean @CANON/scope"],
  });
  step("Search finds candidate sections (and stores a retrieval receipt)", ["search", "cache hit", "-k", "3"], { stdoutIncludes: ["glossary.md"] });
  step("Every symbol resolves: no unknown targets, stale pins or duplicates", ["symbols", "verify"], { stdoutIncludes: ["no problems"] });
} finally {
  rmSync(workDir, { recursive: true, force: true });
}

if (failures > 0) {
  process.stdout.write(`\ndemo FAILED: ${failures} unexpected result(s) above\n`);
  process.exit(1);
}
process.stdout.write(`\n${bold("demo OK")}: references went in, bounded slices came out, and the cache proved it.\n`);
