import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkConfigText } from "./config.js";
import { SliceError } from "./errors.js";
import { applySlice, checkSliceBounds, formatSlice, lineCount, parseSlice, type Slice } from "./slice.js";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SliceError);
    return (error as SliceError).code;
  }
  return undefined;
}

describe("parseSlice", () => {
  it("parses every form", () => {
    expect(parseSlice("lines[0:20]")).toEqual({ kind: "lines", start: 0, end: 20 });
    expect(parseSlice("chars[3:9]")).toEqual({ kind: "chars", start: 3, end: 9 });
    expect(parseSlice("head(400)")).toEqual({ kind: "head", count: 400 });
    expect(parseSlice("tail(10)")).toEqual({ kind: "tail", count: 10 });
    expect(parseSlice(`head(${Number.MAX_SAFE_INTEGER})`)).toEqual({ kind: "head", count: Number.MAX_SAFE_INTEGER });
  });

  it("accepts keywords in any case and formats them canonically", () => {
    expect(parseSlice("LINES[1:2]")).toEqual({ kind: "lines", start: 1, end: 2 });
    expect(formatSlice(parseSlice("Head(5)"))).toBe("head(5)");
  });

  it("trims outer whitespace only", () => {
    expect(parseSlice("  head(10)\n")).toEqual({ kind: "head", count: 10 });
    expect(parseSlice("\tlines[0:1] ")).toEqual({ kind: "lines", start: 0, end: 1 });
    for (const text of ["head( 10)", "lines[0 :1]", "lines [0:1]", "head(10 )", "chars[1: 2]"]) {
      expect(codeOf(() => parseSlice(text)), text).toBe("CAT_SLICE_MALFORMED");
    }
  });

  it("forbids ALL in any case", () => {
    for (const text of ["ALL", "all", "All", " aLl "]) expect(codeOf(() => parseSlice(text))).toBe("CAT_SLICE_ALL_FORBIDDEN");
  });

  it("rejects negative numbers", () => {
    for (const text of ["lines[-1:2]", "lines[0:-2]", "chars[-3:-1]", "head(-1)", "tail(-5)", "lines[5:-2]"]) {
      expect(codeOf(() => parseSlice(text)), text).toBe("CAT_SLICE_NEGATIVE");
    }
  });

  it("rejects empty ranges and zero counts", () => {
    expect(codeOf(() => parseSlice("lines[2:2]"))).toBe("CAT_SLICE_EMPTY_RANGE");
    expect(codeOf(() => parseSlice("chars[5:1]"))).toBe("CAT_SLICE_EMPTY_RANGE");
    expect(codeOf(() => parseSlice("head(0)"))).toBe("CAT_SLICE_ZERO_COUNT");
    expect(codeOf(() => parseSlice("tail(0)"))).toBe("CAT_SLICE_ZERO_COUNT");
  });

  it("rejects malformed text", () => {
    const malformed = [
      "",
      "   ",
      "lines",
      "lines[0:2",
      "lines(0:2)",
      "lines[0,2]",
      "lines[0:2]x",
      "lines[:2]",
      "lines[0:]",
      "head[3]",
      "head(3",
      "head()",
      "head(1.5)",
      "head(1e3)",
      "head(01)",
      "lines[00:2]",
      "head(-0)",
      "head(+3)",
      "head(٣)",
      "rows[0:2]",
      "head(3)(4)",
      `head(${Number.MAX_SAFE_INTEGER + 1})`,
      "head(99999999999999999999999)",
      "ALL(3)",
    ];
    for (const text of malformed) expect(codeOf(() => parseSlice(text)), text).toBe("CAT_SLICE_MALFORMED");
  });

  it("gives every error a hint", () => {
    try {
      parseSlice("head(x)");
      expect.unreachable();
    } catch (error) {
      expect((error as SliceError).hint).toContain("head(n)");
      expect((error as SliceError).message).toContain('"head(x)"');
    }
  });

  it("round-trips canonical text", () => {
    for (const text of ["lines[0:20]", "chars[3:9]", "head(400)", "tail(10)", "lines[7:8]"]) {
      expect(formatSlice(parseSlice(text))).toBe(text);
    }
  });
});

