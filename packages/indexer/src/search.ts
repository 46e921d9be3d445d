// Full-text search over section headings and bodies (FTS5, bm25). Discovery selects candidates; it
// never justifies: every search stores a retrieval receipt (query hash, k, ids, scores, run id, time).
import { UsageError, sha256Hex } from "@catalytic/core";
import * as expansionSql from "./sql/expansions.js";
import * as sectionSql from "./sql/sections.js";
import * as symbolSql from "./sql/symbols.js";
import type { Statements } from "./statements.js";

export const SNIPPET_MAX = 200;

export interface SearchHit {
  sectionId: string;
  filePath: string;
  lineStart: number;
  lineEnd: number;
  headingPath: string[];
  symbols: string[];
  /** -bm25, rounded to 6 decimals: higher is better. */
  score: number;
  /** At most 200 characters of the matching body. */
  snippet: string;
}

export interface SearchResult {
  receiptId: number;
  runId: string;
  query: string;
  queryHash: string;
  k: number;
  indexHash: string;
  /** When the receipt was stored (ISO 8601). */
  createdAt: string;
  hits: SearchHit[];
}

/** Words of a query, each quoted for FTS5 (so operators and punctuation in user text are literal). */
export function ftsQuery(query: string): string {
  const words = query.match(/[\p{L}\p{N}_]+/gu) ?? [];
  if (words.length === 0) {
    throw new UsageError("CAT_USAGE", `search query ${JSON.stringify(query)} has no words`, { hint: 'search for words, e.g. catalytic search "ownership rules"' });
  }
  return words.map((word) => `"${word}"`).join(" ");
}

function clip(snippet: string): string {
  const flat = snippet.replace(/\s+/g, " ").trim();
  return flat.length <= SNIPPET_MAX ? flat : `${flat.slice(0, SNIPPET_MAX - 1)}…`;
}

export function searchSections(statements: Statements, query: string, k: number, runId: string, indexHash: string): SearchResult {
  if (!Number.isInteger(k) || k < 1) throw new UsageError("CAT_USAGE", `k must be a positive integer, got ${k}`, { hint: "pass -k 10" });
  const rows = statements.get(sectionSql.SEARCH_SECTIONS).all(ftsQuery(query), k) as Array<{
    section_id: string;
    file_path: string;
    line_start: number;
    line_end: number;
    heading_path: string;
    score: number;
    snippet: string;
  }>;
  const symbolsOf = statements.get(symbolSql.SELECT_SYMBOLS_OF_SECTION).pluck();
  const hits = rows.map((row) => ({
    sectionId: row.section_id,
    filePath: row.file_path,
    lineStart: row.line_start,
    lineEnd: row.line_end,
    headingPath: JSON.parse(row.heading_path) as string[],
    symbols: symbolsOf.all(row.section_id) as string[],
    score: row.score,
    snippet: clip(row.snippet),
  }));
  const queryHash = sha256Hex(query);
  const results = JSON.stringify(hits.map((h) => ({ section_id: h.sectionId, score: h.score })));
  const createdAt = new Date().toISOString();
  const info = statements.get(expansionSql.INSERT_RETRIEVAL).run(runId, query, queryHash, k, indexHash, results, createdAt);
  return { receiptId: Number(info.lastInsertRowid), runId, query, queryHash, k, indexHash, createdAt, hits };
}
