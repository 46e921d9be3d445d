// The one Markdown block scanner: CommonMark block structure, reduced to what Catalytic reads. Block quotes and
// list items (containers), fenced and indented code, HTML blocks, paragraphs (with setext headings and lazy
// continuation lines), one-line link reference definitions, ATX headings and thematic breaks. It gives the headings (the indexer's sections) and the
// kind of every line with the inline block it belongs to (the reference scanner's prose). Agreement with
// markdown-it (headings, and which lines are prose, code or HTML) is tested over both in-repo corpora
// (packages/indexer/test/markdown-blocks-agreement.test.ts; docs/indexer.md "Sections").

/** The lines of an LF text (a final newline ends the last line; "" has none). Callers normalise CR first. */
export function splitLines(text: string): string[] {
  if (text.length === 0) return [];
  const lines = text.split("\n");
  if (text.endsWith("\n")) lines.pop();
  return lines;
}

/** What a line is, as far as a block scanner sees (container markers aside). */
export const LineKind = {
  /** Blank, before front matter's end, or past the end. */
  OTHER: 0,
  /** Paragraph text. */
  PROSE: 1,
  /** An ATX heading, or a setext heading's text and underline. */
  HEADING: 2,
  /** Fenced (with its fences) or indented code. */
  CODE: 3,
  /** An HTML block (comments included). */
  HTML: 4,
  /** A thematic break. */
  BREAK: 5,
} as const;
export type LineKind = (typeof LineKind)[keyof typeof LineKind];

export interface BlockScan {
  headings: Heading[];
  /** LineKind of every line. */
  kinds: Uint8Array;
  /**
   * The inline block a line belongs to (a paragraph, a setext heading's text, an ATX heading), numbered from 0 in
   * document order; -1 for lines with no inline content. Lines of one block are scanned for inline syntax together.
   */
  inlineBlock: Int32Array;
}

export interface Heading {
  /** First line of the heading (for setext: the first line of its text). */
  line: number;
  /** Line after the heading's last line (for setext: after the underline). */
  endLine: number;
  level: number;
  /** Heading text, lines joined by one space, closing `#`s and outer whitespace removed. */
  text: string;
}

interface QuoteContainer {
  kind: "quote";
}
interface ItemContainer {
  kind: "item";
  contentColumn: number;
  startedBlank: boolean;
  hasContent: boolean;
}
type Container = QuoteContainer | ItemContainer;

type Leaf =
  | { kind: "none" }
  | { kind: "paragraph"; startLine: number; lines: string[]; block: number }
  | { kind: "fence"; char: string; length: number; indent: number }
  | { kind: "indented" }
  | { kind: "html"; endsAt: HtmlEnd };

type HtmlEnd = "blank" | "script" | "comment" | "processing" | "declaration" | "cdata";

const NONE: Leaf = { kind: "none" };

