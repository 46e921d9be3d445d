// Conversions between extracted sections and their database rows.
import type { ExtractedSection, SectionKind } from "./extract.js";
import type { FrontMatterProblem, FrontMatterSymbol } from "./front-matter.js";

export interface SectionRow {
  id: number;
  section_id: string;
  file_path: string;
  ordinal: number;
  kind: SectionKind;
  level: number;
  heading: string;
  slug: string;
  heading_path: string;
  line_start: number;
  line_end: number;
  heading_line_start: number;
  heading_line_end: number;
  content_hash: string;
}

/** Parameters of sql/sections INSERT_SECTION, in its column order (positional binding is the cheaper one). */
export function sectionParams(section: ExtractedSection, ordinal: number): unknown[] {
  return [
    section.sectionId,
    section.filePath,
    ordinal,
    section.kind,
    section.level,
    section.heading,
    section.slug,
    JSON.stringify(section.headingPath),
    section.lineStart,
    section.lineEnd,
    section.headingLineStart,
    section.headingLineEnd,
    section.contentHash,
  ];
}

export function sectionFromRow(row: SectionRow): ExtractedSection {
  return {
    sectionId: row.section_id,
    filePath: row.file_path,
    headingPath: JSON.parse(row.heading_path) as string[],
    lineStart: row.line_start,
    lineEnd: row.line_end,
    contentHash: row.content_hash,
    kind: row.kind,
    level: row.level,
    heading: row.heading,
    slug: row.slug,
    headingLineStart: row.heading_line_start,
    headingLineEnd: row.heading_line_end,
  };
}

export interface StoredFrontMatter {
  symbols: FrontMatterSymbol[];
  problems: FrontMatterProblem[];
}

export const NO_FRONT_MATTER = JSON.stringify({ symbols: [], problems: [] } satisfies StoredFrontMatter);

export function frontMatterJson(symbols: FrontMatterSymbol[], problems: FrontMatterProblem[]): string {
  return symbols.length === 0 && problems.length === 0 ? NO_FRONT_MATTER : JSON.stringify({ symbols, problems });
}

/** Each section's own text range for full-text search: from after its heading to the next section's start. */
export function ownBodyRanges(sections: readonly ExtractedSection[]): Array<{ start: number; end: number }> {
  return sections.map((section, i) => {
    const next = sections[i + 1];
    const end = next ? Math.min(section.lineEnd, next.lineStart) : section.lineEnd;
    return { start: Math.min(section.headingLineEnd, end), end };
  });
}
