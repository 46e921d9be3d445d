// Reference syntax (docs/indexer.md "Symbols"): `@NS/NAME[#slug][:slice]` in Markdown prose.
// The scanner is linear: one block pass over the lines, then one inline pass over each paragraph run.
import { ReferenceSyntaxError } from "./errors.js";
import { lineBounds, scanProse } from "./markdown-prose.js";

/** 0-based; `character` counts UTF-16 code units, as LSP does. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface ReferenceParts {
  symbolId: string;
  namespace: string;
  name: string;
  slug?: string;
  /** Raw slice text after ':' (e.g. "lines[0:20]" or "ALL"), not validated here. */
  slice?: string;
}

export interface ReferenceMatch extends ReferenceParts {
  /** Exact source text of the whole reference. */
  text: string;
  range: Range;
  symbolRange: Range;
  sliceRange?: Range;
  /** UTF-16 offsets in the scanned text. */
  start: number;
  end: number;
}

/** Where the parts of one reference sit in the text (offsets). */
interface RawMatch extends ReferenceParts {
  start: number;
  symbolEnd: number;
  sliceStart?: number;
  end: number;
}

const MAX_SLICE_ARGUMENT = 64;
const SLICE_KEYWORDS = ["lines", "chars", "head", "tail"];

function isUpper(code: number): boolean {
  return code >= 65 && code <= 90;
}

