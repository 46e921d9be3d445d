// Bundle benchmark: `pnpm bench:bundle -- --corpus <dir> --questions <file> [--budget N] [--k K]`.
// For each labelled question (the set bench:search uses), builds a bundle outside any run and prints: how often it
// holds lines of the answering section, its tokens against the whole files its items come from (the baseline), and
// build time. Figures only, no assertions (docs/bundles.md).
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadTokenCounter } from "@catalytic/core";
import { Index, buildBundle } from "../dist/index.js";

function parseArgs(argv) {
  const args = { corpus: undefined, questions: undefined, budget: 4000, k: 10 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") continue;
    else if (arg === "--corpus") args.corpus = argv[++i];
    else if (arg === "--questions") args.questions = argv[++i];
    else if (arg === "--budget") args.budget = Number(argv[++i]);
    else if (arg === "--k") args.k = Number(argv[++i]);
    else throw new Error(`unknown argument ${arg} (usage: --corpus <dir> --questions <file> [--budget N] [--k K])`);
  }
  if (!args.corpus || !args.questions) throw new Error("--corpus <dir> and --questions <file> are required");
  return args;
}

const cwd = process.env.INIT_CWD ?? process.cwd();
const args = parseArgs(process.argv.slice(2));
const { questions } = JSON.parse(readFileSync(path.resolve(cwd, args.questions), "utf8"));
const workDir = mkdtempSync(path.join(os.tmpdir(), "catalytic-bundle-bench-"));
const root = path.join(workDir, "corpus");
cpSync(path.resolve(cwd, args.corpus), root, { recursive: true });

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const sameList = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

const index = Index.open(root);
try {
  index.build();
  const counter = await loadTokenCounter();
  let held = 0;
  let heldWhole = 0;
  const tokens = [];
  const baselines = [];
  const items = [];
  const times = [];
  for (const q of questions) {
    const answer = index.sectionsOfFile(q.file_path).find((s) => sameList(s.headingPath, q.heading_path));
    const started = performance.now();
    const { bundle } = buildBundle(index, { intent: q.question, budget_tokens: args.budget, k: args.k }, counter);
    times.push(performance.now() - started);
    tokens.push(bundle.tokens_total);
    baselines.push(bundle.baseline.tokens);
    items.push(bundle.items.length);
    const touching = bundle.items.filter((i) => answer && i.file_path === answer.filePath && i.line_start < answer.lineEnd && answer.lineStart < i.line_end);
    if (touching.length > 0) held++;
    if (touching.some((i) => i.line_start <= answer.lineStart && answer.lineEnd <= i.line_end)) heldWhole++;
  }
  const sum = (values) => values.reduce((a, b) => a + b, 0);
  const n = questions.length;
  console.log(`bundle benchmark: ${n} questions on ${path.basename(path.resolve(cwd, args.corpus))}, budget ${args.budget} tokens, k ${args.k}, ${counter.info.name} (${counter.info.library} ${counter.info.version})`);
  console.log(`  answering section present (some of its lines):   ${held}/${n} = ${(held / n).toFixed(3)}`);
  console.log(`  answering section present (all of its lines):    ${heldWhole}/${n} = ${(heldWhole / n).toFixed(3)}`);
  console.log(`  items per bundle: median ${percentile(items, 50)}, max ${Math.max(...items)}`);
  console.log(`  tokens per bundle: median ${percentile(tokens, 50)}, p95 ${percentile(tokens, 95)}`);
  console.log(`  whole files of those items: median ${percentile(baselines, 50)} tokens; all bundles together ${sum(tokens)} vs ${sum(baselines)} = ${((100 * sum(tokens)) / sum(baselines)).toFixed(1)}%`);
  console.log(`  build time (in process, tokenizer loaded): p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms`);
} finally {
  index.close();
  rmSync(workDir, { recursive: true, force: true });
}
