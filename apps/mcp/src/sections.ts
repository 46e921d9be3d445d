// Section shapes and token counts shared by the tools.
import type { Section, TokenCounter } from "@catalytic/core";
import type { ExtractedSection, Index } from "@catalytic/indexer";

export function sectionJson(section: ExtractedSection): Section {
  return {
    section_id: section.sectionId,
    file_path: section.filePath,
    heading_path: section.headingPath,
    line_start: section.lineStart,
    line_end: section.lineEnd,
    content_hash: section.contentHash,
  };
}

export function sectionLabel(section: { filePath: string; lineStart: number; lineEnd: number; headingPath: string[] }): string {
  return `${section.filePath}:${section.lineStart}-${section.lineEnd} ${section.headingPath.length ? section.headingPath.join(" > ") : "(whole file)"}`;
}

const MEMO_MAX = 50_000;

/**
 * Tokens of whole sections, memoized by section id (the id hashes the content, so an entry never goes
 * stale); undefined when the file changed since the build.
 */
export class SectionTokens {
  private readonly memo = new Map<string, number>();

  of(index: Index, sectionId: string, counter: TokenCounter): number | undefined {
    const known = this.memo.get(sectionId);
    if (known !== undefined) return known;
    let text: string;
    try {
      text = index.readSection(sectionId).text;
    } catch {
      return undefined;
    }
    const tokens = counter.count(text);
    if (this.memo.size >= MEMO_MAX) this.memo.clear();
    this.memo.set(sectionId, tokens);
    return tokens;
  }
}