function isAsciiWord(code: number): boolean {
  return isUpper(code) || (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || code === 95;
}

function isNameChar(code: number): boolean {
  return isAsciiWord(code) || code === 45 || code === 46; // '-' '.'
}

const SLUG_CHAR = /[\p{L}\p{M}\p{N}\p{Pc}-]/u;
const BLOCKS_REFERENCE = /[\p{L}\p{N}.@/]/u;

/** Whether the character before an '@' at `at` (a letter, digit, '.', '@' or '/') makes it not a reference. */
function blocksReference(text: string, at: number): boolean {
  if (at === 0) return false;
  const code = text.charCodeAt(at - 1);
  if (code < 128) return isAsciiWord(code) && code !== 95 ? true : code === 46 || code === 64 || code === 47;
  const high = text.charCodeAt(at - 2);
  const isPair = code >= 0xdc00 && code <= 0xdfff && at >= 2 && high >= 0xd800 && high <= 0xdbff;
  return BLOCKS_REFERENCE.test(text.slice(isPair ? at - 2 : at - 1, at));
}

/** Offset after a slug of SLUG_CHAR code points starting at `from`. */
function readSlug(text: string, from: number, limit: number): number {
  let i = from;
  while (i < limit) {
    const code = text.charCodeAt(i);
    if (code < 128) {
      if (!isAsciiWord(code) && code !== 45) break;
      i++;
      continue;
    }
    const width = text.codePointAt(i)! > 0xffff && i + 1 < limit ? 2 : 1;
    if (!SLUG_CHAR.test(text.slice(i, i + width))) break;
    i += width;
  }
  return i;
}

/** Offset after `:slice` starting at the ':' at `colon`, or undefined when what follows is prose. */
function readSlice(text: string, colon: number, limit: number): number | undefined {
  if (text.charCodeAt(colon) !== 58) return undefined; // ':'
  const from = colon + 1;
  let i = from;
  while (i < limit && i - from < 5 && isAsciiWord(text.charCodeAt(i)) && !(text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57)) i++;
  const word = text.slice(from, i).toLowerCase();
  if (word === "all") return i < limit && isAsciiWord(text.charCodeAt(i)) ? undefined : i;
  if (!SLICE_KEYWORDS.includes(word)) return undefined;
  const open = text[i];
  const close = open === "[" ? "]" : open === "(" ? ")" : undefined;
  if (close === undefined) return undefined;
  for (let j = i + 1; j < limit && j - i - 1 <= MAX_SLICE_ARGUMENT; j++) {
    const char = text[j];
    if (char === close) return j + 1;
    if (char === "\n" || char === "\r" || char === "`") return undefined;
  }
  return undefined;
}

/** Offset after trailing prose characters ('.', '-', '/') are dropped from text[from, end). */
function trimProse(text: string, from: number, end: number, chars: string): number {
  let i = end;
  while (i > from && chars.includes(text[i - 1] as string)) i--;
  return i;
}

/** Matches one reference whose '@' is at `at`, not reading past `limit`. */
function matchAt(text: string, at: number, limit: number): RawMatch | undefined {
  let i = at + 1;
  if (i >= limit || !isUpper(text.charCodeAt(i))) return undefined;
  while (i < limit && (isUpper(text.charCodeAt(i)) || (text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) || text.charCodeAt(i) === 95)) i++;
  const namespaceEnd = i;
  if (text.charCodeAt(i) !== 47) return undefined; // '/'
  const nameStart = ++i;
  // Segments are non-empty: a '/' belongs to the name only when a name character follows it.
  while (i < limit) {
    const code = text.charCodeAt(i);
    if (isNameChar(code)) i++;
    else if (code === 47 && i > nameStart && text.charCodeAt(i - 1) !== 47 && i + 1 < limit && isNameChar(text.charCodeAt(i + 1))) i++;
    else break;
  }
  const rawNameEnd = i;
  const parts = (nameEnd: number, extra: Partial<RawMatch> & { end: number }): RawMatch | undefined => {
    if (nameEnd <= nameStart) return undefined;
    const name = text.slice(nameStart, nameEnd);
    const namespace = text.slice(at + 1, namespaceEnd);
    return { symbolId: `@${namespace}/${name}`, namespace, name, start: at, symbolEnd: nameEnd, ...extra };
  };
  // Trailing '.', '-' and '/' are prose unless a slug or slice follows directly.
  if (text.charCodeAt(rawNameEnd) === 35 && rawNameEnd < limit) {
    // '#'
    const slugStart = rawNameEnd + 1;
    const rawSlugEnd = readSlug(text, slugStart, limit);
    const sliceEnd = rawSlugEnd > slugStart ? readSlice(text, rawSlugEnd, limit) : undefined;
    if (sliceEnd !== undefined) {
      return parts(rawNameEnd, {
        slug: text.slice(slugStart, rawSlugEnd),
        slice: text.slice(rawSlugEnd + 1, sliceEnd),
        sliceStart: rawSlugEnd + 1,
        end: sliceEnd,
      });
    }
    const slugEnd = trimProse(text, slugStart, rawSlugEnd, "-");
    if (slugEnd > slugStart) return parts(rawNameEnd, { slug: text.slice(slugStart, slugEnd), end: slugEnd });
  }
  const sliceEnd = readSlice(text, rawNameEnd, limit);
  if (sliceEnd !== undefined) {
    return parts(rawNameEnd, { slice: text.slice(rawNameEnd + 1, sliceEnd), sliceStart: rawNameEnd + 1, end: sliceEnd });
  }
  const nameEnd = trimProse(text, nameStart, rawNameEnd, ".-/");
  return parts(nameEnd, { end: nameEnd });
}

/** Maps increasing offsets to LSP positions using the line starts. */
class PositionCursor {
  private line = 0;

  constructor(private readonly starts: readonly number[]) {}

  at(offset: number): Position {
    while (this.line + 1 < this.starts.length && (this.starts[this.line + 1] as number) <= offset) this.line++;
    return { line: this.line, character: offset - (this.starts[this.line] as number) };
  }
}

/** Every reference in Markdown prose, in document order; code, front matter and HTML comments are skipped. */
export function scanReferences(markdown: string): ReferenceMatch[] {
  const matches: ReferenceMatch[] = [];
  const lines = lineBounds(markdown);
  const cursor = new PositionCursor(lines.starts);
  scanProse(markdown, lines, (at, limit) => {
    if (blocksReference(markdown, at)) return at + 1;
    const raw = matchAt(markdown, at, limit);
    if (raw === undefined) return at + 1;
    const start = cursor.at(raw.start);
    const end = cursor.at(raw.end);
    const match: ReferenceMatch = {
      text: markdown.slice(raw.start, raw.end),
      symbolId: raw.symbolId,
      namespace: raw.namespace,
      name: raw.name,
      range: { start, end },
      symbolRange: { start, end: { line: start.line, character: start.character + raw.symbolEnd - raw.start } },
      start: raw.start,
      end: raw.end,
    };
    if (raw.slug !== undefined) match.slug = raw.slug;
    if (raw.slice !== undefined) match.slice = raw.slice;
    if (raw.sliceStart !== undefined) {
      match.sliceRange = { start: { line: start.line, character: start.character + raw.sliceStart - raw.start }, end };
    }
    matches.push(match);
    return raw.end;
  });
  return matches;
}

function parseWhole(text: string): RawMatch | undefined {
  if (text.charCodeAt(0) !== 64) return undefined; // '@'
  const raw = matchAt(text, 0, text.length);
  return raw !== undefined && raw.end === text.length ? raw : undefined;
}

/** Parses a string that must be exactly one reference; throws CAT_SYMBOL_INVALID otherwise. */
export function parseReference(text: string): ReferenceParts {
  const raw = parseWhole(text);
  if (raw === undefined) {
    throw new ReferenceSyntaxError("CAT_SYMBOL_INVALID", `${JSON.stringify(text)} is not a reference`, {
      hint: "write @NAMESPACE/name[#heading-slug][:slice], e.g. @CONTRACTS/PLAN#budgets:lines[0:20]; the namespace is upper case",
      details: { text },
    });
  }
  const { symbolId, namespace, name, slug, slice } = raw;
  return { symbolId, namespace, name, ...(slug === undefined ? {} : { slug }), ...(slice === undefined ? {} : { slice }) };
}

/** True when the text is exactly a symbol id `@NS/NAME` (no slug, no slice). */
export function isSymbolId(text: string): boolean {
  const raw = parseWhole(text);
  return raw !== undefined && raw.slug === undefined && raw.slice === undefined;
}
