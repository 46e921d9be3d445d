// Heading detection on the constructs that decide it, each checked against explicit expectations and
// against markdown-it (the reference CommonMark parser).
import MarkdownIt from "markdown-it";
import { describe, expect, it } from "vitest";
import { scanHeadings, splitLines } from "@catalytic/core";
import { frontMatterEnd } from "../src/front-matter.js";

const reference = new MarkdownIt({ html: true });

function ours(text: string): Array<[number, number, string]> {
  const lines = splitLines(text);
  return scanHeadings(lines, frontMatterEnd(lines) ?? 0).map((h) => [h.line, h.level, h.text]);
}

/** markdown-it's headings, with front matter blanked (markdown-it does not know front matter). */
function theirs(text: string): Array<[number, number, string]> {
  const lines = splitLines(text);
  const end = frontMatterEnd(lines) ?? 0;
  const tokens = reference.parse(lines.map((line, i) => (i < end ? "" : line)).join("\n"), {});
  const out: Array<[number, number, string]> = [];
  tokens.forEach((t, i) => {
    if (t.type === "heading_open") out.push([t.map![0], Number(t.tag.slice(1)), (tokens[i + 1]!.content ?? "").replace(/\s+/g, " ").trim()]);
  });
  return out;
}

const cases: Array<{ name: string; text: string; expected: Array<[number, number, string]> }> = [
  { name: "ATX levels and closing #s", text: "# One #\n## Two ##   \n### Three#\n####### seven\n#nospace\n", expected: [[0, 1, "One"], [1, 2, "Two"], [2, 3, "Three#"]] },
  { name: "empty ATX heading", text: "#\n## ##\n", expected: [[0, 1, ""], [1, 2, ""]] },
  { name: "setext headings, multi-line", text: "Title\n=====\n\nSub one\nsub two\n---\n", expected: [[0, 1, "Title"], [3, 2, "Sub one sub two"]] },
  { name: "thematic break is not setext after a blank", text: "para\n\n---\n", expected: [] },
  { name: "fenced code hides headings", text: "```md\n# not\n```\n~~~~\n# not\n~~~\n# still not\n~~~~\n# yes\n", expected: [[8, 1, "yes"]] },
  { name: "unclosed fence runs to the end", text: "```\n# not\n", expected: [] },
  { name: "backtick fence info cannot hold a backtick", text: "``` a`b\n# heading\n", expected: [[1, 1, "heading"]] },
  { name: "indented code hides headings but not inside a paragraph", text: "    # code\n\npara\n    # continuation\n", expected: [] },
  { name: "HTML block until a blank line", text: "<div>\n# not\n\n# yes\n", expected: [[3, 1, "yes"]] },
  { name: "HTML comment until -->", text: "<!--\n# not\n\n# not either\n-->\n# yes\n", expected: [[5, 1, "yes"]] },
  { name: "type 7 tag cannot interrupt a paragraph", text: "para\n<Custom>\n# yes\n", expected: [[2, 1, "yes"]] },
  { name: "block quote and list item headings count", text: "> # Quoted\n\n- ## Listed\n\n1. Setext in item\n   ---\n", expected: [[0, 1, "Quoted"], [2, 2, "Listed"], [4, 2, "Setext in item"]] },
  { name: "lazy continuation is not a setext underline", text: "> quote\n===\n", expected: [] },
  { name: "fence inside a list item", text: "- item\n\n  ```\n  # not\n  ```\n# yes\n", expected: [[5, 1, "yes"]] },
  { name: "an empty list item ends a lazy continuation", text: "> text\n-\n\t# tab\n", expected: [[2, 1, "tab"]] },
  { name: "tabs expand to 4 columns", text: "\t# code\n#\tTabbed\n", expected: [[1, 1, "Tabbed"]] },
];

describe("scanHeadings", () => {
  for (const c of cases) {
    it(c.name, () => {
      expect(ours(c.text)).toEqual(c.expected);
      expect(ours(c.text)).toEqual(theirs(c.text));
    });
  }

  it("skips front matter (the reference parser sees it blanked)", () => {
    const text = "---\ntitle: x\n# not a heading\n---\n# Real\n";
    expect(ours(text)).toEqual([[4, 1, "Real"]]);
    expect(frontMatterEnd(splitLines(text))).toBe(4);
  });

  it("setext heading line range covers text and underline", () => {
    const [heading] = scanHeadings(splitLines("A\nB\n==\nbody\n"));
    expect(heading).toEqual({ line: 0, endLine: 3, level: 1, text: "A B" });
  });
});

// Differential check on random documents built from the constructs above (fixed seed: deterministic).
const PIECES = [
  "# h", "## h2 ##", "text", "", "    code", "```", "~~~", "> # q", "> text", ">", "- item", "- # li", "1. one", "2) two",
  "  cont", "===", "---", "***", "<div>", "</div>", "<!--", "-->", '<x-y a="1">', "  - nested", "\t# tab", "   ### three",
  "* * *", "-", "> - # ql", "```js", "  ```", ">     code", "- ```", "<pre>", "</pre>", "   >  # sp", "  # two", "#5 bolt",
  "<script>", "</script>", "<?php", "?>", "<![CDATA[", "]]>", "<!DOCTYPE html>", "    - item", "10. ten", "1.", "- ", ">>",
  "> > # deep", "``` `x`", "~~~ `ok`", "\\# escaped", "#hashtag", " #  spaced  # ", "1.  # h", "<table>", "<Custom attr='x'/>",
  "-\t# tabbed", ">\t# qt", "  ---", "   ===", "    ===", "- - -", "+ plus", "0. zero",
];

describe("scanHeadings against markdown-it on random documents", () => {
  it("agrees on 20,000 generated documents", () => {
    let seed = 20260;
    const random = (): number => {
      // mulberry32: a small PRNG with 32-bit integer arithmetic (no float precision loss, no short cycles)
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const disagreements: string[] = [];
    const distinct = new Set<string>();
    for (let n = 0; n < 20_000; n++) {
      const lines = Array.from({ length: 1 + Math.floor(random() * 8) }, () => PIECES[Math.floor(random() * PIECES.length)]);
      const text = `${lines.join("\n")}\n`;
      distinct.add(text);
      if (JSON.stringify(ours(text)) !== JSON.stringify(theirs(text))) disagreements.push(text);
    }
    expect(distinct.size).toBeGreaterThan(15_000);
    expect(disagreements).toEqual([]);
  });
});
