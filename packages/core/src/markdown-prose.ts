// Markdown prose runs: the inline pass that finds every '@' outside code, front matter, HTML and comments.
// Which lines hold inline content comes from the one block scanner (markdown-blocks.ts: paragraphs, setext and
// ATX headings, never fenced or indented code, HTML blocks or HTML comments, with CommonMark's containers, lazy
// continuation lines and paragraph interruption). Front matter: a first line `---` up to the next `---` or `...`
// line (unclosed: not front matter). Inside one paragraph or heading the inline pass skips:
// - code spans: backtick runs of equal length within the block (across its lines); an unmatched run is literal;
//   a backslash before a run escapes its first backtick;
// - inline `<!-- ... -->` when it closes within the block; `\<!--` is literal.
import { scanBlocks } from "./markdown-blocks.js";

/** Called for each '@' in prose with the end of its paragraph; returns the offset to continue from. */
export type AtHandler = (at: number, limit: number) => number;

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

/** Line starts and content ends of any text (LF, CRLF or CR line breaks): the offsets references are reported at. */
export function lineBounds(text: string): Lines {
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

function runLength(text: string, from: number, end: number, code: number): number {
  let i = from;
  while (i < end && text.charCodeAt(i) === code) i++;
  return i - from;
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

/** Hands each inline block (paragraph or heading, from the block scanner) to the inline pass. */
export function scanProse(text: string, { starts, ends }: Lines, onAt: AtHandler): void {
  if (!text.includes("@")) return; // nothing to report: the block scan is the costly part
  const finders: InlineFinders = { backtick: new NextChar(text, "`"), lessThan: new NextChar(text, "<"), at: new NextChar(text, "@") };
  const lines = starts.map((start, n) => text.slice(start, ends[n]));
  const { inlineBlock } = scanBlocks(lines, frontMatterEnd(text, starts, ends));
  for (let n = 0; n < lines.length; ) {
    const block = inlineBlock[n] as number;
    let last = n;
    while (last + 1 < lines.length && inlineBlock[last + 1] === block) last++;
    if (block >= 0) scanInline(text, starts[n] as number, ends[last] as number, finders, onAt);
    n = last + 1;
  }
}
