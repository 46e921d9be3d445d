// Markdown prose runs: the block and inline pass that finds every '@' outside code, front matter and comments.
// ---- Markdown prose runs -------------------------------------------------------------------------
// What is skipped, following CommonMark (checked against markdown-it 14 on random mixtures of the
// constructs below) for the cases Catalytic documents use:
// - YAML front matter: a first line `---` up to the next `---` or `...` line (unclosed: not front matter);
// - fenced code (``` or ~~~, 3+ long, up to 3 spaces of indent, no backtick in a ``` info string, closed by
//   a run of the same character at least as long; unclosed runs to the end of the document), also after
//   `>` blockquote markers, list markers and both nested ("- > ```", "1. - ```"); a fence ends with its
//   container (a line with fewer `>`, or a non-blank line indented less than the list item's content);
// - indented code: 4+ columns past the current container's content (tabs to stops of 4), including 5+
//   columns after a list marker; it never interrupts a paragraph (lazy continuation lines stay prose);
// - HTML comments: a block starting with `<!--` is skipped up to the line holding `-->` (that whole line) or
//   the end of its container; inline `<!-- ... -->` is skipped when it closes within the paragraph;
//   `\<!--` is literal;
// - code spans: backtick runs of equal length within one paragraph (across its lines; paragraphs end at
//   blank lines, headings, setext underlines, thematic breaks and list items that may interrupt them);
//   an unmatched run is literal; a backslash before a run escapes its first backtick.
// Not handled: other HTML blocks (`<div>` ...) are scanned as prose; a blank line after an empty nested
// item ("- *") ends the whole list rather than the inner item.

/** Called for each '@' in prose with the end of its paragraph; returns the offset to continue from. */
export type AtHandler = (at: number, limit: number) => number;

/** An open fenced code block or HTML comment block, and the container it lives in. */
interface OpenBlock {
  /** Fence character code, or undefined for an HTML comment. */
  fenceChar?: number;
  fenceLength: number;
  quoteDepth: number;
  /** Content column of the enclosing list item (0 outside lists): a line indented less ends the container. */
  base: number;
}

/** Line starts and content ends (terminators "\n", "\r\n", "\r" excluded). */
export interface Lines {
  starts: number[];
  ends: number[];
}

/** Next occurrence of one character at or after a position; positions asked for never decrease, so each is searched once. */
class NextChar {
  private found = -1;

  constructor(
    private readonly text: string,
    private readonly char: string,
  ) {}

  from(i: number): number {
    if (this.found < i) {
      const at = this.text.indexOf(this.char, i);
      this.found = at === -1 ? Number.POSITIVE_INFINITY : at;
    }
    return this.found;
  }
}

export function splitLines(text: string): Lines {
  const starts: number[] = [0];
  const ends: number[] = [];
  const newline = new NextChar(text, "\n");
  const carriageReturn = new NextChar(text, "\r");
  for (let i = 0; ; ) {
    const lf = newline.from(i);
    const cr = carriageReturn.from(i);
    const at = Math.min(lf, cr);
    if (at === Number.POSITIVE_INFINITY) break;
    ends.push(at);
    i = at === cr && lf === cr + 1 ? at + 2 : at + 1;
    starts.push(i);
  }
  ends.push(text.length);
  return { starts, ends };
}

/** Where a line's content starts after container markers: offset and absolute column (tab stops every 4). */
interface LinePoint {
  pos: number;
  column: number;
}

/** Skips up to `maxDepth` blockquote markers (`>` after up to 3 spaces, plus one optional space or tab). */
function skipQuotes(text: string, from: number, end: number, maxDepth: number): LinePoint & { depth: number } {
  let depth = 0;
  let point: LinePoint = { pos: from, column: 0 };
  while (depth < maxDepth) {
    const indent = skipIndent(text, point, end);
    if (indent.columns > 3 || indent.pos >= end || text.charCodeAt(indent.pos) !== 62) break; // '>'
    depth++;
    point = { pos: indent.pos + 1, column: indent.column + 1 };
    const next = text.charCodeAt(point.pos);
    if (point.pos < end && next === 32) point = { pos: point.pos + 1, column: point.column + 1 };
    else if (point.pos < end && next === 9) point = { pos: point.pos + 1, column: point.column + 4 - (point.column % 4) };
  }
  return { depth, ...point };
}

