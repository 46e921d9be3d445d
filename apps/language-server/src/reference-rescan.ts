// References of an edited buffer from those of its previous version: only the blank-line delimited run of
// lines around the edit is scanned again, the matches after it are shifted. Used when the edit keeps the
// block structure (the indexer's proseLineOf) and the run scans alone exactly as it did in context before
// the edit, which it does when it is prose (not code, not a list item's indented continuation). Otherwise
// undefined: the caller scans the whole text.
import { scanReferences, type ReferenceMatch } from "@catalytic/core";
import { diffRegion, proseLineOf } from "@catalytic/indexer";
import { positionAt } from "./positions.js";

/** Runs longer than this are scanned with the whole document (no gain, and rare). */
const MAX_RUN_CHARS = 64 * 1024;

function runStart(text: string, offset: number): number {
  const blank = offset < 2 ? -1 : text.lastIndexOf("\n\n", offset - 2);
  return blank === -1 ? 0 : blank + 2;
}

function runEnd(text: string, offset: number): number {
  const blank = text.indexOf("\n\n", offset);
  return blank === -1 ? text.length : blank + 1;
}

/**
 * A copy of the matches sharing no memory with the scanned text: V8 keeps a substring of 13+ characters as a
 * view on its parent, so matches kept across edits would each hold a whole (megabyte) version of the buffer.
 */
export function detached(matches: ReferenceMatch[]): ReferenceMatch[] {
  return JSON.parse(JSON.stringify(matches)) as ReferenceMatch[];
}

/** Matches of `text` standalone, moved to where `text` starts in its document. */
function scanRun(text: string, offset: number, line: number): ReferenceMatch[] {
  return detached(scanReferences(text)).map((match) => moved(match, offset, line));
}

function moved(match: ReferenceMatch, offsetDelta: number, lineDelta: number): ReferenceMatch {
  const at = (p: { line: number; character: number }) => ({ line: p.line + lineDelta, character: p.character });
  const out: ReferenceMatch = {
    ...match,
    start: match.start + offsetDelta,
    end: match.end + offsetDelta,
    range: { start: at(match.range.start), end: at(match.range.end) },
    symbolRange: { start: at(match.symbolRange.start), end: at(match.symbolRange.end) },
  };
  if (match.sliceRange) out.sliceRange = { start: at(match.sliceRange.start), end: at(match.sliceRange.end) };
  return out;
}

const sameMatches = (a: readonly ReferenceMatch[], b: readonly ReferenceMatch[]): boolean =>
  a.length === b.length && a.every((match, i) => JSON.stringify(match) === JSON.stringify(b[i]));

/** The references of `after`, given those of `before` (its previous version); undefined when a full scan is needed. */
export function rescanAfterEdit(before: string, matches: readonly ReferenceMatch[], after: string): ReferenceMatch[] | undefined {
  if (before === after) return [...matches];
  const edit = diffRegion(before, after);
  if (proseLineOf(before, after, edit) === undefined) return undefined;
  const start = runStart(before, edit.start);
  const oldEnd = runEnd(before, edit.oldEnd);
  const delta = edit.newEnd - edit.oldEnd;
  if (oldEnd - start > MAX_RUN_CHARS) return undefined;
  const inRun = (m: ReferenceMatch) => m.start >= start && m.start < oldEnd;
  const first = matches.findIndex(inRun);
  // The run must have shown a reference in context, and scan alone to exactly those: then it is prose.
  if (first === -1) return undefined;
  let last = first;
  while (last < matches.length && inRun(matches[last] as ReferenceMatch)) last++;
  const line = positionAt(before, start).line;
  if (!sameMatches(scanRun(before.slice(start, oldEnd), start, line), matches.slice(first, last))) return undefined;
  const rescanned = scanRun(after.slice(start, oldEnd + delta), start, line);
  const shifted = matches.slice(last).map((match) => moved(match, delta, 0));
  return [...matches.slice(0, first), ...rescanned, ...shifted];
}
