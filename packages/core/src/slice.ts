// Slice grammar (docs/contract.md), fail-closed: `lines[a:b]`, `chars[a:b]`, `head(n)`, `tail(n)`.
// Parsing is a hand-written linear scanner: no regex, so no backtracking on hostile input.
import { normalizeNewlines } from "./canonical.js";
import { SliceError } from "./errors.js";

export type Slice =
  | { kind: "lines"; start: number; end: number }
  | { kind: "chars"; start: number; end: number }
  | { kind: "head"; count: number }
  | { kind: "tail"; count: number };

const GRAMMAR_HINT = "write lines[a:b], chars[a:b], head(n) or tail(n) with plain non-negative integers and no spaces";
const KEYWORDS = ["lines", "chars", "head", "tail"] as const;
/** Longer digit runs cannot be a safe integer; stop there so a huge input is not converted. */
const MAX_DIGITS = 16;

function malformed(text: string, why: string): SliceError {
  return new SliceError("CAT_SLICE_MALFORMED", `malformed slice ${JSON.stringify(text)}: ${why}`, {
    hint: GRAMMAR_HINT,
    details: { slice: text },
  });
}

/** A number as written in a slice, before sign and range checks. */
interface ParsedNumber {
  value: number;
  negative: boolean;
  next: number;
}

function readNumber(text: string, body: string, pos: number): ParsedNumber {
  let i = pos;
  const negative = body[i] === "-";
  if (negative) i++;
  const digitsStart = i;
  while (i < body.length && body.charCodeAt(i) >= 48 && body.charCodeAt(i) <= 57) i++;
  const digits = body.slice(digitsStart, i);
  if (digits.length === 0) throw malformed(text, `expected a number at position ${pos}`);
  if (digits.length > 1 && digits[0] === "0") throw malformed(text, `leading zero in ${digits}`);
  if (digits.length > MAX_DIGITS || !Number.isSafeInteger(Number(digits))) {
    throw malformed(text, `${digits} is larger than ${Number.MAX_SAFE_INTEGER}`);
  }
  if (negative && digits === "0") throw malformed(text, "-0 is not a number a slice accepts");
  return { value: Number(digits), negative, next: i };
}

function expectChar(text: string, body: string, pos: number, char: string): number {
  if (body[pos] !== char) {
    const found = pos < body.length ? JSON.stringify(body[pos]) : "the end";
    throw malformed(text, `expected '${char}' at position ${pos}, found ${found}`);
  }
  return pos + 1;
}

function negativeError(text: string): SliceError {
  return new SliceError("CAT_SLICE_NEGATIVE", `slice ${JSON.stringify(text)} has a negative number`, {
    hint: "slice positions count from 0 at the start; use tail(n) to take the end of a text",
    details: { slice: text },
  });
}

/**
 * Parses slice text. Outer whitespace is trimmed (so " head(10) " from a config value is accepted);
 * whitespace inside is malformed. Keywords are case-insensitive (`LINES[0:2]`), numbers are plain
 * ASCII digits without leading zeros, at most Number.MAX_SAFE_INTEGER. Throws SliceError.
 */
export function parseSlice(text: string): Slice {
  const body = text.trim();
  if (body.length === 0) throw malformed(text, "it is empty");
  if (body.toLowerCase() === "all") {
    throw new SliceError("CAT_SLICE_ALL_FORBIDDEN", "the slice ALL is forbidden: every expansion must be bounded", {
      hint: "ask for a bounded part instead, e.g. head(4000) or lines[0:200]",
      details: { slice: text },
    });
  }
  let pos = 0;
  while (pos < body.length && /[A-Za-z]/.test(body[pos] as string)) pos++;
  const keyword = body.slice(0, pos).toLowerCase();
  const kind = KEYWORDS.find((k) => k === keyword);
  if (kind === undefined) throw malformed(text, "it must start with lines, chars, head or tail");

  if (kind === "lines" || kind === "chars") {
    pos = expectChar(text, body, pos, "[");
    const start = readNumber(text, body, pos);
    pos = expectChar(text, body, start.next, ":");
    const end = readNumber(text, body, pos);
    pos = expectChar(text, body, end.next, "]");
    if (pos !== body.length) throw malformed(text, `unexpected text after ']' at position ${pos}`);
    if (start.negative || end.negative) throw negativeError(text);
    if (start.value >= end.value) {
      throw new SliceError(
        "CAT_SLICE_EMPTY_RANGE",
        `slice ${JSON.stringify(text)} is empty: the start ${start.value} is not before the end ${end.value}`,
        { hint: "the end is exclusive; write a start smaller than the end, e.g. lines[0:20]", details: { slice: text } },
      );
    }
    return { kind, start: start.value, end: end.value };
  }

  pos = expectChar(text, body, pos, "(");
  const count = readNumber(text, body, pos);
  pos = expectChar(text, body, count.next, ")");
  if (pos !== body.length) throw malformed(text, `unexpected text after ')' at position ${pos}`);
  if (count.negative) throw negativeError(text);
  if (count.value === 0) {
    throw new SliceError("CAT_SLICE_ZERO_COUNT", `slice ${JSON.stringify(text)} asks for nothing`, {
      hint: `ask for at least one character, e.g. ${kind}(1)`,
      details: { slice: text },
    });
  }
  return { kind, count: count.value };
}

