// Filling the search table during build: one row per section with text (heading path, symbol ids, own body), written
// with its file when no symbol can reach it, else after the symbol pass; later symbol changes rewrite only their rows.
import { type ExtractedSection, lineOffsets } from "../extract.js";
import { type RowSink, connectionSink } from "../row-sink.js";
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

/**
 * Inserts the search rows of one newly written file: each section's own text (after its heading, before the next
 * section) with the symbol ids `symbolsOf` holds for it (none when absent). Sections with neither heading nor text
 * get no row.
 */
export function insertSearchRows(sink: RowSink, file: SearchFileInput, symbolsOf: ReadonlyMap<string, string>, mirrorSymbols = true): void {
  const { sections, rows, text } = file;
  const bodies = ownBodies(text, sections);
  sections.forEach((section, i) => {
    const body = bodies[i] as string;
    if (section.heading === "" && body.trim() === "") return;
    const symbols = symbolsOf.get(section.sectionId) ?? "";
    const folded = foldForIndex(body);
    sink.run(searchSql.INSERT_SEARCH_ROW, [rows[i], foldForIndex(section.headingPath.join(" / ")), symbols && foldForIndex(symbols), folded, folded === body ? null : body]);
    if (symbols && mirrorSymbols) sink.run(searchSql.UPSERT_SEARCH_SYMBOLS, [section.sectionId, symbols]);
  });
}

/** Each section's own text (its lines joined by "\n"), cut from `text` by line offsets instead of splitting it again. */
function ownBodies(text: string, sections: readonly ExtractedSection[]): string[] {
  const starts = lineOffsets(text);
  return ownBodyRanges(sections).map(({ start, end }) => {
    if (end <= start) return "";
    const from = starts[start] as number;
    const to = starts[end] as number;
    return text.slice(from, text.charCodeAt(to - 1) === 10 ? to - 1 : to);
  });
}

/** Removes the search rows of a file's sections; call before its sections are deleted. */
export function deleteSearchRowsOf(statements: Statements, filePath: string): void {
  statements.get(searchSql.DELETE_SEARCH_ROWS_OF_FILE).run(filePath);
  statements.get(searchSql.DELETE_SEARCH_SYMBOLS_OF_FILE).run(filePath);
}

/**
 * Inserts the rows of newly written files with their symbol ids, then brings every row's symbol ids in step with the
 * symbols table, rewriting only rows that differ (a registry or config edit changes them without touching a file).
 * `fresh`: a new index (a cold build), whose every search row is written in this build with its symbol ids (the rows
 * written earlier, as files streamed, belong to sections no symbol can reach): search_symbols is then exactly the
 * symbols table's texts, copied in one statement instead of row by row and read back.
 */
export function fillSearch(statements: Statements, added: readonly SearchFileInput[], fresh = false): void {
  const wanted = new Map<string, string>();
  for (const row of statements.get(searchSql.SELECT_SYMBOL_TEXTS).all() as Array<{ section_id: string; symbols: string }>) {
    wanted.set(row.section_id, row.symbols);
  }
  const sink = connectionSink(statements);
  if (fresh) {
    for (const file of added) insertSearchRows(sink, file, wanted, false);
    statements.get(searchSql.COPY_SYMBOL_TEXTS).run();
    return;
  }
  for (const file of added) insertSearchRows(sink, file, wanted);
  const upsertSymbols = statements.get(searchSql.UPSERT_SEARCH_SYMBOLS);
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