/** Leading spaces and tabs from `from`: where they end and how many columns they take. */
function skipIndent(text: string, from: LinePoint, end: number): LinePoint & { columns: number } {
  let { pos, column } = from;
  for (; pos < end; pos++) {
    const code = text.charCodeAt(pos);
    if (code === 32) column++;
    else if (code === 9) column += 4 - (column % 4);
    else break;
  }
  return { pos, column, columns: column - from.column };
}

function runLength(text: string, from: number, end: number, code: number): number {
  let i = from;
  while (i < end && text.charCodeAt(i) === code) i++;
  return i - from;
}

/** A list item's start (`-`, `+`, `*`, `1.`, `1)` then whitespace) at `at`, which is past the line's indentation. */
interface ListMarker {
  /** Column where the item's content (and its continuation lines) starts. */
  contentColumn: number;
  content: LinePoint;
  /** True when the content is indented code (5+ columns after the marker). */
  codeContent: boolean;
  /** Whether it may interrupt a paragraph: not empty, and a bullet or an ordered item numbered 1. */
  interrupts: boolean;
}

function listMarker(text: string, at: LinePoint, end: number): ListMarker | undefined {
  const code = text.charCodeAt(at.pos);
  let i = at.pos;
  if (code === 45 || code === 43 || code === 42) i++;
  else {
    while (i < end && i - at.pos < 9 && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
    if (i === at.pos || (text.charCodeAt(i) !== 46 && text.charCodeAt(i) !== 41)) return undefined;
    i++;
  }
  const afterMarker: LinePoint = { pos: i, column: at.column + (i - at.pos) };
  const space = skipIndent(text, afterMarker, end);
  const interrupts = space.pos < end && (i === at.pos + 1 || text.slice(at.pos, i - 1) === "1");
  if (space.pos === end) return { contentColumn: afterMarker.column + 1, content: space, codeContent: false, interrupts };
  if (space.columns === 0) return undefined;
  if (space.columns > 4) return { contentColumn: afterMarker.column + 1, content: space, codeContent: true, interrupts };
  return { contentColumn: space.column, content: space, codeContent: false, interrupts };
}

/** A setext heading underline (`===`, `---`, only under a paragraph) or a thematic break (`***`, `- - -`, `___`). */
function endsParagraph(text: string, pos: number, end: number, inParagraph: boolean): boolean {
  const first = text.charCodeAt(pos);
  if (first !== 61 && first !== 45 && first !== 42 && first !== 95) return false; // = - * _
  let count = 0;
  let spaced = false;
  for (let i = pos; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === first) {
      if (spaced && first === 61) return false;
      count++;
    } else if (code === 32 || code === 9) spaced = true;
    else return false;
  }
  const underline = inParagraph && (first === 61 || first === 45) && !(spaced && text.slice(pos, end).trim().includes(" "));
  return underline || (first !== 61 && count >= 3);
}

function lineHas(text: string, from: number, end: number, needle: string): boolean {
  return text.slice(from, end).includes(needle);
}

function isFenceClose(text: string, pos: number, end: number, fenceChar: number, fenceLength: number): boolean {
  const length = runLength(text, pos, end, fenceChar);
  return length >= fenceLength && text.slice(pos + length, end).trim() === "";
}

/** Index of the first line after YAML front matter (0 when there is none). */
function frontMatterEnd(text: string, starts: number[], ends: number[]): number {
  if (!/^\uFEFF?---[ \t]*$/.test(text.slice(0, ends[0]))) return 0; // a byte order mark is not content
  for (let n = 1; n < starts.length; n++) {
    if (/^(---|\.\.\.)[ \t]*$/.test(text.slice(starts[n], ends[n]))) return n + 1;
  }
  return 0;
}

