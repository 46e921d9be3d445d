import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ReferenceSyntaxError } from "./errors.js";
import { isSymbolId, parseReference, scanReferences } from "./references.js";

const texts = (markdown: string): string[] => scanReferences(markdown).map((m) => m.text);

describe("scanReferences: reference shape", () => {
  it("reads every part of a full reference with its ranges", () => {
    const [match, ...rest] = scanReferences("See @CONTRACTS/PLAN#budgets:lines[0:20] now.");
    expect(rest).toEqual([]);
    expect(match).toEqual({
      text: "@CONTRACTS/PLAN#budgets:lines[0:20]",
      symbolId: "@CONTRACTS/PLAN",
      namespace: "CONTRACTS",
      name: "PLAN",
      slug: "budgets",
      slice: "lines[0:20]",
      range: { start: { line: 0, character: 4 }, end: { line: 0, character: 39 } },
      symbolRange: { start: { line: 0, character: 4 }, end: { line: 0, character: 19 } },
      sliceRange: { start: { line: 0, character: 28 }, end: { line: 0, character: 39 } },
      start: 4,
      end: 39,
    });
  });

  it("reads nested names, slugs alone and slices alone", () => {
    const matches = scanReferences("@SKILLS/ants/run_v1.2 and @A/B#unicode-überschrift and @T_2/x:head(40) and @A/B:ALL");
    expect(matches.map((m) => [m.symbolId, m.name, m.slug, m.slice])).toEqual([
      ["@SKILLS/ants/run_v1.2", "ants/run_v1.2", undefined, undefined],
      ["@A/B", "B", "unicode-überschrift", undefined],
      ["@T_2/x", "x", undefined, "head(40)"],
      ["@A/B", "B", undefined, "ALL"],
    ]);
    expect(matches[0]).not.toHaveProperty("slug");
    expect(matches[0]).not.toHaveProperty("sliceRange");
  });

  it("does not validate slice text but keeps keyword and bracket shape", () => {
    expect(scanReferences("@A/B:lines[9:1]")[0]?.slice).toBe("lines[9:1]");
    expect(scanReferences("@A/B:LINES[x]")[0]?.slice).toBe("LINES[x]");
    expect(scanReferences("@A/B:all.")[0]?.slice).toBe("all");
    expect(texts("@A/B:allowed")).toEqual(["@A/B"]);
    expect(texts("@A/B:lines[0:")).toEqual(["@A/B"]);
    expect(texts("@A/B:lines(0:1]")).toEqual(["@A/B"]);
    expect(texts(`@A/B:head(${"1".repeat(64)})`)).toEqual([`@A/B:head(${"1".repeat(64)})`]);
    expect(texts(`@A/B:head(${"1".repeat(65)})`)).toEqual(["@A/B"]);
    expect(texts("@A/B:lines[0:\n2]")).toEqual(["@A/B"]);
  });

  it("treats ':' followed by prose as prose", () => {
    expect(texts("@CANON/X: prose")).toEqual(["@CANON/X"]);
    expect(texts("@CANON/X:prose")).toEqual(["@CANON/X"]);
    expect(scanReferences("@CANON/X: prose")[0]?.end).toBe(8);
  });

  it("excludes trailing punctuation", () => {
    const cases: Array<[string, string]> = [
      ["see @CANON/AGREEMENT.", "@CANON/AGREEMENT"],
      ["see @CANON/AGREEMENT...", "@CANON/AGREEMENT"],
      ["@A/B-", "@A/B"],
      ["@A/B/", "@A/B"],
      ["@A/B/.", "@A/B"],
      ["@A/B,", "@A/B"],
      ["@A/B;", "@A/B"],
      ["@A/B:", "@A/B"],
      ["@A/B!", "@A/B"],
      ["@A/B?", "@A/B"],
      ["(@A/B)", "@A/B"],
      ["[@A/B]", "@A/B"],
      ['"@A/B"', "@A/B"],
      ["'@A/B'", "@A/B"],
      ["«@A/B»", "@A/B"],
      ["@A/B#intro.", "@A/B#intro"],
      ["@A/B#intro-", "@A/B#intro"],
      ["@A/B#.", "@A/B"],
      ["@A/B#", "@A/B"],
      ["@A/v1.2.", "@A/v1.2"],
      ["@A/B//C", "@A/B"],
    ];
    for (const [markdown, expected] of cases) expect(texts(markdown), markdown).toEqual([expected]);
  });

  it("keeps a trailing '-' or '.' that a slug or slice follows", () => {
    expect(scanReferences("@A/B-#x")[0]?.name).toBe("B-");
    expect(scanReferences("@A/B#x-:head(3)")[0]?.slug).toBe("x-");
  });

  it("finds references in parentheses, brackets and links", () => {
    expect(texts("[x](@A/B) and [@C/D](url) and (see @E/F)")).toEqual(["@A/B", "@C/D", "@E/F"]);
    // '_' is a name character, so underscore emphasis keeps it.
    expect(texts("*@A/B* **@C/D** _@E/F_")).toEqual(["@A/B", "@C/D", "@E/F_"]);
  });

  it("rejects emails, lower-case namespaces and '@' after letters, digits, '.', '@' or '/'", () => {
    expect(texts("mail a@b.com or x@Y/Z or 1@A/B or x.@Y/Z or @@A/B or /@A/B or é@A/B")).toEqual([]);
    expect(texts("@foo and @foo/bar and @A and @A/ and @1A/B and @/B")).toEqual([]);
    expect(texts("@Ab/c")).toEqual([]);
    expect(texts("-@A/B and _@C/D and #@E/F")).toEqual(["@A/B", "@C/D", "@E/F"]);
  });
});

