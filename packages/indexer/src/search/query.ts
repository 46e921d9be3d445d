// A user's query -> an FTS5 MATCH expression. Every word is quoted, so no FTS5 syntax (AND, NEAR(, col:, *, ^)
// leaks through: punctuation is literal. What the user can say: "a quoted phrase" (required), -word or -"phrase"
// (excluded); everything else is a ranked OR of the content words, plus the whole query as a phrase (docs/indexer.md#search).
import { UsageError } from "@catalytic/core";
import { bigrams, foldCase, splitRuns } from "./fold.js";
import { STOP_WORDS } from "./stop-words.js";

/** One FTS5 phrase of the query and the folded words it came from. */
export interface QueryClause {
  words: string[];
  fts: string;
}

export interface ParsedQuery {
  /** The query as typed. */
  text: string;
  /** Folded content words (stop words dropped unless nothing else is left), in query order, each once. */
  terms: string[];
  /** Content words and punctuation-joined chunks (`Vec::new`): any may match, each adds to the score. */
  anyOf: QueryClause[];
  /** The exact-phrase bonus: the whole query as typed, when it has more than one chunk. */
  bonus: QueryClause[];
  /** "Quoted phrases": every one must match. */
  allOf: QueryClause[];
  /** -word and -"phrase": none may match. */
  noneOf: QueryClause[];
  /** The FTS5 expression searched. */
  match: string;
}

/**
 * At most this many content chunks are searched (the first ones, a pasted paragraph stays cheap); the whole-query
 * phrase is added up to this many words; more quoted phrases or exclusions than this are a usage error.
 */
const MAX_QUERY_CHUNKS = 32;

/** The token characters of the FTS5 table (unicode61 categories 'L* N* Co M*'); anything else separates words. */
const WORD = /[\p{L}\p{N}\p{Co}\p{M}]+/gu;
const TOKEN = /(-?)"([^"]*)(?:"|$)|(\S+)/gu;

interface Chunk {
  words: string[];
  stop: boolean;
}

function wordsOf(text: string): string[] {
  return foldCase(text).match(WORD) ?? [];
}

const isStop = (words: readonly string[]): boolean => words.every((w) => STOP_WORDS.has(w));

/**
 * One FTS5 phrase for a word sequence. Runs of unspaced scripts become their bigrams, plus the run's last character
 * when more follows (the index has it there); a final one-character run is a prefix search.
 */
function phrase(words: readonly string[]): string {
  const pieces = words.flatMap((word) => splitRuns(word));
  const tokens: string[] = [];
  let prefix = false;
  pieces.forEach((piece, i) => {
    const last = i === pieces.length - 1;
    if (!piece.unspaced) {
      tokens.push(piece.text);
      return;
    }
    const chars = Array.from(piece.text);
    tokens.push(...bigrams(piece.text));
    if (chars.length > 1 && !last) tokens.push(chars[chars.length - 1] as string);
    if (chars.length === 1 && last) prefix = true;
  });
  return `"${tokens.join(" ")}"${prefix ? "*" : ""}`;
}

function unique<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const clause = (words: string[]): QueryClause => ({ words, fts: phrase(words) });

function matchOf(anyOf: readonly QueryClause[], bonus: readonly QueryClause[], allOf: readonly QueryClause[], noneOf: readonly QueryClause[]): string {
  const ranked = unique([...anyOf, ...allOf, ...bonus].map((c) => c.fts), (p) => p);
  const required = unique(allOf.map((c) => c.fts), (p) => p);
  const positive = required.length ? `${required.join(" AND ")} AND (${ranked.join(" OR ")})` : ranked.join(" OR ");
  const excluded = unique(noneOf.map((c) => c.fts), (p) => p);
  // One NOT over an OR: FTS5's NOT is binary, a chain of them would nest one level per exclusion.
  if (excluded.length === 0) return positive;
  return `(${positive}) NOT ${excluded.length === 1 ? excluded[0] : `(${excluded.join(" OR ")})`}`;
}

function termsOf(anyOf: readonly QueryClause[], allOf: readonly QueryClause[]): string[] {
  const words = [...anyOf, ...allOf].flatMap((c) => c.words);
  const content = words.filter((w) => !STOP_WORDS.has(w));
  return unique(content.length ? content : words, (w) => w);
}

export function parseQuery(text: string): ParsedQuery {
  const positive: Chunk[] = [];
  const allOf: QueryClause[] = [];
  const noneOf: QueryClause[] = [];
  for (const match of text.matchAll(TOKEN)) {
    const [, minus, quoted, bare] = match;
    if (quoted !== undefined) {
      const words = wordsOf(quoted);
      if (words.length) (minus ? noneOf : allOf).push(clause(words));
      continue;
    }
    const chunk = bare as string;
    const negated = chunk.length > 1 && chunk.startsWith("-") && /^[\p{L}\p{N}\p{Co}\p{M}]/u.test(chunk.slice(1));
    const words = wordsOf(negated ? chunk.slice(1) : chunk);
    if (!words.length) continue;
    if (negated) noneOf.push(clause(words));
    else positive.push({ words, stop: isStop(words) });
  }
  if (positive.length === 0 && allOf.length === 0) {
    throw new UsageError("CAT_USAGE", `search query ${JSON.stringify(text)} has no words to look for`, {
      hint: 'search for words, e.g. catalytic search "ownership rules"; -word only excludes',
    });
  }
  for (const [what, clauses] of [["quoted phrases", allOf], ["exclusions", noneOf]] as const) {
    if (clauses.length > MAX_QUERY_CHUNKS) {
      throw new UsageError("CAT_USAGE", `search query has ${clauses.length} ${what}; at most ${MAX_QUERY_CHUNKS} are searched`, {
        hint: "search for fewer phrases or exclusions",
      });
    }
  }
  const anyContent = positive.some((c) => !c.stop);
  // A chunk joined by punctuation (Vec::new, e-mail) is searched as its phrase and as each of its content words.
  const chunks = positive.filter((c) => !anyContent || !c.stop);
  const split = chunks.flatMap((c) => (c.words.length > 1 ? [c, ...c.words.filter((w) => !STOP_WORDS.has(w)).map((w) => ({ words: [w], stop: false }))] : [c]));
  const anyOf = unique(split, (c) => c.words.join(" "))
    .slice(0, MAX_QUERY_CHUNKS)
    .map((c) => clause(c.words));
  const whole = positive.flatMap((c) => c.words);
  const bonus = positive.length > 1 && whole.length <= MAX_QUERY_CHUNKS ? [clause(whole)] : [];
  return { text, terms: termsOf(anyOf, allOf), anyOf, bonus, allOf, noneOf, match: matchOf(anyOf, bonus, allOf, noneOf) };
}

/** The query searching without some of its any-of clauses (at least one stays); its terms stay as typed. */
export function withoutClauses(query: ParsedQuery, dropped: ReadonlySet<QueryClause>): ParsedQuery {
  const anyOf = query.anyOf.filter((c) => !dropped.has(c));
  if (anyOf.length === query.anyOf.length || anyOf.length === 0) return query;
  const { bonus, allOf, noneOf } = query;
  return { ...query, anyOf, match: matchOf(anyOf, bonus, allOf, noneOf) };
}
