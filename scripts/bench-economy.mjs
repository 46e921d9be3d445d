#!/usr/bin/env node
// pnpm bench:economy -- --corpus <dir> [--questions <file>] [--code <dir>] [--tasks 1,2,3,4] [--workers N]
// Scripted tasks end to end with the built CLI (bundle -> plan -> ants -> receipts -> report) on material copied
// to a temp dir; prints one table: task, baseline tokens, catalytic tokens, ratio, evidence recall, reuse rate,
// steps, wall time. Each task's result is checked (docs/economy.md#benchmark); exit 1 when a check fails.
// The script stands in for the model: it picks search hits, writes patch text and assembles the outline; what it
// reads to do so outside the run (file hashes, line numbers) is not counted, what the run expands is.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cli = path.join(repo, "apps/cli/dist/catalytic.cjs");
const { values: opts } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    corpus: { type: "string", default: path.join(repo, "fixtures/corpora/rust-book") },
    questions: { type: "string", default: path.join(repo, "packages/indexer/bench/questions/rust-book.json") },
    code: { type: "string", default: path.join(repo, "packages") },
    tasks: { type: "string", default: "1,2,3,4" },
    workers: { type: "string", default: "2" },
    "budget-tokens": { type: "string", default: "2000" },
    "outline-slice": { type: "string", default: "head(240)" }, // head(n) only
    "outline-budget": { type: "string", default: "0.15" },
    "patch-request": { type: "string", default: "make the anchor slug of a heading: trim, lower case, drop punctuation, spaces to hyphens" },
    term: { type: "string", default: "compiler" },
    replacement: { type: "string", default: "translator" },
    keep: { type: "boolean", default: false },
  },
});
if (!existsSync(cli)) {
  process.stderr.write(`bench:economy: ${cli} is missing; run 'pnpm --filter @catalytic/cli build' first\n`);
  process.exit(2);
}
const tasks = new Set(opts.tasks.split(",").map((t) => t.trim()));
const workers = String(Number(opts.workers));
const tmp = mkdtempSync(path.join(os.tmpdir(), "catalytic-economy-"));
// The core's tokenizer (docs/contract.md#tokens), for the baselines the script measures itself.
const { countTokens } = createRequire(path.join(repo, "packages/core/package.json"))("gpt-tokenizer/encoding/o200k_base");
const tokens = (text) => (text.length === 0 ? 0 : countTokens(text, { disallowedSpecial: new Set() }));
const sha256 = (data) => createHash("sha256").update(data).digest("hex");

/** Runs the CLI in `root`; returns parsed JSON (with --json) or stdout. Throws on an unexpected exit code. */
function catalytic(root, args, { json = true, exit = 0 } = {}) {
  const result = spawnSync(process.execPath, [cli, "--root", root, ...args, ...(json ? ["--json"] : [])], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (result.status !== exit) throw new Error(`catalytic ${args.join(" ")} exited ${result.status}:\n${result.stderr}${result.stdout.slice(0, 2000)}`);
  return json ? JSON.parse(result.stdout) : result.stdout;
}

/** A temp workspace: a copy of `source` under `into` (a folder name, or "." for the root) plus catalytic.json. */
function workspace(name, source, into, config) {
  const root = path.join(tmp, name);
  const target = into === "." ? root : path.join(root, into);
  mkdirSync(target, { recursive: true });
  cpSync(source, target, { recursive: true, filter: (file) => !/(^|[\\/])(node_modules|dist|\.catalytic|\.git)$/.test(file) && !file.endsWith(".tsbuildinfo") });
  writeFileSync(path.join(root, "catalytic.json"), `${JSON.stringify(config, null, 2)}\n`);
  catalytic(root, ["build"]);
  return root;
}

/** Posts a plan request (or a bundle) and runs the ants; returns the job id and the ants' exit code. */
function planAndExecute(root, { request, bundleFile, runId }) {
  let planArgs;
  // A bundle plan runs under the bundle's own run id (the bundle was built with --run-id).
  if (bundleFile) planArgs = ["plan", "--bundle", bundleFile];
  else {
    const file = path.join(root, `.request-${request.request_id}.json`);
    writeFileSync(file, JSON.stringify(request));
    planArgs = ["plan", "--request-file", file];
  }
  const posted = catalytic(root, planArgs);
  const jobId = posted.posted.job_id;
  const executed = catalytic(root, ["execute", "--run-id", runId, "--job-id", jobId, "--workers", workers, "--continue-on-fail"], { exit: undefined });
  return { jobId, exitCode: executed.exit_code };
}

const reportOf = (root, runId) => catalytic(root, ["report", "--run-id", runId]).report.runs[0];

/** Every file under `dir` (relative POSIX paths), skipping Catalytic's own state. */
function listFiles(dir, base = dir) {
  const out = [];
  for (const entry of readdirSync(dir)) {
    if (entry === ".catalytic" || entry === "catalytic.json" || entry.startsWith(".request-") || entry.startsWith(".bundle-")) continue;
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...listFiles(full, base));
    else out.push(path.relative(base, full).split(path.sep).join("/"));
  }
  return out.sort();
}

