// The one block scanner (core's markdown-blocks.ts) must agree with a CommonMark parser (markdown-it, HTML
// enabled) on every file of both corpora: the same (line, level, text) headings (the indexer's sections) and the
// same kind for every non-blank line: prose, heading, code, HTML or thematic break (what the reference scanner
// reads as prose). Front matter is blanked for the reference parser, which does not know it.
import { readFileSync } from "node:fs";
import path from "node:path";
import MarkdownIt from "markdown-it";
import { describe, expect, it } from "vitest";
import { LineKind, scanBlocks, scanHeadings, splitLines } from "@catalytic/core";
import { frontMatterEnd } from "../src/front-matter.js";
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

const KIND_OF_TOKEN: Record<string, LineKind> = {
  paragraph_open: LineKind.PROSE,
  // A table's cells are inline content: prose to us (we read tables as paragraphs).
  table_open: LineKind.PROSE,
  heading_open: LineKind.HEADING,
  fence: LineKind.CODE,
  code_block: LineKind.CODE,
  html_block: LineKind.HTML,
  hr: LineKind.BREAK,
};
const KIND_NAMES = Object.fromEntries(Object.entries(LineKind).map(([name, kind]) => [kind, name]));

/** `line:KIND` for every non-blank line after front matter whose kind differs between markdown-it and us. */
function kindDisagreements(text: string): string[] {
  const lines = splitLines(text);
  const end = frontMatterEnd(lines) ?? 0;
  const expected = new Uint8Array(lines.length);
  for (const token of parser.parse(lines.map((line, i) => (i < end ? "" : line)).join("\n"), {})) {
    const kind = KIND_OF_TOKEN[token.type];
    if (kind !== undefined && token.map) expected.fill(kind, token.map[0], token.map[1]);
  }
  const { kinds } = scanBlocks(lines, end);
  const out: string[] = [];
  for (let i = end; i < lines.length; i++) {
    if ((lines[i] as string).trim() === "" || kinds[i] === expected[i]) continue;
    out.push(`${i}: markdown-it ${KIND_NAMES[expected[i] as number]}, ours ${KIND_NAMES[kinds[i] as number]}`);
  }
  return out;
}

function disagreements(root: string): Array<{ file: string; missing: string[]; extra: string[]; kinds: string[] }> {
  const out: Array<{ file: string; missing: string[]; extra: string[]; kinds: string[] }> = [];
  for (const file of listFiles(root).filter((f) => f.endsWith(".md"))) {
    const text = readFileSync(path.join(root, file), "utf8").replace(/\r\n?/g, "\n");
    const expected = referenceHeadings(text);
    const actual = ourHeadings(text);
    const missing = expected.filter((h) => !actual.includes(h));
    const extra = actual.filter((h) => !expected.includes(h));
    const kinds = kindDisagreements(text);
    if (missing.length || extra.length || kinds.length) out.push({ file, missing, extra, kinds });
  }
  return out;
}

describe("block scanner agreement with markdown-it over the corpora (headings and line kinds)", () => {
  it("agrees on every rust-book file", () => {
    expect(listFiles(RUST_BOOK).filter((f) => f.endsWith(".md")).length).toBeGreaterThan(100);
    expect(disagreements(RUST_BOOK)).toEqual([]);
  });

  it("agrees on every file of the tldr-en sample", { timeout: 300_000 }, () => {
    expect(listFiles(TLDR).filter((f) => f.endsWith(".md")).length).toBeGreaterThan(1000);
    expect(disagreements(TLDR)).toEqual([]);
  });
});
