// The Markdown context pack an agent reads (docs/bundles.md#format): totals first, then each chunk with one
// provenance line and a visible marker wherever the chunk was cut from a longer section.
import { type Bundle, escapeText } from "@catalytic/core";
import type { BundleChunk } from "./types.js";

const CUT_ABOVE = "✂ cut: the section continues above";
const CUT_BELOW = "✂ cut: the section continues below";

/** A backtick fence longer than any backtick run in the text, so content never closes it. */
function fenceFor(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  return "`".repeat(Math.max(3, longest + 1));
}

function languageOf(filePath: string): string {
  const extension = filePath.slice(filePath.lastIndexOf(".") + 1).toLowerCase();
  return filePath.includes(".") ? ({ md: "markdown", markdown: "markdown", ts: "ts", js: "js", py: "python", json: "json", yaml: "yaml", yml: "yaml", sql: "sql" }[extension] ?? "") : "";
}

function percent(part: number, whole: number): string {
  return whole === 0 ? "0%" : `${((100 * part) / whole).toFixed(1)}%`;
}

export function renderBundleMarkdown(bundle: Bundle, chunks: readonly BundleChunk[]): string {
  const out: string[] = [];
  const { budgets, reuse, baseline } = bundle;
  out.push(`# Context bundle: ${escapeText(bundle.intent.replace(/\s+/g, " ").trim())}`, "");
  out.push(
    `- **${bundle.items.length} item(s), ${bundle.tokens_total} tokens** of ${budgets.max_tokens} (at most ${budgets.max_items} items, ${budgets.max_tokens_per_item} tokens each)`,
    `- whole files instead: ${baseline.tokens} tokens in ${baseline.files.length} file(s); this bundle is ${percent(bundle.tokens_total, baseline.tokens)} of that`,
    `- reused in run ${bundle.run_id ?? "(none)"}: ${reuse.items} item(s), ${reuse.tokens} tokens (content not repeated below)`,
    `- dropped: ${bundle.dropped.length} candidate(s)${bundle.dropped.length ? ` (${bundle.dropped.map((d) => `${escapeText(d.file_path)}:${d.line_start}-${d.line_end} ${d.why}`).join("; ")})` : ""}`,
    `- ${bundle.bundle_id}, hash ${bundle.bundle_hash.slice(0, 12)}, tokenizer ${bundle.tokenizer.name} (${bundle.tokenizer.library} ${bundle.tokenizer.version})`,
  );
  bundle.items.forEach((item, i) => {
    const chunk = chunks[i];
    const lines = `${escapeText(item.file_path)}:${item.line_start}-${item.line_end}`;
    const where = item.ref !== null ? `\`${item.ref}\` · ${lines}` : `\`${lines}\``;
    // Paths and headings come from the workspace: no control character reaches a terminal.
    const heading = item.heading_path.length ? escapeText(item.heading_path.join(" > ")) : "(whole file)";
    const score = item.score === null ? item.reason : `${item.reason} ${item.score}`;
    out.push("", `## ${i + 1}. ${heading}`, "");
    out.push(`${where} \`${item.slice}\` · ${heading} · ${item.content_hash.slice(0, 8)} · ${item.tokens} tokens · ${score}`);
    if (item.reused) {
      out.push("", `*(reused: run ${bundle.run_id} already holds this content; not repeated)*`);
      return;
    }
    if (!chunk) return;
    const fence = fenceFor(chunk.text);
    out.push("");
    if (chunk.cutBefore) out.push(`> ${CUT_ABOVE}`, "");
    out.push(`${fence}${languageOf(item.file_path)}`, chunk.text.replace(/\n$/, ""), fence);
    if (chunk.cutAfter) out.push("", `> ${CUT_BELOW}`);
  });
  return `${out.join("\n")}\n`;
}