const results = [];
function record(task, figures, checks, started) {
  const failed = checks.filter(([, ok]) => !ok).map(([what]) => what);
  results.push({ task, ...figures, wall_ms: Date.now() - started, failed });
}

// 1. Evidence retrieval: each question -> a bundle within the token budget -> plan -> ants (one run per question);
// recall: the labelled section shares lines with an item of the bundle (docs/bundles.md counts it the same way).
function evidenceRetrieval() {
  const started = Date.now();
  if (!existsSync(opts.questions)) throw new Error(`no question set at ${opts.questions} (pass --questions FILE)`);
  const { questions } = JSON.parse(readFileSync(opts.questions, "utf8"));
  const root = workspace("retrieval", opts.corpus, ".", {});
  const fileTokens = new Map();
  const wholeFile = (file) => {
    if (!fileTokens.has(file)) fileTokens.set(file, tokens(readFileSync(path.join(root, file), "utf8")));
    return fileTokens.get(file);
  };
  const sectionsOf = new Map();
  const labelled = (q) => {
    if (!sectionsOf.has(q.file_path)) sectionsOf.set(q.file_path, catalytic(root, ["extract", path.join(root, q.file_path)]).sections);
    const same = (s) => JSON.stringify(s.heading_path) === JSON.stringify(q.heading_path);
    return sectionsOf.get(q.file_path).find(same);
  };
  let held = 0;
  let heldWhole = 0;
  let baselineA = 0;
  let baselineB = 0;
  let overBudget = 0;
  let failedRuns = 0;
  let unlabelled = 0;
  const runIds = new Set();
  questions.forEach((q, i) => {
    const runId = `retrieval-${q.id ?? i + 1}`;
    runIds.add(runId);
    const { bundle } = catalytic(root, ["bundle", q.question, "--budget-tokens", opts["budget-tokens"], "--run-id", runId]);
    const bundleFile = path.join(root, `.bundle-${runId}.json`);
    writeFileSync(bundleFile, JSON.stringify(bundle));
    if (bundle.tokens_total > Number(opts["budget-tokens"])) overBudget++;
    const answer = labelled(q);
    if (!answer) unlabelled++;
    const start = answer?.line_start;
    const end = answer?.line_end;
    const touching = bundle.items.filter((item) => answer && item.file_path === q.file_path && item.line_start < end && start < item.line_end);
    if (touching.length > 0) held++;
    if (touching.some((item) => item.line_start <= start && end <= item.line_end)) heldWhole++;
    if (planAndExecute(root, { bundleFile, runId }).exitCode !== 0) failedRuns++;
    baselineA += wholeFile(q.file_path);
    // (b) the top 5 whole files a file-level search hands over: distinct files of the ranked hits, in rank order.
    const hits = catalytic(root, ["search", q.question, "-k", "50", "--run-id", `${runId}-files`]).hits;
    const files = [...new Set(hits.map((h) => h.file_path))].slice(0, 5);
    baselineB += files.reduce((sum, file) => sum + wholeFile(file), 0);
  });
  const runs = catalytic(root, ["report"]).report.runs.filter((run) => runIds.has(run.run_id));
  const sum = (pick) => runs.reduce((total, run) => total + pick(run), 0);
  const expanded = sum((run) => run.totals.tokens_expanded);
  const expansions = sum((run) => run.totals.expansions);
  const recall = held / questions.length;
  const ratio = expanded / baselineA;
  record(
    "1 evidence retrieval",
    {
      baseline: baselineA,
      catalytic: expanded,
      ratio,
      recall,
      reuse: expansions ? sum((run) => run.totals.reused) / expansions : null,
      steps: sum((run) => run.totals.steps),
      note: `${questions.length} questions, ${opts["budget-tokens"]}-token bundles; labelled section held whole in ${heldWhole}; baseline (b) top-5 search files: ${baselineB} tokens, ratio ${(expanded / baselineB).toFixed(3)}`,
    },
    [
      [`every labelled section found in the index (${unlabelled} not)`, unlabelled === 0],
      [`every bundle within ${opts["budget-tokens"]} tokens (${overBudget} over)`, overBudget === 0],
      [`every bundle plan executed (${failedRuns} failed)`, failedRuns === 0 && runs.length === questions.length],
      [`recall ${recall.toFixed(2)} >= 0.9`, recall >= 0.9],
      [`ratio ${ratio.toFixed(3)} <= 0.10 of baseline (a)`, ratio <= 0.1],
    ],
    started,
  );
}

