#!/usr/bin/env node
// The README's main job: runs the built CLI on a copy of docs/demo (in a temp dir) and shows the point of
// Catalytic in one go: build, symbols, bounded resolution with the expansion cache, search, verify; then a
// request is planned, executed by two ants with receipts, verified and restored; it ends with the run's report
// (tokens expanded against the whole files touched), also written as an HTML page that outlives the demo.
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

/**
 * Runs one CLI command, shows it and its output (through `show` when given, to keep long output short), and
 * checks the exit code, stdout/stderr markers and `check(result)` (a list of problems).
 */
function step(title, args, expect = {}) {
  const { exit = 0, stderrIncludes = [], stdoutIncludes = [], show = (out) => out, check = () => [] } = expect;
  process.stdout.write(`\n${bold(`== ${title}`)}\n$ catalytic ${args.map((a) => (/[\s#@[\]()>]/.test(a) ? JSON.stringify(a) : a)).join(" ")}\n`);
  const result = spawnSync(process.execPath, [cli, "--root", root, ...args], { cwd: root, encoding: "utf8" });
  const indent = (text, prefix) => `${text.replace(/\n$/, "").replace(/^/gm, prefix)}\n`;
  const problems = [];
  let shown = result.stdout;
  try {
    shown = show(result.stdout);
  } catch (error) {
    problems.push(`unexpected output: ${error.message}`);
  }
  if (shown) process.stdout.write(indent(shown, "  "));
  if (result.stderr) process.stdout.write(indent(result.stderr, "  | "));
  if (result.status !== exit) problems.push(`exit code ${result.status}, expected ${exit}`);
  for (const text of stderrIncludes) if (!result.stderr.includes(text)) problems.push(`stderr lacks ${JSON.stringify(text)}`);
  for (const text of stdoutIncludes) if (!result.stdout.includes(text)) problems.push(`stdout lacks ${JSON.stringify(text)}`);
  if (problems.length === 0) {
    try {
      problems.push(...check(result));
    } catch (error) {
      problems.push(`check failed: ${error.message}`);
    }
  }
  for (const problem of problems) process.stdout.write(`  !! ${problem}\n`);
  failures += problems.length;
  return result;
}

/** Long lines cut to the terminal's width (the full text is one `--json` away). */
const clip = (text, width = 110) => text.replace(/^.*$/gm, (line) => (line.length > width ? `${line.slice(0, width - 1)}…` : line));

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

  // Final act: a request file becomes a plan, ants execute it with receipts, and the run is undone.
  const request = JSON.parse(readFileSync(path.join(root, "request.json"), "utf8"));
  const scratch = path.join(root, "scratch/summary.md");
  const cassette = path.join(root, ".catalytic/cassette.db");
  step("Plan request.json (dry run): symbols become READ steps, ops stay ops; nothing is written", ["plan", "--request-file", "request.json", "--dry-run", "--json"], {
    show(out) {
      const { plan } = JSON.parse(out);
      const refs = (r) => [r.symbol_id, r.slice, r.file_path, r.message && JSON.stringify(r.message)].filter(Boolean).join(" ");
      return [...plan.steps.map((s) => `${s.ordinal}. ${s.op.padEnd(11)} ${clip(refs(s.refs), 80)}`), `plan hash ${plan.plan_hash}`].join("\n");
    },
    check(result) {
      const { dry_run: dryRun, plan } = JSON.parse(result.stdout);
      const ops = plan.steps.map((s) => s.op).join(",");
      return [
        ...(dryRun === true ? [] : ["not a dry run"]),
        ...(ops === "READ_SYMBOL,READ_SYMBOL,READ_SYMBOL,WRITE_FILE,NOTE" ? [] : [`unexpected steps ${ops}`]),
        ...(existsSync(cassette) ? ["the dry run created the cassette"] : []),
      ];
    },
  });
  const posted = step("Post it: request, job and PENDING steps in one transaction", ["plan", "--request-file", "request.json"], { stdoutIncludes: ["posted: job", "5 step(s)"] });
  const jobId = /job (job_[0-9a-f]+)/.exec(posted.stdout)?.[1] ?? "job-id-missing";
  step("Two ants claim, execute and commit the steps (each with a receipt)", ["execute", "--run-id", request.run_id, "--job-id", jobId, "--workers", "2"], {
    stdoutIncludes: ["5/5 committed (5 succeeded, 0 failed)"],
    check: () => (readFileSync(scratch, "utf8") === request.ops[0].content ? [] : ["scratch/summary.md does not hold the planned content"]),
  });
  step("The job's receipts, in hash-chain order", ["cassette", "receipts", "--job-id", jobId], {
    check: (result) => (result.stdout.trim().split("\n").filter((line) => line.includes(" SUCCESS ")).length === 5 ? [] : ["expected 5 SUCCESS receipts"]),
  });
  step("The ledger checks out: triggers, leases, receipt chain", ["cassette", "verify"], { stdoutIncludes: ["PASS: all invariants verified"], show: (out) => clip(out) });
  step("Restore the run: the written file is gone, the tree is back to its hash before the run", ["restore", "--run-id", request.run_id], {
    stdoutIncludes: ["reverted 1 write(s)", "scratch/summary.md absent"],
    check(result) {
      const root = (label) => new RegExp(`^${label}\\s+([0-9a-f]{64})$`, "m").exec(result.stdout)?.[1];
      return [
        ...(existsSync(scratch) ? ["scratch/summary.md still exists"] : []),
        ...(root("root before run") && root("root before run") === root("root after restore") ? [] : ["roots before the run and after the restore differ"]),
      ];
    },
  });
  const page = path.join(os.tmpdir(), "catalytic-demo-report.html");
  step("The run's economy: tokens expanded against the whole files it touched (and an HTML page with charts)", ["report", "--run-id", request.run_id, "--html", page], {
    stdoutIncludes: [`run ${request.run_id}: 1 job(s), 5 step(s)`, "of baseline (saves"],
    stderrIncludes: [`wrote ${page}`],
    check: () => (existsSync(page) && readFileSync(page, "utf8").includes("<svg") === false && readFileSync(page, "utf8").includes("Chartist") ? [] : [`${page} is not the report page`]),
  });
} finally {
  rmSync(workDir, { recursive: true, force: true });
}

if (failures > 0) {
  process.stdout.write(`\ndemo FAILED: ${failures} unexpected result(s) above\n`);
  process.exit(1);
}
process.stdout.write(`\n${bold("demo OK")}: references went in, bounded slices came out, the cache proved it, every step left a receipt, and the report measured what it saved.\n`);