describe("scanReferences: skipped regions", () => {
  it("scans headings and handles empty documents", () => {
    expect(texts("")).toEqual([]);
    expect(texts("\r\n\r\n")).toEqual([]);
    expect(texts("## See @A/H\nSetext @A/S\n===\n@A/P")).toEqual(["@A/H", "@A/S", "@A/P"]);
    expect(scanReferences("# T\n\n@A/B")[0]?.range.start).toEqual({ line: 2, character: 0 });
  });

  it("skips backtick and tilde fences, with info strings and longer closers", () => {
    const markdown = [
      "@A/ONE",
      "```ts title=x",
      "@A/IN1",
      "```",
      "@A/TWO",
      "~~~~",
      "@A/IN2",
      "~~~",
      "still code @A/IN3",
      "~~~~~~",
      "@A/THREE",
      "  ````",
      "@A/IN4",
      "   `````",
      "@A/FOUR",
    ].join("\n");
    expect(texts(markdown)).toEqual(["@A/ONE", "@A/TWO", "@A/THREE", "@A/FOUR"]);
  });

  it("does not open a fence with a backtick in the info string or with 4 spaces of indent inside a paragraph", () => {
    expect(texts("``` a`b @A/X ```\n@A/Y")).toEqual(["@A/Y"]);
    expect(texts("para\n    ```\n@A/Y")).toEqual(["@A/Y"]);
  });

  it("runs an unclosed fence to the end of the document", () => {
    expect(texts("@A/B\n```\n@A/C\n\n@A/D\n``")).toEqual(["@A/B"]);
  });

  it("skips fences inside blockquotes and list items", () => {
    expect(texts("> ```\n> @A/IN\n> ```\n> @A/OUT")).toEqual(["@A/OUT"]);
    expect(texts("> ```\n> @A/IN\n\n@A/OUT")).toEqual(["@A/OUT"]);
    expect(texts("- ```\n  @A/IN\n  ```\n- @A/OUT")).toEqual(["@A/OUT"]);
    expect(texts("1. item\n\n   ~~~\n   @A/IN\n   ~~~\n   @A/OUT")).toEqual(["@A/OUT"]);
    expect(texts("- ```\n  @A/IN\n@A/OUT")).toEqual(["@A/OUT"]);
  });

  it("skips indented code but not indented list continuation", () => {
    expect(texts("text\n\n    @A/CODE\n\n@A/OUT")).toEqual(["@A/OUT"]);
    expect(texts("text\n    @A/LAZY")).toEqual(["@A/LAZY"]);
    expect(texts("- item\n\n    @A/CONT")).toEqual(["@A/CONT"]);
    expect(texts("\t@A/TAB\n\n@A/OUT")).toEqual(["@A/OUT"]);
  });

  // Each expectation below was checked against markdown-it 14 (CommonMark).
  it("follows CommonMark on list items, quotes, tabs and paragraph interruption", () => {
    expect(texts("-      @A/CODE\n\n@A/OUT")).toEqual(["@A/OUT"]); // 5+ spaces after a marker: indented code in the item
    expect(texts("- 1.      @A/CODE\n\n@A/OUT")).toEqual(["@A/OUT"]); // nested markers on one line
    expect(texts("*\t   @A/CODE\n\n@A/OUT")).toEqual(["@A/OUT"]); // a tab after the marker counts to the tab stop
    expect(texts("> \t1.  @A/OUT")).toEqual(["@A/OUT"]); // "> " then a tab is 2 columns of indent, not 4
    expect(texts("- > ```\n  > @A/IN\n  > ```\n- @A/OUT")).toEqual(["@A/OUT"]); // a fence in a quote in a list item
    expect(texts("1. \n       @A/CODE\n\n@A/OUT")).toEqual(["@A/OUT"]); // an empty first line of an item
    expect(texts("text\n>     @A/CODE")).toEqual([]); // a quote starts a new paragraph context
    expect(texts("> a\n@A/LAZY")).toEqual(["@A/LAZY"]); // lazy continuation
    expect(texts("Title\n---\n    @A/CODE")).toEqual([]); // setext underline ends the paragraph
    expect(texts("Title\n- \n     @A/CODE")).toEqual([]); // "-" under a paragraph is a setext underline too
    expect(texts("text\n***\n    @A/CODE")).toEqual([]); // thematic break
    expect(texts("a `x\n2. y` @A/OUT")).toEqual(["@A/OUT"]); // "2." cannot interrupt a paragraph: the span continues
    expect(texts("a `x\n- y` @A/OUT")).toEqual(["@A/OUT"]); // a bullet does interrupt: "`x" is literal
    expect(texts("> <!--\n\n--> @A/OUT")).toEqual(["@A/OUT"]); // a comment block in a quote ends with the quote
    expect(texts("- <!--\nnot indented @A/OUT")).toEqual(["@A/OUT"]); // ... and in a list item with the item
    expect(texts("a \\<!-- @A/OUT -->")).toEqual(["@A/OUT"]); // an escaped '<' opens no comment
  });

  it("skips inline code spans, including multi-line spans and longer runs", () => {
    expect(texts("a `@A/IN` b @A/OUT")).toEqual(["@A/OUT"]);
    expect(texts("a ``x ` @A/IN`` @A/OUT")).toEqual(["@A/OUT"]);
    expect(texts("a `x\n@A/IN\ny` @A/OUT")).toEqual(["@A/OUT"]);
    expect(texts("unmatched ` @A/OUT1 and `` @A/OUT2")).toEqual(["@A/OUT1", "@A/OUT2"]);
    expect(texts("a `x\n\n@A/OUT` y")).toEqual(["@A/OUT"]);
    expect(texts("\\`@A/OUT`")).toEqual(["@A/OUT"]);
    expect(texts("``@A/IN\\`` @A/OUT")).toEqual(["@A/OUT"]);
  });

  it("skips front matter and HTML comments", () => {
    expect(texts("---\nsymbols:\n  \"@A/IN\": []\n---\n@A/OUT")).toEqual(["@A/OUT"]);
    expect(texts("---\ntitle: x @A/IN\n...\n@A/OUT")).toEqual(["@A/OUT"]);
    expect(texts("---\n@A/UNCLOSED")).toEqual(["@A/UNCLOSED"]);
    expect(texts("x\n---\n@A/OUT\n---")).toEqual(["@A/OUT"]);
    expect(texts("<!-- @A/IN\n\n@A/IN2 -->\n@A/OUT")).toEqual(["@A/OUT"]);
    expect(texts("a <!-- @A/IN --> @A/OUT <!-- unclosed @A/OUT2")).toEqual(["@A/OUT", "@A/OUT2"]);
    expect(texts("<!---->@A/OUT is after")).toEqual([]);
  });

  // The same block scanner cuts the indexer's sections, so HTML blocks are skipped here as they are there.
  it("skips HTML blocks and link reference definitions as CommonMark does, not inline HTML", () => {
    expect(texts("<div>\n@A/IN\n</div>\n\n@A/OUT")).toEqual(["@A/OUT"]);
    expect(texts("<details>\n<summary>@A/IN</summary>\n\n@A/OUT\n</details>")).toEqual(["@A/OUT"]);
    expect(texts("text <span>@A/OUT</span>")).toEqual(["@A/OUT"]);
    expect(texts("<span>@A/OUT</span>")).toEqual(["@A/OUT"]);
    expect(texts("[a]: @A/IN\n@A/OUT")).toEqual(["@A/OUT"]);
    expect(texts("para\n[a]: @A/OUT")).toEqual(["@A/OUT"]);
  });
});