// 2. Find and patch one function in a TypeScript code base: search -> READ_SECTION -> PATCH_FILE -> RUN_TEST.
const PATCH_REQUEST = opts["patch-request"];
const OLD_LINE = '  return heading.trim().toLowerCase().replace(DROPPED, "").replace(/ /g, "-");';
const NEW_LINE = '  return heading.trim().toLowerCase().replace(DROPPED, "").replace(/ /g, "-").replace(/^-+|-+$/g, "");';
// The configured test: type-checks the patched file with the repository's TypeScript, then runs it.
const CHECK_SCRIPT = `import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import assert from "node:assert/strict";
const ts = createRequire(${JSON.stringify(path.join(repo, "package.json"))})("typescript");
const file = "packages/core/src/slug.ts";
const program = ts.createProgram([file], { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, lib: ["lib.es2022.d.ts"], types: [] });
const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\\n"));
if (problems.length) { console.error(problems.join("\\n")); process.exit(1); }
const js = ts.transpileModule(readFileSync(file, "utf8"), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
const slug = await import("data:text/javascript;base64," + Buffer.from(js).toString("base64"));
assert.equal(slug.slugify("Hello, World!"), "hello-world");
assert.equal(slug.slugify("-- Leading and trailing --"), "leading-and-trailing");
assert.deepEqual(slug.uniqueSlugs(["a", "a", "a"]), ["a", "a-1", "a-2"]);
console.log("slug.ts compiles; slugify strips leading and trailing hyphens");
`;

function patchFunction() {
  const started = Date.now();
  const root = workspace("patch", opts.code, "packages", {
    sources: [{ path: "packages", include: ["**/*.ts"] }],
    default_slice: "head(8000)",
    tests: { "slug-check": { command: process.execPath, args: ["bench-check/check-slug.mjs"], timeout_seconds: 120 } },
  });
  mkdirSync(path.join(root, "bench-check"));
  writeFileSync(path.join(root, "bench-check/check-slug.mjs"), CHECK_SCRIPT);
  const before = new Map(listFiles(root).map((file) => [file, sha256(readFileSync(path.join(root, file)))]));
  const runId = "patch";
  // The best-ranked declaration in the file of the top hit (a code file's whole-file section often ranks first:
  // its header comment says what the file is for), else the best-ranked declaration.
  const hits = catalytic(root, ["search", PATCH_REQUEST, "-k", "10", "--run-id", runId]).hits;
  const fileOf = (h) => h.file_path;
  const isDeclaration = (h) => (h.heading_path ?? []).length === 1 && /\.ts$/.test(fileOf(h));
  const hit = hits.find((h) => isDeclaration(h) && fileOf(h) === fileOf(hits[0] ?? {})) ?? hits.find(isDeclaration);
  const checks = [[`search for "${PATCH_REQUEST}" finds slugify's declaration (top hit: ${hit ? `${hit.file_path} ${JSON.stringify(hit.heading_path)}` : "none"})`, hit !== undefined && (hit.heading_path)[0] === "slugify"]];
  let run;
  if (checks[0][1]) {
    const sectionId = hit.section_id;
    const { section, content } = catalytic(root, ["get", sectionId]);
    const filePath = section.file_path;
    const lineStart = section.line_start;
    const lineEnd = section.line_end;
    const file = readFileSync(path.join(root, filePath));
    // The read, then (as a model would, after reading) the patch and the test: two jobs of one run.
    const read = planAndExecute(root, { runId, request: { run_id: runId, request_id: "read-slugify", intent: PATCH_REQUEST, inputs: { sections: [sectionId] } } });
    const patch = planAndExecute(root, {
      runId,
      request: {
        run_id: runId,
        request_id: "patch-slugify",
        intent: PATCH_REQUEST,
        ops: [
          { op: "PATCH_FILE", file_path: filePath, file_hash: sha256(file), patch_start_line: lineStart + 1, patch_end_line: lineEnd, content: content.replace(OLD_LINE, NEW_LINE) },
          { op: "RUN_TEST", test_name: "slug-check" },
        ],
      },
    });
    run = reportOf(root, runId);
    const after = readFileSync(path.join(root, filePath), "utf8");
    const changed = listFiles(root).filter((f) => before.get(f) !== sha256(readFileSync(path.join(root, f))));
    checks.push(
      ["the run succeeded (section read, patch applied, test passed)", read.exitCode === 0 && patch.exitCode === 0 && run.steps.every((s) => s.status === "SUCCESS")],
      ["the patched function compiles and its test passes (RUN_TEST receipt)", run.steps.some((s) => s.op === "RUN_TEST" && s.status === "SUCCESS")],
      ["slug.ts holds the new line and nothing else changed", after.includes(NEW_LINE) && changed.join() === filePath],
    );
  }
  record(
    "2 find and patch a function",
    { baseline: run?.baseline.tokens ?? 0, catalytic: run?.totals.tokens_expanded ?? 0, ratio: run?.ratio ?? null, recall: null, reuse: run?.reuse_rate ?? null, steps: run?.totals.steps ?? 0 },
    checks,
    started,
  );
}

