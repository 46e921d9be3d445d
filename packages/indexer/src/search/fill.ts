// Filling the search table during build: one row per section with text (heading path, symbol ids, own body), written
// after the symbols are synced so each row gets its symbol ids at once; later symbol changes rewrite only their rows.
import type { ExtractedSection } from "../extract.js";
import { splitLines } from "@catalytic/core";
import { ownBodyRanges } from "../rows.js";
import * as searchSql from "../sql/search.js";
import type { Statements } from "../statements.js";
import { foldForIndex } from "./fold.js";

/** A file whose sections were just written: its sections, their sections.id rows, and its text (LF newlines). */
export interface SearchFileInput {
  sections: readonly ExtractedSection[];
  rows: readonly number[];
  text: string;
}

/** Removes the search rows of a file's sections; call before its sections are deleted. */
export function deleteSearchRowsOf(statements: Statements, filePath: string): void {
  statements.get(searchSql.DELETE_SEARCH_ROWS_OF_FILE).run(filePath);
  statements.get(searchSql.DELETE_SEARCH_SYMBOLS_OF_FILE).run(filePath);
}

/**
 * Inserts the rows of newly written files (each section's own text: after its heading, before the next section),
 * then brings every row's symbol ids in step with the symbols table (a registry or config edit changes them without
 * touching a file). Sections with neither heading nor text get no row.
 */
export function fillSearch(statements: Statements, added: readonly SearchFileInput[]): void {
  const wanted = new Map<string, string>();
  for (const row of statements.get(searchSql.SELECT_SYMBOL_TEXTS).all() as Array<{ section_id: string; symbols: string }>) {
    wanted.set(row.section_id, row.symbols);
  }
  const insert = statements.get(searchSql.INSERT_SEARCH_ROW);
  const upsertSymbols = statements.get(searchSql.UPSERT_SEARCH_SYMBOLS);
  for (const file of added) {
    const lines = splitLines(file.text);
    const ranges = ownBodyRanges(file.sections);
    file.sections.forEach((section, i) => {
      const range = ranges[i] as { start: number; end: number };
      const body = lines.slice(range.start, range.end).join("\n");
      if (section.heading === "" && body.trim() === "") return;
      const symbols = wanted.get(section.sectionId) ?? "";
      const folded = foldForIndex(body);
      insert.run(file.rows[i], foldForIndex(section.headingPath.join(" / ")), foldForIndex(symbols), folded, folded === body ? null : body);
      if (symbols) upsertSymbols.run(section.sectionId, symbols);
    });
  }
  const update = statements.get(searchSql.UPDATE_SEARCH_ROW_SYMBOLS);
  const present = new Map<string, string>();
  for (const row of statements.get(searchSql.SELECT_SEARCH_SYMBOLS).all() as Array<{ section_id: string; symbols: string }>) {
    present.set(row.section_id, row.symbols);
  }
  for (const [sectionId, symbols] of wanted) {
    if (present.get(sectionId) === symbols) continue;
    update.run(foldForIndex(symbols), sectionId);
    upsertSymbols.run(sectionId, symbols);
  }
  const deleteSymbols = statements.get(searchSql.DELETE_SEARCH_SYMBOLS);
  for (const sectionId of present.keys()) {
    if (wanted.has(sectionId)) continue;
    update.run("", sectionId);
    deleteSymbols.run(sectionId);
  }
}