describe("scanReferences: positions", () => {
  it("counts UTF-16 code units before a reference", () => {
    const [match] = scanReferences("😀 @A/B");
    expect(match?.range.start).toEqual({ line: 0, character: 3 });
    expect(match?.start).toBe(3);
    const [cjk] = scanReferences("日本 @A/B");
    expect(cjk?.range.start).toEqual({ line: 0, character: 3 });
  });

  it("gives correct lines and characters with CRLF and CR", () => {
    const markdown = "first\r\n\r\n x @A/B:head(3)\r\n```\r\n@A/IN\r\n```\r\n@C/D\rtext @E/F";
    const matches = scanReferences(markdown);
    expect(matches.map((m) => [m.text, m.range.start, m.range.end])).toEqual([
      ["@A/B:head(3)", { line: 2, character: 3 }, { line: 2, character: 15 }],
      ["@C/D", { line: 6, character: 0 }, { line: 6, character: 4 }],
      ["@E/F", { line: 7, character: 5 }, { line: 7, character: 9 }],
    ]);
    expect(matches[0]?.sliceRange).toEqual({ start: { line: 2, character: 8 }, end: { line: 2, character: 15 } });
    for (const m of matches) expect(markdown.slice(m.start, m.end)).toBe(m.text);
  });
});