/** Finds the characters the inline pass cares about across the whole document. */
interface InlineFinders {
  backtick: NextChar;
  lessThan: NextChar;
  at: NextChar;
}

/** Inline pass over one paragraph run: skips code spans and closed HTML comments, reports each '@'. */
function scanInline(text: string, start: number, end: number, finders: InlineFinders, onAt: AtHandler): void {
  const runStarts: number[] = [];
  const runsByLength = new Map<number, { positions: number[]; next: number }>();
  for (let i = finders.backtick.from(start); i < end; i = finders.backtick.from(i)) {
    const length = runLength(text, i, end, 96);
    const runs = runsByLength.get(length) ?? { positions: [], next: 0 };
    runs.positions.push(i);
    runsByLength.set(length, runs);
    runStarts.push(i);
    i += length;
  }
  const nextRun = (length: number, after: number): number | undefined => {
    const runs = runsByLength.get(length);
    if (runs === undefined) return undefined;
    while (runs.next < runs.positions.length && (runs.positions[runs.next] as number) <= after) runs.next++;
    return runs.positions[runs.next];
  };
  /** A backslash escapes the character at `i` when an odd number of them precede it. */
  const escaped = (i: number): boolean => {
    let backslashes = 0;
    while (i - backslashes > start && text.charCodeAt(i - backslashes - 1) === 92) backslashes++;
    return backslashes % 2 === 1;
  };
  let commentCloseMissing = false;
  let runIndex = 0;
  let i = start;
  for (;;) {
    while (runIndex < runStarts.length && (runStarts[runIndex] as number) < i) runIndex++;
    const backtick = runStarts[runIndex] ?? Number.POSITIVE_INFINITY;
    const lessThan = finders.lessThan.from(i);
    const at = finders.at.from(i);
    i = Math.min(backtick, lessThan, at);
    if (i >= end) return;
    if (i === backtick) {
      const length = runLength(text, i, end, 96);
      const openLength = length - (escaped(i) ? 1 : 0);
      const close = openLength > 0 ? nextRun(openLength, i) : undefined;
      i = close === undefined ? i + length : close + openLength;
    } else if (i === at) {
      i = onAt(i, end);
    } else if (text.startsWith("<!--", i) && !escaped(i)) {
      const close = commentCloseMissing ? -1 : text.slice(i + 2, end).indexOf("-->");
      if (close === -1) commentCloseMissing = true;
      i = close === -1 ? i + 4 : i + 2 + close + 3;
    } else {
      i++;
    }
  }
}

