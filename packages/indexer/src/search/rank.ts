// Rankers turn a parsed query into an ordered list of section ids. BM25 over the FTS5 table is the one built in;
// a second ranker (vectors, later) joins it through reciprocal rank fusion (docs/indexer.md#search).
import * as searchSql from "../sql/search.js";
import type { Statements } from "../statements.js";
import type { ParsedQuery } from "./query.js";

export interface RankedSection {
  sectionId: string;
  /** Higher is better; comparable only within one ranker's list. */
  score: number;
}

export interface Ranker {
  readonly name: string;
  /** At most `limit` sections, best first; ties broken by section id so the order is deterministic. */
  rank(query: ParsedQuery, limit: number): RankedSection[];
}

/** The usual RRF constant (Cormack et al. 2009): damps the weight of the very first ranks. */
const RRF_K = 60;

const round6 = (value: number): number => Math.round(value * 1e6) / 1e6;

function compareRanked(a: RankedSection, b: RankedSection): number {
  return b.score - a.score || (a.sectionId < b.sectionId ? -1 : a.sectionId > b.sectionId ? 1 : 0);
}

/**
 * Reciprocal rank fusion: each list gives a section 1 / (k + rank), rank counted from 1; the fused score is the sum,
 * rounded to 6 decimals, ordered by score then section id.
 */
export function rrf(lists: ReadonlyArray<readonly RankedSection[]>, k = RRF_K): RankedSection[] {
  const fused = new Map<string, number>();
  for (const list of lists) {
    list.forEach((item, i) => fused.set(item.sectionId, (fused.get(item.sectionId) ?? 0) + 1 / (k + i + 1)));
  }
  return [...fused].map(([sectionId, score]) => ({ sectionId, score: round6(score) })).sort(compareRanked);
}

/** Rows fetched beyond the limit, so ties at the cut are usually settled without the slower query. */
const TIE_SLACK = 16;

/** BM25 over heading path, symbol ids and body (weighted in the SQL), stemmed; score = -bm25, 6 decimals. */
export function bm25Ranker(statements: Statements): Ranker {
  return {
    name: "bm25",
    rank(query, limit) {
      const window = limit + TIE_SLACK;
      const rows = statements.get(searchSql.RANK_BM25_ROWS).all(query.match, window) as Array<{ id: number; score: number }>;
      const cut = rows[limit - 1];
      // Ties with the last kept score may continue past the window: let SQL order them all by section id.
      if (cut && rows.length === window && (rows[window - 1] as { score: number }).score === cut.score) {
        return statements.get(searchSql.RANK_BM25).all(query.match, limit) as RankedSection[];
      }
      const sectionOf = statements.get(searchSql.SELECT_SECTION_ID_OF_ROW).pluck();
      return rows
        .map((row) => ({ sectionId: sectionOf.get(row.id) as string, score: row.score }))
        .sort(compareRanked)
        .slice(0, limit);
    },
  };
}