// 3. Rename a term across N Markdown files with PATCH steps that read only the lines they change.
function rename(n) {
  const started = Date.now();
  const root = workspace(`rename-${n}`, opts.corpus, ".", {});
  const source = `\\b${opts.term.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`;
  const term = new RegExp(source, "g");
  const holds = (text) => new RegExp(source).test(text);
  const all = listFiles(root);
  const originals = new Map(all.map((file) => [file, readFileSync(path.join(root, file), "utf8")]));
  const chosen = all.filter((file) => file.endsWith(".md") && holds(originals.get(file))).slice(0, n);
  const ops = [];
  for (const file of chosen) {
    const lines = originals.get(file).split("\n");
    let current = originals.get(file);
    lines.forEach((line, i) => {
      if (!holds(line)) return;
      const replaced = line.replace(term, opts.replacement);
      ops.push({ op: "PATCH_FILE", file_path: file, file_hash: sha256(current), patch_start_line: i + 1, patch_end_line: i + 1, content: replaced });
      const next = current.split("\n");
      next[i] = replaced;
      current = next.join("\n");
    });
  }
  const runId = `rename-${n}`;
  const { exitCode } = planAndExecute(root, { runId, request: { run_id: runId, request_id: runId, intent: `rename ${opts.term} to ${opts.replacement} in ${n} files`, ops, budgets: { max_steps: ops.length + 10, max_bytes: 50_000_000, max_symbols: 0 } } });
  const run = reportOf(root, runId);
  const wrong = all.filter((file) => {
    const expected = chosen.includes(file) ? originals.get(file).replace(term, opts.replacement) : originals.get(file);
    return readFileSync(path.join(root, file), "utf8") !== expected;
  });
  record(
    `3 rename in ${n} files`,
    { baseline: run.baseline.tokens, catalytic: run.totals.tokens_expanded, ratio: run.ratio, recall: null, reuse: run.reuse_rate, steps: run.totals.steps },
    [
      [`${chosen.length} files hold the term`, chosen.length === n],
      ["every patch step succeeded", exitCode === 0 && run.steps.every((s) => s.status === "SUCCESS")],
      [`the term is gone from the ${n} files`, chosen.every((file) => !holds(readFileSync(path.join(root, file), "utf8")))],
      [`nothing else changed (${wrong.length} file(s) differ from the expected text)`, wrong.length === 0],
      ["the baseline is every whole file renamed", run.baseline.files.length === n],
    ],
    started,
  );
}