/** Canonical text of a slice: `lines[0:20]`, `chars[3:9]`, `head(400)`, `tail(10)`. */
export function formatSlice(slice: Slice): string {
  switch (slice.kind) {
    case "lines":
    case "chars":
      return `${slice.kind}[${slice.start}:${slice.end}]`;
    case "head":
    case "tail":
      return `${slice.kind}(${slice.count})`;
  }
}

/** Lines of normalised text: a final "\n" does not start a new line; "" has 0 lines. */
export function lineCount(text: string): number {
  const normalized = normalizeNewlines(text);
  if (normalized.length === 0) return 0;
  let count = 0;
  for (let i = normalized.indexOf("\n"); i !== -1; i = normalized.indexOf("\n", i + 1)) count++;
  return normalized.endsWith("\n") ? count : count + 1;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** Width in code units of the code point starting at `i` (a lone surrogate counts as one code point). */
function codePointWidth(text: string, i: number): number {
  return isHighSurrogate(text.charCodeAt(i)) && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1)) ? 2 : 1;
}

function codePointCount(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i += codePointWidth(text, i)) count++;
  return count;
}

/** Code unit offset `n` code points after `from` (text.length when the text is shorter). */
function offsetOfCodePoint(text: string, n: number, from = 0): number {
  let i = from;
  for (let seen = 0; seen < n && i < text.length; seen++) i += codePointWidth(text, i);
  return i;
}

/** Code unit offset where the last `n` code points start (0 when the text is shorter). */
function offsetOfLastCodePoints(text: string, n: number): number {
  let i = text.length;
  for (let seen = 0; seen < n && i > 0; seen++) {
    const stepsBack = i >= 2 && isLowSurrogate(text.charCodeAt(i - 1)) && isHighSurrogate(text.charCodeAt(i - 2)) ? 2 : 1;
    i -= stepsBack;
  }
  return i;
}

/** Code unit offset where the `n`th line after the one starting at `from` starts (text.length past the last line). */
function offsetOfLine(text: string, n: number, from = 0): number {
  let offset = from;
  for (let line = 0; line < n; line++) {
    const newline = text.indexOf("\n", offset);
    if (newline === -1) return text.length;
    offset = newline + 1;
  }
  return offset;
}

function checkShape(slice: Slice): void {
  const numbers = slice.kind === "lines" || slice.kind === "chars" ? [slice.start, slice.end] : [slice.count];
  if (!numbers.every((n) => Number.isSafeInteger(n))) {
    throw malformed(formatSlice(slice), "its numbers must be safe integers");
  }
  // Re-parse the canonical text so a hand-built Slice gets exactly the checks parsed text gets.
  parseSlice(formatSlice(slice));
}

function outOfBounds(slice: Slice, size: number, unit: string): SliceError {
  const text = formatSlice(slice);
  return new SliceError("CAT_SLICE_OUT_OF_BOUNDS", `slice ${text} is out of bounds: the text has ${size} ${unit}`, {
    hint: `keep the end at most ${size}, or use head(n)/tail(n), which take whatever is there`,
    details: { slice: text, size, unit },
  });
}

function checkNormalizedBounds(normalized: string, slice: Slice): void {
  checkShape(slice);
  if (slice.kind === "lines") {
    const size = lineCount(normalized);
    if (slice.end > size) throw outOfBounds(slice, size, "lines");
  } else if (slice.kind === "chars") {
    const size = codePointCount(normalized);
    if (slice.end > size) throw outOfBounds(slice, size, "characters (code points)");
  }
}

/** Throws CAT_SLICE_OUT_OF_BOUNDS exactly when applySlice would, without building the payload. */
export function checkSliceBounds(text: string, slice: Slice): void {
  checkNormalizedBounds(normalizeNewlines(text), slice);
}

/**
 * Applies a slice to text with CRLF/CR normalised to LF. `lines[a:b]` keeps line terminators;
 * `chars`, `head` and `tail` count Unicode code points and never split a surrogate pair.
 * `head`/`tail` are caps: a shorter text is returned whole.
 */
export function applySlice(text: string, slice: Slice): string {
  const normalized = normalizeNewlines(text);
  checkNormalizedBounds(normalized, slice);
  switch (slice.kind) {
    case "lines": {
      const start = offsetOfLine(normalized, slice.start);
      return normalized.slice(start, offsetOfLine(normalized, slice.end - slice.start, start));
    }
    case "chars": {
      const start = offsetOfCodePoint(normalized, slice.start);
      return normalized.slice(start, offsetOfCodePoint(normalized, slice.end - slice.start, start));
    }
    case "head":
      return normalized.slice(0, offsetOfCodePoint(normalized, slice.count));
    case "tail":
      return normalized.slice(offsetOfLastCodePoints(normalized, slice.count));
  }
}