const BLOCK_TAGS = new Set(
  (
    "address article aside base basefont blockquote body caption center col colgroup dd details dialog dir div dl dt " +
    "fieldset figcaption figure footer form frame frameset h1 h2 h3 h4 h5 h6 head header hr html iframe legend li link " +
    "main menu nav noframes ol optgroup option p param search section summary table tbody td tfoot th thead title tr track ul"
  ).split(" "),
);
const RAW_TAG = /^<(script|pre|style|textarea)(?:\s|>|$)/i;
const BLOCK_TAG = /^<\/?([A-Za-z][A-Za-z0-9-]*)(?:\s|\/?>|$)/;
const ATTRIBUTE = String.raw`(?:\s+[A-Za-z_:][A-Za-z0-9_.:-]*(?:\s*=\s*(?:[^"'=<>\x60\s]+|'[^']*'|"[^"]*"))?)`;
const COMPLETE_TAG = new RegExp(String.raw`^(?:<[A-Za-z][A-Za-z0-9-]*${ATTRIBUTE}*\s*\/?>|<\/[A-Za-z][A-Za-z0-9-]*\s*>)\s*$`);
const THEMATIC_BREAK = /^(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$/;
const SETEXT_UNDERLINE = /^(?:=+|-+)[ \t]*$/;
const ATX = /^(#{1,6})(?:[ \t]+(.*?))?$/;
const FENCE_OPEN = /^(`{3,}|~{3,})(.*)$/;
const LINK_DEFINITION = /^\[(?:[^\]\\]|\\.)+\]:[ \t]*(?:<[^<>\n]*>|[^\s<][^\s]*)(?:[ \t]+(?:"[^"]*"|'[^']*'|\([^()]*\)))?[ \t]*$/;

// The block regexes are anchored at the first character: most lines are answered by that character alone.
function isThematicBreak(rest: string): boolean {
  const first = rest[0];
  return (first === "*" || first === "-" || first === "_") && THEMATIC_BREAK.test(rest);
}

/** Replaces tabs by spaces up to the next multiple of 4, so character index equals column. */
function expandTabs(line: string): string {
  if (!line.includes("\t")) return line;
  let out = "";
  for (const char of line) {
    if (char === "\t") out += " ".repeat(4 - (out.length % 4));
    else out += char;
  }
  return out;
}

function spacesAt(line: string, pos: number): number {
  let n = 0;
  while (line.charCodeAt(pos + n) === 32) n++;
  return n;
}

function isBlankFrom(line: string, pos: number): boolean {
  for (let i = pos; i < line.length; i++) if (line.charCodeAt(i) !== 32) return false;
  return true;
}

function atxText(raw: string | undefined): string {
  let text = (raw ?? "").trim();
  // A closing sequence is `#`s preceded by a space (or the whole content).
  const closing = /(^|[ \t])#+[ \t]*$/.exec(text);
  if (closing) text = text.slice(0, closing.index).trim();
  return text;
}

function htmlStart(rest: string, paragraphOpen: boolean): HtmlEnd | undefined {
  if (rest.charCodeAt(0) !== 60) return undefined; // "<"
  if (RAW_TAG.test(rest)) return "script";
  if (rest.startsWith("<!--")) return "comment";
  if (rest.startsWith("<?")) return "processing";
  if (/^<![A-Za-z]/.test(rest)) return "declaration";
  if (rest.startsWith("<![CDATA[")) return "cdata";
  const tag = BLOCK_TAG.exec(rest);
  if (tag && BLOCK_TAGS.has((tag[1] as string).toLowerCase())) return "blank";
  if (!paragraphOpen && COMPLETE_TAG.test(rest)) return "blank";
  return undefined;
}

function htmlEnds(endsAt: HtmlEnd, text: string): boolean {
  switch (endsAt) {
    case "blank":
      return false;
    case "script":
      return /<\/(?:script|pre|style|textarea)>/i.test(text);
    case "comment":
      return text.includes("-->");
    case "processing":
      return text.includes("?>");
    case "declaration":
      return text.includes(">");
    case "cdata":
      return text.includes("]]>");
  }
}

interface ListMarker {
  contentColumn: number;
  blank: boolean;
  ordered: boolean;
  start: number;
}

/** A list item marker at `pos` (indentation already skipped), or undefined. */
function listMarker(line: string, pos: number): ListMarker | undefined {
  const char = line[pos];
  let markerEnd: number;
  let ordered = false;
  let start = 0;
  if (char === "-" || char === "+" || char === "*") {
    markerEnd = pos + 1;
  } else {
    const code = line.charCodeAt(pos);
    if (code < 48 || code > 57) return undefined; // no digit, no ordered marker (most lines: no slice, no regex)
    const match = /^(\d{1,9})[.)]/.exec(line.slice(pos, pos + 11));
    if (!match) return undefined;
    ordered = true;
    start = Number(match[1]);
    markerEnd = pos + match[0].length;
  }
  if (markerEnd < line.length && line.charCodeAt(markerEnd) !== 32) return undefined;
  const blank = isBlankFrom(line, markerEnd);
  const spaces = spacesAt(line, markerEnd);
  const contentColumn = blank || spaces >= 5 ? markerEnd + 1 : markerEnd + spaces;
  return { contentColumn, blank, ordered, start };
}

/** Scans Markdown lines (already split) from `fromLine` (after front matter): headings and line kinds. */
export function scanBlocks(lines: readonly string[], fromLine = 0): BlockScan {
  return scan(lines, fromLine, new Uint8Array(lines.length), new Int32Array(lines.length).fill(-1));
}

/** Every heading of Markdown lines from `fromLine` (after front matter), in order. */
export function scanHeadings(lines: readonly string[], fromLine = 0): Heading[] {
  // The indexer's hot path records no line kinds (empty arrays, never written).
  return scan(lines, fromLine, NO_KINDS, NO_BLOCKS).headings;
}

const NO_KINDS = new Uint8Array(0);
const NO_BLOCKS = new Int32Array(0);

/** Records a paragraph line: prose, in inline block `block`. */
function markProse(kinds: Uint8Array, inlineBlock: Int32Array, index: number, block: number): void {
  kinds[index] = LineKind.PROSE;
  inlineBlock[index] = block;
}

function scan(lines: readonly string[], fromLine: number, kinds: Uint8Array, inlineBlock: Int32Array): BlockScan {
  const headings: Heading[] = [];
  const containers: Container[] = [];
  const record = kinds.length > 0;
  let blocks = 0;
  let leaf: Leaf = NONE;

  /** Whether an unmatched line starts a block, which ends a lazy paragraph continuation (as markdown-it decides). */
  const startsBlock = (line: string, pos: number): boolean => {
    const indent = spacesAt(line, pos);
    if (indent >= 4) return false;
    const rest = line.slice(pos + indent);
    if (rest.length === 0) return true;
    if (rest[0] === ">" || (rest[0] === "#" && ATX.test(rest.replace(/[ ]+$/, ""))) || isThematicBreak(rest) || fenceOpen(rest)) return true;
    if (htmlStart(rest, true) !== undefined) return true; // kind 7 never ends a paragraph
    // Outside the paragraph's own container any list item ends it, even an empty one or one not numbered 1.
    return listMarker(line, pos + indent) !== undefined;
  };

  for (let index = fromLine; index < lines.length; index++) {
    const line = expandTabs(lines[index] as string);
    let pos = 0;
    let matched = 0;
    for (const container of containers) {
      if (container.kind === "quote") {
        const indent = spacesAt(line, pos);
        if (indent > 3 || line[pos + indent] !== ">") break;
        pos += indent + 1;
        if (line.charCodeAt(pos) === 32) pos++;
      } else {
        if (isBlankFrom(line, pos)) {
          if (container.startedBlank && !container.hasContent) break;
          pos = Math.min(line.length, Math.max(pos, container.contentColumn));
        } else {
          if (pos + spacesAt(line, pos) < container.contentColumn) break;
          pos = container.contentColumn;
        }
      }
      matched++;
    }
    const allMatched = matched === containers.length;

    if (allMatched && leaf.kind === "fence") {
      const indent = spacesAt(line, pos);
      const rest = line.slice(pos + indent);
      const closing = indent < 4 && rest.startsWith(leaf.char.repeat(leaf.length)) && new RegExp(`^\\${leaf.char}+[ ]*$`).test(rest);
      if (closing) leaf = NONE;
      if (record) kinds[index] = LineKind.CODE;
      markContent(containers, line, pos);
      continue;
    }
    if (allMatched && leaf.kind === "html") {
      if (leaf.endsAt === "blank") {
        if (isBlankFrom(line, pos)) leaf = NONE;
        else if (record) kinds[index] = LineKind.HTML;
      } else {
        if (record) kinds[index] = LineKind.HTML;
        if (htmlEnds(leaf.endsAt, line.slice(pos))) leaf = NONE;
      }
      markContent(containers, line, pos);
      continue;
    }

    if (!allMatched) {
      if (leaf.kind === "paragraph" && !isBlankFrom(line, pos) && !startsBlock(line, pos)) {
        leaf.lines.push(line.slice(pos).trim()); // lazy continuation line
        if (record) markProse(kinds, inlineBlock, index, leaf.block);
        continue;
      }
      while (containers.length > matched) containers.pop(); // (setting .length is a slow builtin call)
      leaf = NONE;
    }

    // New containers.
    let openedContainer = false;
    for (;;) {
      const indent = spacesAt(line, pos);
      if (indent >= 4) break;
      const at = pos + indent;
      if (line[at] === ">") {
        containers.push({ kind: "quote" });
        pos = at + 1;
        if (line.charCodeAt(pos) === 32) pos++;
        openedContainer = true;
        leaf = NONE;
        continue;
      }
      const first = line[at];
      if ((first === "*" || first === "-" || first === "_") && isThematicBreak(line.slice(at))) break;
      const marker = listMarker(line, at);
      if (!marker) break;
      if (leaf.kind === "paragraph" && !canInterruptParagraph(marker)) break;
      markContent(containers, line, pos);
      containers.push({ kind: "item", contentColumn: marker.contentColumn, startedBlank: marker.blank, hasContent: false });
      pos = Math.min(line.length, marker.contentColumn);
      openedContainer = true;
      leaf = NONE;
    }

    if (isBlankFrom(line, pos)) {
      if (leaf.kind === "paragraph") leaf = NONE;
      continue;
    }
    markContent(containers, line, pos);
    const indent = spacesAt(line, pos);
    if (indent >= 4) {
      if (leaf.kind === "paragraph") {
        leaf.lines.push(line.slice(pos).trim());
        if (record) markProse(kinds, inlineBlock, index, leaf.block);
      } else {
        leaf = { kind: "indented" };
        if (record) kinds[index] = LineKind.CODE;
      }
      continue;
    }
    const rest = line.slice(pos + indent);
    // Only a line starting with `#` can be ATX: skip the trailing-space regex on every other line.
    const atx = rest[0] === "#" ? ATX.exec(rest.replace(/[ ]+$/, "")) : null;
    if (atx) {
      headings.push({ line: index, endLine: index + 1, level: (atx[1] as string).length, text: atxText(atx[2]) });
      if (record) kinds[index] = LineKind.HEADING;
      if (record) inlineBlock[index] = blocks++;
      leaf = NONE;
      continue;
    }
    const fence = fenceOpen(rest);
    if (fence) {
      leaf = { kind: "fence", ...fence, indent };
      if (record) kinds[index] = LineKind.CODE;
      continue;
    }
    const html = htmlStart(rest, leaf.kind === "paragraph");
    if (html !== undefined) {
      leaf = htmlEnds(html, rest) ? NONE : { kind: "html", endsAt: html };
      if (record) kinds[index] = LineKind.HTML;
      continue;
    }
    if (leaf.kind === "paragraph" && !openedContainer && SETEXT_UNDERLINE.test(rest)) {
      headings.push({
        line: leaf.startLine,
        endLine: index + 1,
        level: rest[0] === "=" ? 1 : 2,
        text: leaf.lines.join(" ").trim(),
      });
      if (record) kinds.fill(LineKind.HEADING, leaf.startLine, index + 1);
      leaf = NONE;
      continue;
    }
    if (isThematicBreak(rest)) {
      if (record) kinds[index] = LineKind.BREAK;
      leaf = NONE;
      continue;
    }
    if (rest[0] === "[" && leaf.kind !== "paragraph" && LINK_DEFINITION.test(rest)) {
      leaf = NONE; // a link reference definition: no inline content (one line; it cannot interrupt a paragraph)
      continue;
    }
    if (leaf.kind === "paragraph") leaf.lines.push(rest.trim());
    else leaf = { kind: "paragraph", startLine: index, lines: [rest.trim()], block: blocks++ };
    if (record) markProse(kinds, inlineBlock, index, leaf.block);
  }
  return { headings, kinds, inlineBlock };
}

/** An opening code fence: 3+ backticks (info string without backticks) or 3+ tildes. */
function fenceOpen(rest: string): { char: string; length: number } | undefined {
  if (rest[0] !== "`" && rest[0] !== "~") return undefined;
  const match = FENCE_OPEN.exec(rest);
  if (!match) return undefined;
  const run = match[1] as string;
  const char = run[0] as string;
  if (char === "`" && (match[2] as string).includes("`")) return undefined;
  return { char, length: run.length };
}

function canInterruptParagraph(marker: ListMarker): boolean {
  return !marker.blank && (!marker.ordered || marker.start === 1);
}

/** Records that the innermost list item has content (an item may start with at most one blank line). */
function markContent(containers: Container[], line: string, pos: number): void {
  const last = containers[containers.length - 1];
  if (last?.kind === "item" && !isBlankFrom(line, pos)) last.hasContent = true;
}