describe("lineCount", () => {
  it("counts lines of normalised text", () => {
    expect(lineCount("")).toBe(0);
    expect(lineCount("a")).toBe(1);
    expect(lineCount("a\n")).toBe(1);
    expect(lineCount("a\nb")).toBe(2);
    expect(lineCount("\n")).toBe(1);
    expect(lineCount("\n\n")).toBe(2);
    expect(lineCount("a\r\nb\r\n")).toBe(2);
    expect(lineCount("a\rb\rc")).toBe(3);
  });
});

describe("applySlice", () => {
  const doc = "zero\none\ntwo\nthree\n";

  it("takes lines with their terminators", () => {
    expect(applySlice(doc, parseSlice("lines[0:1]"))).toBe("zero\n");
    expect(applySlice(doc, parseSlice("lines[1:3]"))).toBe("one\ntwo\n");
    expect(applySlice(doc, parseSlice("lines[3:4]"))).toBe("three\n");
    expect(applySlice("a\nb", parseSlice("lines[1:2]"))).toBe("b");
    expect(applySlice("a\nb", parseSlice("lines[0:2]"))).toBe("a\nb");
    expect(applySlice("a\n\nb\n", parseSlice("lines[1:2]"))).toBe("\n");
  });

  it("normalises CRLF and CR before slicing", () => {
    expect(applySlice("a\r\nb\r\nc", parseSlice("lines[1:3]"))).toBe("b\nc");
    expect(applySlice("a\rb\rc", parseSlice("lines[0:2]"))).toBe("a\nb\n");
    expect(applySlice("a\r\nb", parseSlice("chars[0:3]"))).toBe("a\nb");
    expect(applySlice("x\r\n", parseSlice("tail(1)"))).toBe("\n");
  });

  it("counts code points for chars, head and tail", () => {
    const text = "a😀b𝄞c";
    expect(applySlice(text, parseSlice("chars[1:2]"))).toBe("😀");
    expect(applySlice(text, parseSlice("chars[1:4]"))).toBe("😀b𝄞");
    expect(applySlice(text, parseSlice("head(2)"))).toBe("a😀");
    expect(applySlice(text, parseSlice("tail(2)"))).toBe("𝄞c");
    expect(applySlice(text, parseSlice("chars[0:5]"))).toBe(text);
    expect(applySlice("日本語テキスト", parseSlice("chars[2:4]"))).toBe("語テ");
    // A combining mark is its own code point: "e" + U+0301.
    expect(applySlice("e\u0301x", parseSlice("head(1)"))).toBe("e");
    expect(applySlice("e\u0301x", parseSlice("chars[1:2]"))).toBe("\u0301");
  });

  it("treats head and tail as caps", () => {
    expect(applySlice("abc", parseSlice("head(10)"))).toBe("abc");
    expect(applySlice("abc", parseSlice("tail(10)"))).toBe("abc");
    expect(applySlice("", parseSlice("head(4000)"))).toBe("");
    expect(() => checkSliceBounds("", parseSlice("tail(3)"))).not.toThrow();
  });

  it("reports out-of-bounds ends with the actual size", () => {
    expect(codeOf(() => applySlice(doc, parseSlice("lines[0:5]")))).toBe("CAT_SLICE_OUT_OF_BOUNDS");
    expect(() => applySlice(doc, parseSlice("lines[0:5]"))).toThrow("the text has 4 lines");
    expect(codeOf(() => applySlice("😀😀", parseSlice("chars[0:3]")))).toBe("CAT_SLICE_OUT_OF_BOUNDS");
    expect(() => applySlice("😀😀", parseSlice("chars[0:3]"))).toThrow("the text has 2 characters");
    expect(codeOf(() => applySlice("", parseSlice("lines[0:1]")))).toBe("CAT_SLICE_OUT_OF_BOUNDS");
    expect(codeOf(() => checkSliceBounds(doc, parseSlice("lines[4:5]")))).toBe("CAT_SLICE_OUT_OF_BOUNDS");
    expect(codeOf(() => checkSliceBounds(doc, parseSlice("lines[3:4]")))).toBeUndefined();
  });

  it("validates hand-built slices", () => {
    expect(codeOf(() => applySlice("abc", { kind: "head", count: 0 }))).toBe("CAT_SLICE_ZERO_COUNT");
    expect(codeOf(() => applySlice("abc", { kind: "chars", start: -1, end: 2 }))).toBe("CAT_SLICE_NEGATIVE");
    expect(codeOf(() => applySlice("abc", { kind: "chars", start: 0.5, end: 2 }))).toBe("CAT_SLICE_MALFORMED");
    expect(codeOf(() => applySlice("abc", { kind: "lines", start: 1, end: 1 }))).toBe("CAT_SLICE_EMPTY_RANGE");
  });
});

