// Position helpers shared by the features: which reference is under the cursor, offsets to positions, lines, section ranges.
import type { ReferenceMatch } from "@catalytic/core";
import type { ExtractedSection } from "@catalytic/indexer";
import type { Position, Range } from "vscode-languageserver";

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

export function rangeContains(range: Range, position: Position): boolean {
  return !before(position, range.start) && !before(range.end, position);
}

/** The reference whose range holds the position (references are in document order). */
export function referenceAt(references: readonly ReferenceMatch[], position: Position): ReferenceMatch | undefined {
  let low = 0;
  let high = references.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const match = references[mid] as ReferenceMatch;
    if (before(position, match.range.start)) high = mid - 1;
    else if (before(match.range.end, position)) low = mid + 1;
    else return match;
  }
  return undefined;
}

/** The whole section: from its first line to its exclusive end line. */
export function sectionRange(section: ExtractedSection): Range {
  return { start: { line: section.lineStart, character: 0 }, end: { line: section.lineEnd, character: 0 } };
}

/** The heading line(s) of a section: [headingLineStart, headingLineEnd), inside the section range. */
export function headingRange(section: ExtractedSection): Range {
  return { start: { line: section.headingLineStart, character: 0 }, end: { line: section.headingLineEnd, character: 0 } };
}

/** The line and UTF-16 character of a string offset. */
export function positionAt(text: string, offset: number): Position {
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, character: offset - lineStart };
}

/** The text of line `line` (0-based) without its line break; undefined past the end. */
export function lineText(text: string | undefined, line: number): string | undefined {
  if (text === undefined) return undefined;
  let start = 0;
  for (let n = 0; n < line; n++) {
    const next = text.indexOf("\n", start);
    if (next === -1) return undefined;
    start = next + 1;
  }
  const end = text.indexOf("\n", start);
  return text.slice(start, end === -1 ? text.length : end).replace(/\r$/, "");
}

export function shortHash(hash: string): string {
  return hash.slice(0, 12);
}