describe("parseReference and isSymbolId", () => {
  it("parses exactly one reference", () => {
    expect(parseReference("@CONTRACTS/PLAN#budgets:lines[0:20]")).toEqual({
      symbolId: "@CONTRACTS/PLAN",
      namespace: "CONTRACTS",
      name: "PLAN",
      slug: "budgets",
      slice: "lines[0:20]",
    });
    expect(parseReference("@A/b/c")).toEqual({ symbolId: "@A/b/c", namespace: "A", name: "b/c" });
  });

  it("throws CAT_SYMBOL_INVALID for anything else", () => {
    for (const text of ["", "A/B", "@a/B", "@A/B.", "@A/B extra", " @A/B", "@A/B:prose", "@A/B#", "@A//B", "@A/B@C/D"]) {
      try {
        parseReference(text);
        expect.unreachable(text);
      } catch (error) {
        expect(error, text).toBeInstanceOf(ReferenceSyntaxError);
        expect((error as ReferenceSyntaxError).code).toBe("CAT_SYMBOL_INVALID");
        expect((error as ReferenceSyntaxError).hint).toContain("@NAMESPACE/name");
      }
    }
  });

  it("recognises bare symbol ids", () => {
    expect(isSymbolId("@CANON/AGREEMENT")).toBe(true);
    expect(isSymbolId("@SKILLS/a/b.c")).toBe(true);
    expect(isSymbolId("@CANON/AGREEMENT#x")).toBe(false);
    expect(isSymbolId("@CANON/AGREEMENT:head(3)")).toBe(false);
    expect(isSymbolId("@CANON/")).toBe(false);
    expect(isSymbolId("@canon/x")).toBe(false);
    expect(isSymbolId("@A/x-")).toBe(false);
  });
});

const reference = fc
  .tuple(
    fc.constantFrom("A", "CANON", "NS_2"),
    fc.constantFrom("B", "x/y", "v1.2", "a-b", "Q."),
    fc.constantFrom("", "#intro", "#über-x", "#a-"),
    fc.constantFrom("", ":lines[0:2]", ":head(5)", ":ALL", ":chars[bad]", ": prose"),
  )
  .map(([ns, name, slug, slice]) => `@${ns}/${name}${slug}${slice}`);
const piece = fc.oneof(
  reference,
  fc.constantFrom(" ", "\n", "\r\n", "\n\n", "```", "~~~", "`", "``", "> ", "- ", "    ", "<!--", "-->", "---", "a@b.com", "x.", "😀", "日本", "é", "#", ":", "/", "@", "\\", "(", ")"),
  fc.string({ maxLength: 6 }),
  fc.string({ unit: "binary", maxLength: 4 }),
);
const markdownish = fc.array(piece, { maxLength: 40 }).map((pieces) => pieces.join(""));

