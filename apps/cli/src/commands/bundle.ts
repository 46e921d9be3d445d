// `catalytic bundle "<intent>"`: the smallest context for an intent (docs/bundles.md); `bundle verify <file>`.
import { readFileSync } from "node:fs";
import path from "node:path";
import { InputError, UsageError, assertId, escapeText, loadTokenCounter, parseBundleText, type Bundle } from "@catalytic/core";
import { BUNDLE_DEFAULTS, type BundleVerification, buildBundle, renderBundleMarkdown, verifyBundle } from "@catalytic/indexer";
import { receiptExpansionsOfRun } from "@catalytic/planner";
import { intOption, optionalIntOption, requiredPositional, stringOption } from "../args.js";
import type { Command, CommandContext, ParsedArgs } from "../command.js";
import { openBuiltIndex } from "./index-commands.js";

/** Bounds of the integer options: beyond them a bundle is no longer a bounded context. */
const MAX_TOKENS = 10_000_000;
const MAX_CANDIDATES = 10_000;

function formatOption(args: ParsedArgs): "json" | "md" {
  const format = stringOption(args, "format") ?? "md";
  if (format !== "json" && format !== "md") throw new UsageError("CAT_USAGE", `--format must be json or md, got ${JSON.stringify(format)}`, { hint: "pass --format md or --format json" });
  return format;
}

function refsOption(args: ParsedArgs): string[] {
  const value = args.options.ref;
  return value === undefined ? [] : Array.isArray(value) ? value : [String(value)];
}

/** Reads a bundle file (the bundle, or `{"bundle": ...}` as --json prints it), relative to the current folder. */
export function readBundleFile(file: string): Bundle {
  let text: string;
  try {
    text = readFileSync(path.resolve(file), "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code === "ENOENT" ? "CAT_FILE_NOT_FOUND" : "CAT_FILE_UNREADABLE";
    throw new InputError(code, `cannot read bundle file ${file}: ${(error as Error).message}`, {
      hint: "pass the path of a bundle JSON file (catalytic bundle \"...\" --format json > bundle.json)",
      details: { file },
    });
  }
  return parseBundleText(text, file);
}

/** Verifies a bundle against the workspace's index (which must be built). */
export async function verifyBundleFile(ctx: CommandContext, bundle: Bundle): Promise<BundleVerification> {
  const counter = await loadTokenCounter();
  const index = openBuiltIndex(ctx);
  try {
    return verifyBundle(index, bundle, counter);
  } finally {
    index.close();
  }
}

const bundle: Command = {
  name: "bundle",
  summary: "Build the smallest context for an intent: @refs plus search candidates, cut and fitted to a token budget",
  positionals: [{ name: "intent", required: true, description: "what the context is for; @NS/NAME refs in it are always included" }],
  options: {
    "budget-tokens": { type: "integer", min: 1, max: MAX_TOKENS, description: "max_tokens of the bundle", defaultText: String(BUNDLE_DEFAULTS.budget_tokens) },
    k: { type: "integer", min: 1, max: MAX_CANDIDATES, short: "k", description: "search candidates to consider", defaultText: String(BUNDLE_DEFAULTS.k) },
    ref: { type: "string", multiple: true, description: "a ref to include (@NS/NAME[#slug][:slice]); repeatable" },
    "run-id": { type: "string", description: "run the bundle belongs to: reuse and recording (default: none)" },
    format: { type: "string", description: "md (the context pack) or json (the bundle)", defaultText: "md" },
    "max-items": { type: "integer", min: 1, max: MAX_CANDIDATES, description: "max_items of the bundle", defaultText: String(BUNDLE_DEFAULTS.max_items) },
    "search-item-tokens": { type: "integer", min: 1, max: MAX_TOKENS, description: "bound of each search item's slice (its matching lines; refs are not cut)", defaultText: String(BUNDLE_DEFAULTS.search_item_tokens) },
    "min-score-percent": { type: "integer", min: 0, max: 100, description: "drop search candidates under this percent of the top score (0: keep all)", defaultText: String(BUNDLE_DEFAULTS.min_score_percent) },
    "max-item-tokens": { type: "integer", min: 1, max: MAX_TOKENS, description: "max_tokens_per_item (bigger sections are cut)", defaultText: `min(${BUNDLE_DEFAULTS.max_tokens_per_item}, budget)` },
  },
  details: [
    "Tokens are counted with o200k_base (gpt-tokenizer). Refs that alone break a budget fail with CAT_BUDGET_EXCEEDED",
    "naming each ref and its tokens, and nothing is stored. --json prints {\"bundle\": ...}. Rules: docs/bundles.md.",
    'Example: catalytic bundle "how are budgets enforced @CANON/budgets" --budget-tokens 2000 --format json > bundle.json',
  ].join("\n"),
  async run(ctx, args) {
    const intent = requiredPositional(args, 0, "intent");
    const format = formatOption(args);
    const runOption = stringOption(args, "run-id");
    const runId = runOption === undefined ? undefined : assertId(runOption, "--run-id");
    const maxItems = optionalIntOption(args, "max-items");
    const maxItemTokens = optionalIntOption(args, "max-item-tokens");
    const counter = await loadTokenCounter();
    const index = openBuiltIndex(ctx);
    try {
      const built = buildBundle(
        index,
        {
          intent,
          budget_tokens: intOption(args, "budget-tokens", BUNDLE_DEFAULTS.budget_tokens),
          k: intOption(args, "k", BUNDLE_DEFAULTS.k),
          search_item_tokens: intOption(args, "search-item-tokens", BUNDLE_DEFAULTS.search_item_tokens),
          min_score_percent: intOption(args, "min-score-percent", BUNDLE_DEFAULTS.min_score_percent),
          refs: refsOption(args),
          ...(maxItems !== undefined ? { max_items: maxItems } : {}),
          ...(maxItemTokens !== undefined ? { max_tokens_per_item: maxItemTokens } : {}),
          ...(runId !== undefined ? { run_id: runId, prior: receiptExpansionsOfRun(ctx.root, runId) } : {}),
        },
        counter,
      );
      const b = built.bundle;
      ctx.emitJson({ bundle: b });
      ctx.print(format === "json" ? JSON.stringify(b, null, 2) : renderBundleMarkdown(b, built.chunks).trimEnd());
      ctx.note(
        `${b.bundle_id}: ${b.items.length} item(s), ${b.tokens_total} tokens of ${b.budgets.max_tokens} (whole files: ${b.baseline.tokens}), ` +
          `${b.reuse.items} reused, ${b.dropped.length} dropped`,
      );
      return 0;
    } finally {
      index.close();
    }
  },
};

const verify: Command = {
  name: "bundle verify",
  summary: "Check a bundle file against the workspace: budgets, refs, slices, content hashes (exit 1 naming each broken item)",
  positionals: [{ name: "file", required: true, description: "bundle JSON (as written by --format json or --json)" }],
  async run(ctx, args) {
    const file = requiredPositional(args, 0, "file");
    const verification = await verifyBundleFile(ctx, readBundleFile(file));
    ctx.emitJson(verification);
    if (verification.ok) {
      ctx.print(`PASS: ${verification.bundle_id} (${verification.items} item(s)) is current`);
      return 0;
    }
    ctx.print(`FAIL: ${verification.bundle_id}: ${verification.problems.length} problem(s)`);
    for (const problem of verification.problems) ctx.print(`  ${problem.code}: ${escapeText(problem.message)}`);
    return 1;
  },
};

export const bundleCommands: readonly Command[] = [bundle, verify];
