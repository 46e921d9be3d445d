// Migration 2: ranked search. A stemmed FTS5 table with weighted columns (heading path, symbol ids, body) and the
// raw body for snippets when folding changed it. The derived tables are emptied and a build is asked for, so every
// section gets its search row (docs/indexer.md#the-sqlite-index). Never edited.
export const MIGRATION_002 = `
DROP TABLE sections_fts;
CREATE VIRTUAL TABLE search_fts USING fts5(
  heading, symbols, body, raw UNINDEXED,
  tokenize = "porter unicode61 remove_diacritics 2 categories 'L* N* Co M*'"
);
CREATE TABLE search_symbols (section_id TEXT PRIMARY KEY, symbols TEXT NOT NULL) WITHOUT ROWID;
DELETE FROM symbols;
DELETE FROM symbol_definitions;
DELETE FROM sections;
DELETE FROM files;
DELETE FROM meta WHERE key IN ('symbols_fingerprint', 'problems');
INSERT INTO meta (key, value) VALUES ('rebuild_required', 'schema 2: ranked search')
  ON CONFLICT (key) DO UPDATE SET value = excluded.value;
`;
