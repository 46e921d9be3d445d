// Pure section extraction (docs/indexer.md "Sections"): a file-level section plus one per Markdown heading, or per
// top-level declaration in code files. No I/O: the language server runs this over unsaved buffers.
import { contentHash, normalizeNewlines, scanHeadings, sectionId, splitLines, uniqueSlugs } from "@catalytic/core";
import { scanDeclarations } from "./declarations.js";
import { frontMatterEnd, parsingLines } from "./front-matter.js";

export type SectionKind = "file" | "heading" | "declaration";

export interface ExtractedSection {
  sectionId: string;
  filePath: string;
  /** Enclosing headings from the root to this section (its own heading last); [] for the file section. */
  headingPath: string[];
  /** 0-based, inclusive. */
  lineStart: number;
  /** 0-based, exclusive. */
  lineEnd: number;
  contentHash: string;
  kind: SectionKind;
  /** Heading level 1-6 (declarations: 1); 0 for the file section. */
  level: number;
  /** Heading text (or declaration name); "" for the file section. */
  heading: string;
  /** GitHub-style slug, unique within the file; "" for the file section. */
  slug: string;
  /** Lines of the heading itself: [headingLineStart, headingLineEnd). Equal to lineStart/lineStart+1 for ATX. */
  headingLineStart: number;
  headingLineEnd: number;
}

export type FileKind = "markdown" | "code" | "text";

const MARKDOWN_EXTENSIONS = new Set([".md", ".markdown", ".mdx"]);
const SCRIPT_EXTENSIONS = new Set([".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"]);
const CODE_EXTENSIONS = new Set([...SCRIPT_EXTENSIONS, ".py", ".sql", ".json", ".yaml", ".yml"]);

function extensionOf(filePath: string): string {
  const base = filePath.slice(filePath.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  return dot <= 0 ? "" : base.slice(dot).toLowerCase();
}

export function fileKind(filePath: string): FileKind {
  const extension = extensionOf(filePath);
  if (MARKDOWN_EXTENSIONS.has(extension)) return "markdown";
  return CODE_EXTENSIONS.has(extension) ? "code" : "text";
}

/**
 * Character offset where each line of a normalized text starts (the lines of splitLines: a final newline ends the last
 * line), plus one final entry for the end of the text.
 */
export function lineOffsets(text: string): number[] {
  const offsets = text.length === 0 ? [] : [0];
  for (let at = text.indexOf("\n"); at !== -1 && at + 1 < text.length; at = text.indexOf("\n", at + 1)) offsets.push(at + 1);
  offsets.push(text.length);
  return offsets;
}

interface Marker {
  line: number;
  endLine: number;
  level: number;
  text: string;
  kind: SectionKind;
}

/** Sections of one file. `text` may use any line endings; lines are counted after normalisation. */
export function extractSections(filePath: string, text: string): ExtractedSection[] {
  const normalized = normalizeNewlines(text);
  const lines = splitLines(normalized);
  const offsets = lineOffsets(normalized);
  const slice = (start: number, end: number): string => normalized.slice(offsets[start], offsets[end]);
  const fileHash = contentHash(normalized);
  const sections: ExtractedSection[] = [
    {
      sectionId: sectionId(filePath, 0, lines.length, fileHash),
      filePath,
      headingPath: [],
      lineStart: 0,
      lineEnd: lines.length,
      contentHash: fileHash,
      kind: "file",
      level: 0,
      heading: "",
      slug: "",
      headingLineStart: 0,
      headingLineEnd: 0,
    },
  ];
  const kind = fileKind(filePath);
  let markers: Marker[] = [];
  const parsed = parsingLines(lines);
  if (kind === "markdown") {
    markers = scanHeadings(parsed, frontMatterEnd(parsed) ?? 0).map((h) => ({ ...h, kind: "heading" as const }));
  } else if (kind === "code") {
    markers = scanDeclarations(filePath, parsed).map((d) => ({ ...d, level: 1, kind: "declaration" as const }));
  }
  const slugs = uniqueSlugs(markers.map((m) => m.text));
  const chain: Marker[] = [];
  markers.forEach((marker, i) => {
    while (chain.length > 0 && (chain[chain.length - 1] as Marker).level >= marker.level) chain.pop();
    chain.push(marker);
    let lineEnd = lines.length;
    for (let j = i + 1; j < markers.length; j++) {
      if ((markers[j] as Marker).level <= marker.level) {
        lineEnd = (markers[j] as Marker).line;
        break;
      }
    }
    if (marker.kind === "declaration") lineEnd = marker.endLine;
    // A heading that spans the whole file has the file's text and place: its hash and id are already known.
    const wholeFile = marker.line === 0 && lineEnd === lines.length;
    const hash = wholeFile ? fileHash : contentHash(slice(marker.line, lineEnd));
    sections.push({
      sectionId: wholeFile ? (sections[0] as ExtractedSection).sectionId : sectionId(filePath, marker.line, lineEnd, hash),
      filePath,
      headingPath: chain.map((m) => m.text),
      lineStart: marker.line,
      lineEnd,
      contentHash: hash,
      kind: marker.kind,
      level: marker.level,
      heading: marker.text,
      slug: slugs[i] as string,
      headingLineStart: marker.line,
      headingLineEnd: marker.kind === "declaration" ? marker.line + 1 : marker.endLine,
    });
  });
  return sections;
}

/** The text of lines [lineStart, lineEnd) of `text` (normalised), line terminators kept. */
export function linesOf(text: string, lineStart: number, lineEnd: number): string {
  const normalized = normalizeNewlines(text);
  let start = 0;
  for (let line = 0; line < lineStart; line++) {
    const newline = normalized.indexOf("\n", start);
    if (newline === -1) return "";
    start = newline + 1;
  }
  let end = start;
  for (let line = lineStart; line < lineEnd; line++) {
    const newline = normalized.indexOf("\n", end);
    if (newline === -1) return normalized.slice(start);
    end = newline + 1;
  }
  return normalized.slice(start, end);
}