// 4. Roadmap: an outline (heading path and first line of each section) of the whole corpus within a budget.
function outline() {
  const started = Date.now();
  const root = workspace("outline", opts.corpus, ".", { default_slice: opts["outline-slice"] });
  const exportDir = path.join(tmp, "outline-export");
  catalytic(root, ["export", "--jsonl", exportDir]);
  const sections = readFileSync(path.join(exportDir, "SECTION_INDEX.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line));
  const withHeadings = new Set(sections.filter((s) => s.heading_path.length > 0).map((s) => s.file_path));
  // Heading sections, plus the file section of files whose only section is the file (or an H1 spanning it).
  const chosen = sections.filter((s) => s.heading_path.length > 0 || !withHeadings.has(s.file_path));
  const corpusFiles = listFiles(root).filter((file) => file.endsWith(".md"));
  const corpusTokens = corpusFiles.reduce((sum, file) => sum + tokens(readFileSync(path.join(root, file), "utf8")), 0);
  const budget = Math.floor(corpusTokens * Number(opts["outline-budget"]));
  const runId = "outline";
  const { exitCode } = planAndExecute(root, {
    runId,
    request: { run_id: runId, request_id: runId, intent: "outline of the corpus", inputs: { sections: chosen.map((s) => s.section_id) }, budgets: { max_steps: chosen.length + 10, max_bytes: 50_000_000, max_symbols: 0 } },
  });
  const run = reportOf(root, runId);
  // The outline itself: heading path and first prose line of each section, from the same slices the ants read
  // (cut here from the files rather than read again through the CLI).
  const head = Number(/^head\((\d+)\)$/.exec(opts["outline-slice"])?.[1] ?? 240);
  const fileLines = new Map();
  const lines = [];
  for (const section of chosen) {
    if (!fileLines.has(section.file_path)) fileLines.set(section.file_path, readFileSync(path.join(root, section.file_path), "utf8").replace(/\r\n/g, "\n").split("\n"));
    const content = fileLines.get(section.file_path).slice(section.line_start, section.line_end).join("\n").slice(0, head);
    const body = content.split("\n").slice(1).map((l) => l.trim()).find((l) => l !== "" && !/^(=+|-+)$/.test(l) && !l.startsWith("#"));
    lines.push(`${section.file_path} > ${section.heading_path.join(" > ") || content.split("\n")[0]}: ${body ?? ""}`.slice(0, 240));
  }
  const outlineText = lines.join("\n");
  const covered = new Set(chosen.map((s) => s.file_path));
  record(
    "4 outline of the corpus",
    { baseline: corpusTokens, catalytic: run.totals.tokens_expanded, ratio: run.totals.tokens_expanded / corpusTokens, recall: null, reuse: run.reuse_rate, steps: run.totals.steps, note: `outline ${tokens(outlineText)} tokens, ${lines.length} sections` },
    [
      ["every section read", exitCode === 0 && run.totals.steps === chosen.length],
      [`the outline covers every file (${corpusFiles.filter((f) => !covered.has(f)).length} missing)`, corpusFiles.every((f) => covered.has(f))],
      [`expanded ${run.totals.tokens_expanded} <= budget ${budget} tokens (${opts["outline-budget"]} of the corpus)`, run.totals.tokens_expanded <= budget],
      [`the outline text fits the budget (${tokens(outlineText)} tokens)`, tokens(outlineText) <= budget],
    ],
    started,
  );
}

const RUNS = [
  ["1", evidenceRetrieval],
  ["2", patchFunction],
  ["3", () => rename(10)],
  ["3", () => rename(50)],
  ["4", outline],
];
try {
  for (const [id, task] of RUNS) {
    if (!tasks.has(id)) continue;
    try {
      task();
    } catch (error) {
      results.push({ task: `${id} (error)`, baseline: 0, catalytic: 0, ratio: null, recall: null, reuse: null, steps: 0, wall_ms: 0, failed: [error.message.split("\n").slice(0, 4).join(" ")] });
    }
  }
} finally {
  if (!opts.keep) rmSync(tmp, { recursive: true, force: true });
}

const fmt = (value, digits = 3) => (value === null || value === undefined ? "-" : typeof value === "number" && !Number.isInteger(value) ? value.toFixed(digits) : String(value));
const header = ["task", "baseline tokens", "catalytic tokens", "ratio", "evidence recall", "reuse rate", "steps", "wall time"];
const rows = results.map((r) => [r.task, fmt(r.baseline), fmt(r.catalytic), fmt(r.ratio), fmt(r.recall, 2), fmt(r.reuse, 2), fmt(r.steps), `${(r.wall_ms / 1000).toFixed(1)} s`]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
const line = (cells) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ")} |`;
process.stdout.write(`${line(header)}\n|${widths.map((w, i) => (i === 0 ? ":" : "") + "-".repeat(w + 1) + (i === 0 ? "" : ":")).join("|")}|\n${rows.map(line).join("\n")}\n`);
for (const r of results) if (r.note) process.stdout.write(`${r.task}: ${r.note}\n`);
process.stdout.write(`tokens: o200k_base (gpt-tokenizer); corpus ${opts.corpus}; ${workers} ant(s); ${os.cpus().length} cores\n`);
const failures = results.flatMap((r) => r.failed.map((f) => `${r.task}: ${f}`));
for (const failure of failures) process.stdout.write(`CHECK FAILED ${failure}\n`);
process.exit(failures.length ? 1 : 0);
