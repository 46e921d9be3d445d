// Heading detection must agree with a CommonMark parser (markdown-it, HTML enabled) on every file of
// both corpora: same (line, level, text) set. Front matter is blanked for the reference parser, which
// does not know it.
import { readFileSync } from "node:fs";
import path from "node:path";
import MarkdownIt from "markdown-it";
import { describe, expect, it } from "vitest";
import { frontMatterEnd, splitLines } from "../src/front-matter.js";
import { scanHeadings } from "../src/headings.js";
import { RUST_BOOK, TLDR, listFiles } from "./corpora.js";

const parser = new MarkdownIt({ html: true });
const normalizeText = (text: string): string => text.replace(/\s+/g, " ").trim();

function referenceHeadings(text: string): string[] {
  const lines = splitLines(text);
  const end = frontMatterEnd(lines) ?? 0;
  const blanked = lines.map((line, i) => (i < end ? "" : line)).join("\n");
  const tokens = parser.parse(blanked, {});
  const out: string[] = [];
  tokens.forEach((token, i) => {
    if (token.type !== "heading_open") return;
    const inline = tokens[i + 1];
    out.push(`${token.map?.[0]}:${Number(token.tag.slice(1))}:${normalizeText(inline?.content ?? "")}`);
  });
  return out.sort();
}

function ourHeadings(text: string): string[] {
  const lines = splitLines(text);
  return scanHeadings(lines, frontMatterEnd(lines) ?? 0)
    .map((h) => `${h.line}:${h.level}:${normalizeText(h.text)}`)
    .sort();
}

function disagreements(root: string): Array<{ file: string; missing: string[]; extra: string[] }> {
  const out: Array<{ file: string; missing: string[]; extra: string[] }> = [];
  for (const file of listFiles(root).filter((f) => f.endsWith(".md"))) {
    const text = readFileSync(path.join(root, file), "utf8").replace(/\r\n?/g, "\n");
    const expected = referenceHeadings(text);
    const actual = ourHeadings(text);
    const missing = expected.filter((h) => !actual.includes(h));
    const extra = actual.filter((h) => !expected.includes(h));
    if (missing.length || extra.length) out.push({ file, missing, extra });
  }
  return out;
}

describe("heading agreement with markdown-it over the corpora", () => {
  it("agrees on every rust-book file", () => {
    expect(listFiles(RUST_BOOK).filter((f) => f.endsWith(".md")).length).toBeGreaterThan(100);
    expect(disagreements(RUST_BOOK)).toEqual([]);
  });

  it("agrees on every file of the tldr-en sample", { timeout: 300_000 }, () => {
    expect(listFiles(TLDR).filter((f) => f.endsWith(".md")).length).toBeGreaterThan(1000);
    expect(disagreements(TLDR)).toEqual([]);
  });
});
