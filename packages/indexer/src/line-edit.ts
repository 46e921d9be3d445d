// Re-extraction of a Markdown file after an edit inside one prose line (typing in a large buffer).
// When the edit cannot change the block structure - no line break, backtick, tilde, angle bracket or
// backslash removed or typed, the line starts with a letter (after the same indentation) before and
// after, and the line is neither a heading nor front matter - the headings are the ones already
// extracted: only the sections containing the line get a new hash and id. Anything else returns
// undefined and the caller re-extracts the whole file.
import { contentHash, sectionId } from "@catalytic/core";
import type { ExtractedSection } from "./extract.js";

/** What one edit changed: text[start, oldEnd) of the old text became text[start, newEnd) of the new. */
export interface TextEdit {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/** Characters that can break a line, end an HTML block, or open, close or escape a code span or fence (mid-line). */
const STRUCTURAL = /[\n\r`~<>\\]/;
const LETTER = /\p{L}/u;

const CHUNK = 4096;

/** The one contiguous region where two texts differ (common prefix and suffix trimmed). */
export function diffRegion(before: string, after: string): TextEdit {
  const shorter = Math.min(before.length, after.length);
  // Whole chunks compare as substrings (flat memory comparison), the last one character by character.
  let start = 0;
  while (start + CHUNK <= shorter && before.slice(start, start + CHUNK) === after.slice(start, start + CHUNK)) start += CHUNK;
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  const room = shorter - start;
  let suffix = 0;
  while (suffix + CHUNK <= room && before.slice(before.length - suffix - CHUNK, before.length - suffix) === after.slice(after.length - suffix - CHUNK, after.length - suffix)) suffix += CHUNK;
  while (suffix < room && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  return { start, oldEnd: before.length - suffix, newEnd: after.length - suffix };
}

/** Offset of the first character that is not a space or tab at or after `from`. */
function contentStart(text: string, from: number): number {
  let i = from;
  while (i < text.length && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  return i;
}

/**
 * The line (0-based) an edit sits in when it keeps the file's block structure, else undefined: the removed and inserted
 * text hold no line break or structural character, and the line's indentation and letter start are kept.
 */
export function proseLineOf(before: string, after: string, edit: TextEdit): number | undefined {
  const removed = before.slice(edit.start, edit.oldEnd);
  const inserted = after.slice(edit.start, edit.newEnd);
  if (STRUCTURAL.test(removed) || STRUCTURAL.test(inserted) || before.includes("\r")) return undefined;
  const lineStart = edit.start === 0 ? 0 : before.lastIndexOf("\n", edit.start - 1) + 1;
  const oldContent = contentStart(before, lineStart);
  const newContent = contentStart(after, lineStart);
  if (oldContent !== newContent || !LETTER.test(before[oldContent] ?? "") || !LETTER.test(after[newContent] ?? "")) return undefined;
  let line = 0;
  for (let i = before.indexOf("\n"); i !== -1 && i < lineStart; i = before.indexOf("\n", i + 1)) line++;
  return line;
}

/** Offset where each of `lines` starts in `text` (the line count maps to the end of the text). */
function lineStarts(text: string, lines: readonly number[]): Map<number, number> {
  const wanted = [...new Set(lines)].sort((a, b) => a - b);
  const starts = new Map<number, number>();
  let line = 0;
  let offset = 0;
  for (const target of wanted) {
    while (line < target) {
      const newline = text.indexOf("\n", offset);
      offset = newline === -1 ? text.length : newline + 1;
      line++;
    }
    starts.set(target, offset);
  }
  return starts;
}

/**
 * Sections of `after` derived from those of `before` for an edit inside prose line `line`, or undefined when the line is
 * a heading line or front matter (the caller re-extracts). Sections not containing the line are reused as they are.
 */
export function reextractAfterLineEdit(sections: readonly ExtractedSection[], before: string, after: string, line: number): ExtractedSection[] | undefined {
  if (before.startsWith("---")) return undefined; // front matter may define symbols
  const touched = sections.filter((s) => s.lineStart <= line && line < s.lineEnd);
  if (sections.some((s) => s.kind !== "file" && s.headingLineStart <= line && line < s.headingLineEnd)) return undefined;
  if (sections.some((s) => s.kind === "declaration")) return undefined;
  const starts = lineStarts(after, touched.flatMap((s) => [s.lineStart, s.lineEnd]));
  // A heading spanning the whole file has the file section's lines: hash each line range once.
  const hashes = new Map<string, string>();
  return sections.map((section) => {
    if (!touched.includes(section)) return section;
    const lines = `${section.lineStart}:${section.lineEnd}`;
    const hash = hashes.get(lines) ?? contentHash(after.slice(starts.get(section.lineStart), starts.get(section.lineEnd)));
    hashes.set(lines, hash);
    return { ...section, contentHash: hash, sectionId: sectionId(section.filePath, section.lineStart, section.lineEnd, hash) };
  });
}