describe("scanReferences properties", () => {
  it("reports matches whose offsets and ranges cover exactly their text, and that parse back the same", () => {
    fc.assert(
      fc.property(markdownish, (markdown) => {
        const lines = markdown.split(/\r\n|\r|\n/);
        const lineStarts: number[] = [];
        let offset = 0;
        for (const match of markdown.matchAll(/[^\r\n]*(\r\n|\r|\n|$)/g)) {
          lineStarts.push(offset);
          offset += match[0].length;
          if (offset >= markdown.length) break;
        }
        let previousEnd = 0;
        for (const m of scanReferences(markdown)) {
          expect(markdown.slice(m.start, m.end)).toBe(m.text);
          expect(m.start).toBeGreaterThanOrEqual(previousEnd);
          previousEnd = m.end;
          const { line, character } = m.range.start;
          expect(lines[line]?.slice(character, character + m.text.length)).toBe(m.text);
          expect(lineStarts[line]! + character).toBe(m.start);
          expect(m.range.end).toEqual({ line, character: character + m.text.length });
          expect(lines[line]?.slice(m.symbolRange.start.character, m.symbolRange.end.character)).toBe(m.symbolId);
          if (m.sliceRange) expect(lines[line]?.slice(m.sliceRange.start.character, m.sliceRange.end.character)).toBe(m.slice);
          const parsed = parseReference(m.text);
          expect(parsed.symbolId).toBe(m.symbolId);
          expect(parsed.slug).toBe(m.slug);
          expect(parsed.slice).toBe(m.slice);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("finds every generated reference in plain prose", () => {
    fc.assert(
      fc.property(fc.array(reference, { minLength: 1, maxLength: 8 }), (refs) => {
        const markdown = refs.join(" and ");
        const found = scanReferences(markdown).map((m) => m.symbolId);
        expect(found).toEqual(refs.map((r) => parseReference(scanReferences(r)[0]!.text).symbolId));
      }),
    );
  });
});

describe("scanReferences is linear", () => {
  function timed(markdown: string): { ms: number; count: number } {
    const started = performance.now();
    const count = scanReferences(markdown).length;
    return { ms: performance.now() - started, count };
  }

  it("scans hostile and large inputs quickly (guard only; figures printed)", () => {
    const cases: Array<[string, string, number]> = [
      ["1 MB of '@A/' on one line", "@A/".repeat(350_000), 0],
      ["1 MB of 'a' on one line", "a".repeat(1_000_000), 0],
      ["1 MB of '`' runs", "`` ` ``` ".repeat(110_000), 0],
      ["1 MB of '<!--'", "<!--".repeat(250_000), 0],
      ["1 MB of ' @A/'", " @A/".repeat(250_000), 0],
      ["1 MB of ' @A/b:lines[' (unclosed slices)", " @A/b:lines[".repeat(80_000), 80_000],
      ["1 MB '@' + 'A'", `@${"A".repeat(1_000_000)}`, 0],
      ["1 MB slug", `@A/b#${"c".repeat(1_000_000)}`, 1],
      ["1 MB of '> ' on one line", "> ".repeat(500_000), 0],
      ["1 MB of '1. ' on one line", "1. ".repeat(333_000), 0],
      ["backtick runs of every length", Array.from({ length: 1400 }, (_, i) => "`".repeat(i + 1)).join(" @A/B "), 1399],
      ["1 MB of '\\'", "\\".repeat(500_000) + "`@A/B`", 0],
      ["200k-line document", Array.from({ length: 200_000 }, (_, i) => (i % 50 === 0 ? "```" : `line ${i} see @CANON/DOC${i}#part:lines[0:2] and \`x\``)).join("\n"), 98_000],
    ];
    for (const [label, markdown, expectedCount] of cases) {
      const { ms, count } = timed(markdown);
      process.stdout.write(`scanReferences ${label}: ${ms.toFixed(1)} ms, ${count} references, ${(markdown.length / 1e6 / (ms / 1000)).toFixed(1)} M code units/s\n`);
      expect(count).toBe(expectedCount);
      expect(ms).toBeLessThan(2000);
    }
  });
});
