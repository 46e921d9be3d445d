// Ranked search over section headings, symbol ids and bodies. Discovery selects candidates; it never justifies:
// every search stores a retrieval receipt (query hash, k, ids, scores, run id, time). See docs/indexer.md#search.
import { UsageError, sha256Hex } from "@catalytic/core";
import type { SectionRow } from "../rows.js";
import * as expansionSql from "../sql/expansions.js";
import * as searchSql from "../sql/search.js";
import * as symbolSql from "../sql/symbols.js";
import type { Statements } from "../statements.js";
import { type ParsedQuery, parseQuery, withoutClauses } from "./query.js";
import { type Ranker, type RankedSection, bm25Ranker, rrf } from "./rank.js";

const SNIPPET_MAX = 200;
/** A line before the first match this short is shown with it. */
const SNIPPET_CONTEXT = 100;
/** How deep each ranker's list goes when several are fused. */
const FUSION_DEPTH = 50;

export interface SearchHit {
  sectionId: string;
  filePath: string;
  lineStart: number;
  lineEnd: number;
  headingPath: string[];
  symbols: string[];
  /** -bm25 (or the fused RRF score), 6 decimals: higher is better. */
  score: number;
  /** At most 200 characters of the section's own text, from its first matching line (or the short line before). */
  snippet: string;
  /** 0-based file lines of the section's own text where the query matched (empty when only the heading did). */
  matchLines: number[];
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
  /** The query's content words, folded as indexed (lowercase, NFKC, ß -> ss): what a caller looks for in a section. */
  terms: string[];
  hits: SearchHit[];
}

export interface SearchOptions {
  k: number;
  runId: string;
  indexHash: string;
  /** Rankers fused with BM25 by reciprocal rank fusion (none: BM25 scores as they are). */
  rankers?: readonly Ranker[];
}

function clip(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= SNIPPET_MAX ? flat : `${flat.slice(0, SNIPPET_MAX - 1)}…`;
}

/** Lines (0-based within the text) that hold part of a match, from highlight() output with \u0001 ... \u0002 marks. */
function markedLines(marked: string): number[] {
  const lines: number[] = [];
  let open = false;
  marked.split("\n").forEach((line, i) => {
    let touched = open;
    for (const c of line) {
      if (c === "\u0001") open = touched = true;
      else if (c === "\u0002") open = false;
    }
    if (touched) lines.push(i);
  });
  return lines;
}

/** Hits for ranked sections: the row shown, its symbols, the lines that matched and a snippet from the first. */
function hydrate(statements: Statements, query: ParsedQuery, ranked: readonly RankedSection[]): SearchHit[] {
  const sectionOf = statements.get(searchSql.SELECT_HIT_SECTION);
  const seen = new Set<string>();
  const rows: Array<{ row: SectionRow; score: number }> = [];
  for (const item of ranked) {
    const row = seen.has(item.sectionId) ? undefined : (sectionOf.get(item.sectionId) as SectionRow | undefined);
    seen.add(item.sectionId);
    if (row) rows.push({ row, score: item.score });
  }
  if (rows.length === 0) return [];
  const ids = rows.map(({ row }) => row.id);
  const marks = new Map<number, string>();
  for (const found of statements.get(searchSql.SELECT_HIT_HIGHLIGHTS).all(query.match, Math.min(...ids), Math.max(...ids), JSON.stringify(ids)) as Array<{ id: number; marked: string }>) {
    marks.set(found.id, found.marked);
  }
  const textOf = statements.get(searchSql.SELECT_HIT_TEXT);
  const symbolsOf = statements.get(symbolSql.SELECT_SYMBOLS_OF_SECTION).pluck();
  return rows.map(({ row, score }) => {
    const text = textOf.get(row.id) as { body: string; raw: string | null } | undefined;
    const marked = marks.get(row.id);
    const matched = marked === undefined ? [] : markedLines(marked);
    const lines = (text?.raw ?? text?.body ?? "").split("\n");
    // The snippet starts at the first matching line, or the line before it when that one is short (context).
    const at = matched[0] ?? 0;
    const previous = at > 0 ? (lines[at - 1] as string).trim() : "";
    const first = previous !== "" && previous.length <= SNIPPET_CONTEXT ? at - 1 : at;
    return {
      sectionId: row.section_id,
      filePath: row.file_path,
      lineStart: row.line_start,
      lineEnd: row.line_end,
      headingPath: JSON.parse(row.heading_path) as string[],
      symbols: symbolsOf.all(row.section_id) as string[],
      score,
      snippet: clip(lines.slice(first, first + 8).join(" ")),
      matchLines: matched.map((line) => row.heading_line_end + line),
    };
  });
}

/**
 * The query without content words found in half or more of the search rows: BM25 gives them no weight (FTS5 clamps
 * their idf to 1e-6, so they move a score by at most 2.2e-6), yet scoring every row they match is most of the cost.
 */
function withoutUbiquitous(statements: Statements, query: ParsedQuery): ParsedQuery {
  if (query.anyOf.length < 2) return query;
  const rows = statements.get(searchSql.COUNT_SEARCH_ROWS).pluck().get() as number;
  const half = Math.ceil(rows / 2);
  const count = statements.get(searchSql.COUNT_MATCHES_UP_TO).pluck();
  return withoutClauses(query, new Set(query.anyOf.filter((c) => 2 * (count.get(c.fts, half) as number) >= rows)));
}

/** The ranked list for a query: BM25 alone, or BM25 fused with the given rankers. */
function rankSections(statements: Statements, query: ParsedQuery, k: number, rankers: readonly Ranker[] = []): RankedSection[] {
  const bm25 = bm25Ranker(statements);
  if (rankers.length === 0) return bm25.rank(query, k);
  const depth = Math.max(k, FUSION_DEPTH);
  return rrf([bm25, ...rankers].map((ranker) => ranker.rank(query, depth))).slice(0, k);
}

export function searchSections(statements: Statements, query: string, options: SearchOptions): SearchResult {
  const { k, runId, indexHash } = options;
  if (!Number.isInteger(k) || k < 1) throw new UsageError("CAT_USAGE", `k must be a positive integer, got ${k}`, { hint: "pass -k 10" });
  const parsed = withoutUbiquitous(statements, parseQuery(query));
  const hits = hydrate(statements, parsed, rankSections(statements, parsed, k, options.rankers));
  const queryHash = sha256Hex(query);
  const results = JSON.stringify(hits.map((h) => ({ section_id: h.sectionId, score: h.score })));
  const createdAt = new Date().toISOString();
  const info = statements.get(expansionSql.INSERT_RETRIEVAL).run(runId, query, queryHash, k, indexHash, results, createdAt);
  return { receiptId: Number(info.lastInsertRowid), runId, query, queryHash, k, indexHash, createdAt, terms: parsed.terms, hits };
}