/** Block pass: finds the paragraph runs of prose and hands each to the inline pass. */
export function scanProse(text: string, { starts, ends }: Lines, onAt: AtHandler): void {
  const finders: InlineFinders = { backtick: new NextChar(text, "`"), lessThan: new NextChar(text, "<"), at: new NextChar(text, "@") };
  let runStart = -1;
  let runEnd = -1;
  const flush = (): void => {
    if (runStart >= 0) scanInline(text, runStart, runEnd, finders, onAt);
    runStart = -1;
  };
  let open: OpenBlock | undefined;
  let inParagraph = false;
  let listIndent: number | undefined;
  let quoteDepth = 0;
  let previousBlank = true;
  let emptyItem = false;
  let listQuoteDepth = 0;
  for (let n = frontMatterEnd(text, starts, ends); n < starts.length; n++) {
    const lineStart = starts[n] as number;
    const lineEnd = ends[n] as number;
    if (open !== undefined) {
      const quote = skipQuotes(text, lineStart, lineEnd, open.quoteDepth);
      const indent = skipIndent(text, quote, lineEnd);
      const blank = indent.pos === lineEnd;
      // A blank line ends a comment block only by ending its blockquote; fences and comments inside list items survive it.
      if (quote.depth === open.quoteDepth && (blank || indent.column >= open.base)) {
        if (open.fenceChar === undefined) {
          if (lineHas(text, lineStart, lineEnd, "-->")) open = undefined;
        } else if (!blank && indent.column - open.base <= 3 && isFenceClose(text, indent.pos, lineEnd, open.fenceChar, open.fenceLength)) {
          open = undefined;
        }
        continue;
      }
      open = undefined; // its container ended: this line is read afresh
    }
    const quote = skipQuotes(text, lineStart, lineEnd, Number.POSITIVE_INFINITY);
    const indent = skipIndent(text, quote, lineEnd);
    if (indent.pos === lineEnd) {
      flush();
      inParagraph = false;
      previousBlank = true;
      if (emptyItem) listIndent = undefined; // a list item starts with at most one blank line
      emptyItem = false;
      quoteDepth = quote.depth;
      continue;
    }
    if (quote.depth > quoteDepth) {
      flush(); // a new blockquote starts a new paragraph
      inParagraph = false;
    }
    if (!(inParagraph && quote.depth < quoteDepth)) quoteDepth = quote.depth; // else a lazy continuation line
    const wasBlank = previousBlank;
    previousBlank = false;
    emptyItem = false;
    let base = quote.column;
    if (listIndent !== undefined && quote.depth !== listQuoteDepth && !inParagraph) listIndent = undefined; // another container
    if (listIndent !== undefined) {
      if (indent.column >= listIndent) base = listIndent;
      else if (wasBlank) listIndent = undefined;
    }
    if (indent.column - base > 3) {
      if (inParagraph) runEnd = lineEnd; // indented code cannot interrupt a paragraph: a continuation line
      else flush(); // indented code
      continue;
    }
    if (endsParagraph(text, indent.pos, lineEnd, inParagraph)) {
      flush();
      inParagraph = false;
      continue;
    }
    // Container starts on this line: "- 1. item" nests lists, "- > quote" puts a quote in an item.
    let content: LinePoint = indent;
    let depth = quote.depth;
    let codeContent = false;
    for (;;) {
      const marker = listMarker(text, content, lineEnd);
      if (marker !== undefined && (marker.interrupts || !inParagraph)) {
        flush();
        inParagraph = false;
        listIndent = marker.contentColumn;
        listQuoteDepth = depth;
        emptyItem = marker.content.pos === lineEnd;
        base = listIndent;
        content = marker.content;
        codeContent = marker.codeContent;
        if (codeContent) break;
        continue;
      }
      if (content.pos === indent.pos || text.charCodeAt(content.pos) !== 62) break; // '>'
      const nested = skipQuotes(text, content.pos, lineEnd, Number.POSITIVE_INFINITY);
      depth += nested.depth;
      const inner = skipIndent(text, { pos: nested.pos, column: content.column + nested.column }, lineEnd);
      content = inner;
      if (inner.columns > 3 && inner.pos < lineEnd) codeContent = true; // indented code inside the quote
      if (codeContent) break;
    }
    if (codeContent || content.pos === lineEnd) continue; // indented code, or an item or quote with nothing on this line
    const fenceChar = text.charCodeAt(content.pos);
    const fenceLength = fenceChar === 96 || fenceChar === 126 ? runLength(text, content.pos, lineEnd, fenceChar) : 0;
    if (fenceLength >= 3 && !(fenceChar === 96 && lineHas(text, content.pos + fenceLength, lineEnd, "`"))) {
      flush();
      inParagraph = false;
      open = { fenceChar, fenceLength, quoteDepth: depth, base };
      continue;
    }
    if (text.startsWith("<!--", content.pos)) {
      flush();
      inParagraph = false;
      if (!lineHas(text, content.pos + 2, lineEnd, "-->")) open = { fenceLength: 0, quoteDepth: depth, base };
      continue;
    }
    const hashes = runLength(text, content.pos, lineEnd, 35);
    const afterHashes = text.charCodeAt(content.pos + hashes);
    if (hashes >= 1 && hashes <= 6 && (content.pos + hashes === lineEnd || afterHashes === 32 || afterHashes === 9)) {
      flush(); // an ATX heading is a block of its own
      scanInline(text, lineStart, lineEnd, finders, onAt);
      inParagraph = false;
      continue;
    }
    if (runStart < 0) runStart = lineStart;
    runEnd = lineEnd;
    inParagraph = true;
  }
  flush();
}
