// verifyBundle: a bundle (untrusted, maybe written by a model) checked against the workspace as it is now:
// budgets hold, refs resolve, slices are valid, content hashes are current, and the hash and id recompute.
import { type Bundle, type ErrorCode, type TokenCounter, bundleHash, bundleId, contentHash, isCatalyticError, parseSlice } from "@catalytic/core";
import type { Index } from "../workspace-index.js";
import { sliceSpan } from "./span.js";

export interface BundleProblem {
  /** Index of the item (items[]), absent for problems of the whole bundle. */
  item?: number;
  section_id?: string;
  code: ErrorCode;
  message: string;
}

export interface BundleVerification {
  ok: boolean;
  bundle_id: string;
  bundle_hash: string;
  items: number;
  problems: BundleProblem[];
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

function checkItem(index: Index, bundle: Bundle, i: number, counter: TokenCounter | undefined, problem: (p: BundleProblem) => void): void {
  const item = bundle.items[i]!;
  const at = (code: ErrorCode, message: string): void => problem({ item: i, section_id: item.section_id, code, message: `items[${i}] ${item.file_path}:${item.line_start}-${item.line_end}: ${message}` });
  if (item.ref !== null) {
    const symbol = index.getSymbol(item.ref);
    if (!symbol) at("CAT_SYMBOL_UNKNOWN", `ref ${item.ref} does not resolve: unknown symbol`);
    else if (symbol.sectionId === undefined || symbol.problem?.code === "CAT_SYMBOL_DUPLICATE") at(symbol.problem?.code ?? "CAT_SYMBOL_UNKNOWN", `ref ${item.ref} does not resolve: ${symbol.problem?.message ?? "no section"}`);
    else if (symbol.sectionId !== item.section_id) at("CAT_SYMBOL_STALE", `ref ${item.ref} now resolves to section ${symbol.sectionId.slice(0, 12)}, not this one`);
  }
  const section = index.getSection(item.section_id);
  if (!section) return at("CAT_SECTION_NOT_FOUND", `stale: section ${item.section_id.slice(0, 12)} no longer exists (its content changed)`);
  if (section.filePath !== item.file_path || !sameList(section.headingPath, item.heading_path)) {
    at("CAT_VERIFY_FAILED", `file_path or heading_path does not match section ${item.section_id.slice(0, 12)} (${section.filePath} ${section.headingPath.join(" > ")})`);
  }
  let text: string;
  try {
    text = index.readSection(item.section_id).text;
  } catch (error) {
    if (!isCatalyticError(error)) throw error;
    return at(error.code, `stale: ${error.message}`);
  }
  let span;
  try {
    span = sliceSpan(text, section.lineStart, parseSlice(item.slice));
  } catch (error) {
    if (!isCatalyticError(error)) throw error;
    return at(error.code, `slice ${item.slice} is invalid for the section: ${error.message}`);
  }
  if (span.lineStart !== item.line_start || span.lineEnd !== item.line_end) {
    at("CAT_VERIFY_FAILED", `slice ${item.slice} covers lines ${span.lineStart}-${span.lineEnd}, not ${item.line_start}-${item.line_end}`);
  }
  if (contentHash(span.payload) !== item.content_hash) at("CAT_INDEX_STALE", `stale: the content hash of ${item.slice} is no longer ${item.content_hash.slice(0, 12)}`);
  else if (counter && counter.count(span.payload) !== item.tokens) at("CAT_VERIFY_FAILED", `tokens: recorded ${item.tokens}, counted ${counter.count(span.payload)}`);
}

/** Never throws for a broken item: every problem is listed (a missing index is still CAT_INDEX_MISSING from Index.open). */
export function verifyBundle(index: Index, bundle: Bundle, counter: TokenCounter): BundleVerification {
  const problems: BundleProblem[] = [];
  const add = (p: BundleProblem): void => void problems.push(p);
  const whole = (code: ErrorCode, message: string): void => add({ code, message });

  const hash = bundleHash(bundle);
  if (hash !== bundle.bundle_hash) whole("CAT_VERIFY_FAILED", `bundle_hash is ${bundle.bundle_hash.slice(0, 12)} but the content hashes to ${hash.slice(0, 12)} (the bundle was edited)`);
  if (bundleId(bundle.bundle_hash, bundle.run_id) !== bundle.bundle_id) whole("CAT_VERIFY_FAILED", `bundle_id ${bundle.bundle_id} does not match its hash and run`);
  const { tokenizer, budgets } = bundle;
  const sameTokenizer = tokenizer.name === counter.info.name && tokenizer.library === counter.info.library && tokenizer.version === counter.info.version;
  if (!sameTokenizer) {
    whole("CAT_VERIFY_FAILED", `tokens were counted with ${tokenizer.name} (${tokenizer.library} ${tokenizer.version}), not ${counter.info.name} (${counter.info.library} ${counter.info.version}): token counts cannot be checked`);
  }
  const sum = bundle.items.reduce((total, item) => total + item.tokens, 0);
  if (sum !== bundle.tokens_total) whole("CAT_VERIFY_FAILED", `tokens_total is ${bundle.tokens_total} but the items sum to ${sum}`);
  if (sum > budgets.max_tokens) whole("CAT_BUDGET_EXCEEDED", `the items total ${sum} tokens, over max_tokens = ${budgets.max_tokens}`);
  if (bundle.items.length > budgets.max_items) whole("CAT_BUDGET_EXCEEDED", `${bundle.items.length} items, over max_items = ${budgets.max_items}`);
  bundle.items.forEach((item, i) => {
    if (item.tokens > budgets.max_tokens_per_item) {
      add({ item: i, section_id: item.section_id, code: "CAT_BUDGET_EXCEEDED", message: `items[${i}] ${item.file_path}: ${item.tokens} tokens, over max_tokens_per_item = ${budgets.max_tokens_per_item}` });
    }
  });
  const reused = bundle.items.filter((item) => item.reused);
  if (reused.length !== bundle.reuse.items || reused.reduce((t, item) => t + item.tokens, 0) !== bundle.reuse.tokens) {
    whole("CAT_VERIFY_FAILED", "reuse does not match the items marked reused");
  }
  const files = [...new Set(bundle.items.map((item) => item.file_path))].sort();
  if (!sameList(files, bundle.baseline.files)) whole("CAT_VERIFY_FAILED", `baseline.files is not the sorted list of the items' files (${files.join(", ")})`);

  for (let i = 0; i < bundle.items.length; i++) checkItem(index, bundle, i, sameTokenizer ? counter : undefined, add);
  return { ok: problems.length === 0, bundle_id: bundle.bundle_id, bundle_hash: bundle.bundle_hash, items: bundle.items.length, problems };
}