const keyword = fc.constantFrom("lines", "chars", "head", "tail", "LINES", "Head", "all", "ALL", "rows", "");
const number = fc.oneof(fc.nat({ max: 30 }).map(String), fc.constantFrom("-1", "01", "1.5", "", " 2", "9007199254740993", "0"));
const grammarShaped = fc
  .tuple(keyword, fc.constantFrom("[", "(", "", "{"), number, fc.constantFrom(":", "", ","), number, fc.constantFrom("]", ")", "", "]x"))
  .map((parts) => parts.join(""));

describe("parseSlice properties", () => {
  it("returns a Slice or throws a SliceError on any input", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), fc.string({ unit: "binary" }), grammarShaped), (text) => {
        let slice: Slice;
        try {
          slice = parseSlice(text);
        } catch (error) {
          expect(error).toBeInstanceOf(SliceError);
          expect((error as SliceError).code).toMatch(/^CAT_SLICE_/);
          expect((error as SliceError).hint).not.toBe("");
          return;
        }
        expect(["lines", "chars", "head", "tail"]).toContain(slice.kind);
        expect(parseSlice(formatSlice(slice))).toEqual(slice);
      }),
      { numRuns: 2000 },
    );
  });
});

/** Text with newlines of every kind, astral characters and lone surrogates. */
const richText = fc.array(fc.constantFrom("a", "b", "\n", "\r\n", "\r", "😀", "日", "e\u0301", "\ud800", "\udc00", " "), { maxLength: 40 }).map((parts) => parts.join(""));

describe("applySlice properties", () => {
  it("never returns more than the bound and cuts exactly the expected substring", () => {
    fc.assert(
      fc.property(richText, fc.nat({ max: 45 }), fc.integer({ min: 1, max: 45 }), fc.constantFrom("lines", "chars", "head", "tail"), (text, a, width, kind) => {
        const normalized = text.replace(/\r\n?/g, "\n");
        const points = Array.from(normalized);
        const slice: Slice = kind === "lines" || kind === "chars" ? { kind, start: a, end: a + width } : { kind, count: width };
        let result: string;
        try {
          result = applySlice(text, slice);
        } catch (error) {
          expect((error as SliceError).code).toBe("CAT_SLICE_OUT_OF_BOUNDS");
          expect(kind === "lines" ? a + width > lineCount(text) : a + width > points.length).toBe(true);
          expect(codeOf(() => checkSliceBounds(text, slice))).toBe("CAT_SLICE_OUT_OF_BOUNDS");
          return;
        }
        expect(codeOf(() => checkSliceBounds(text, slice))).toBeUndefined();
        if (kind === "lines") {
          const lines = normalized.split(/(?<=\n)/);
          expect(result).toBe(lines.slice(a, a + width).join(""));
          expect(lineCount(result)).toBeLessThanOrEqual(width);
        } else if (kind === "chars") {
          expect(result).toBe(points.slice(a, a + width).join(""));
        } else if (kind === "head") {
          expect(result).toBe(points.slice(0, width).join(""));
        } else {
          expect(result).toBe(points.slice(Math.max(0, points.length - width)).join(""));
        }
        if (kind !== "lines") expect(Array.from(result).length).toBeLessThanOrEqual(width);
      }),
      { numRuns: 3000 },
    );
  });
});

describe("default_slice in catalytic.json", () => {
  it("must parse as a slice", () => {
    expect(checkConfigText('{"default_slice":"lines[0:200]"}').config?.default_slice).toBe("lines[0:200]");
    expect(checkConfigText("{}").config?.default_slice).toBe("head(4000)");
    const { config, problems } = checkConfigText('{"default_slice":"ALL"}');
    expect(config).toBeUndefined();
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe("$.default_slice");
    expect(problems[0]?.message).toContain("CAT_SLICE_ALL_FORBIDDEN");
    expect(checkConfigText('{"default_slice":"head(0)"}').problems[0]?.message).toContain("CAT_SLICE_ZERO_COUNT");
  });
});
