// The schema migrations 001-003 leave (sql/migrations/), written as one script: a cold build creates its new file with
// it in one exec instead of running every migration and then dropping the indexes it makes after the rows
// (docs/indexer.md#cold-builds). Each statement is spelled as the migration that made it spelled it, so sqlite_master
// holds the same SQL: test/schema.test.ts compares both, and fails until a new migration is added here too.
import { REBUILD_REQUIRED } from "./meta.js";

/** The version the last migration records. */
export const SCHEMA_VERSION = 3;

/**
 * Every table, trigger and the indexes no build fills, and the meta rows migrating leaves (in the same row order): a new
 * file has no rows yet, so it asks for a build as migration 2 does.
 */
export const FRESH_SCHEMA = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files (
  file_path TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  mtime_ms REAL NOT NULL,
  content_hash TEXT NOT NULL,
  front_matter TEXT NOT NULL,
  problems INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE sections (
  id INTEGER PRIMARY KEY,
  section_id TEXT NOT NULL,
  file_path TEXT NOT NULL REFERENCES files(file_path) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('file', 'heading', 'declaration')),
  level INTEGER NOT NULL,
  heading TEXT NOT NULL,
  slug TEXT NOT NULL,
  heading_path TEXT NOT NULL,
  line_start INTEGER NOT NULL,
  line_end INTEGER NOT NULL,
  heading_line_start INTEGER NOT NULL,
  heading_line_end INTEGER NOT NULL,
  content_hash TEXT NOT NULL,
  UNIQUE (file_path, ordinal)
);
CREATE TABLE symbol_definitions (
  symbol_id TEXT NOT NULL,
  origin TEXT NOT NULL CHECK (origin IN ('registry', 'front-matter', 'namespace')),
  origin_rank INTEGER NOT NULL,
  file TEXT NOT NULL,
  line INTEGER NOT NULL,
  character INTEGER,
  target_type TEXT NOT NULL CHECK (target_type IN ('FILE', 'HEADING', 'SECTION')),
  target_ref TEXT NOT NULL,
  default_slice TEXT
);
CREATE TABLE symbols (
  symbol_id TEXT PRIMARY KEY,
  target_type TEXT NOT NULL CHECK (target_type IN ('FILE', 'HEADING', 'SECTION')),
  target_ref TEXT NOT NULL,
  default_slice TEXT,
  section_row INTEGER,
  section_id TEXT,
  target_file TEXT,
  stale INTEGER NOT NULL,
  problem_code TEXT,
  problem_message TEXT,
  definitions TEXT NOT NULL
);
CREATE TABLE expansions (
  run_id TEXT NOT NULL,
  symbol_id TEXT NOT NULL,
  slice TEXT NOT NULL,
  section_id TEXT NOT NULL,
  section_content_hash TEXT NOT NULL,
  payload_hash TEXT NOT NULL,
  bytes_expanded INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (run_id, symbol_id, slice, section_content_hash)
);
CREATE INDEX expansions_symbol ON expansions(symbol_id);
CREATE INDEX expansions_section ON expansions(section_id);
CREATE TRIGGER expansions_update_forbidden BEFORE UPDATE ON expansions
BEGIN SELECT RAISE(ABORT, 'expansions are append-only'); END;
CREATE TRIGGER expansions_delete_forbidden BEFORE DELETE ON expansions
BEGIN SELECT RAISE(ABORT, 'expansions are append-only'); END;
CREATE TABLE retrievals (
  id INTEGER PRIMARY KEY,
  run_id TEXT NOT NULL,
  query TEXT NOT NULL,
  query_hash TEXT NOT NULL,
  k INTEGER NOT NULL,
  index_hash TEXT NOT NULL,
  results TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TRIGGER retrievals_update_forbidden BEFORE UPDATE ON retrievals
BEGIN SELECT RAISE(ABORT, 'retrieval receipts are append-only'); END;
CREATE TRIGGER retrievals_delete_forbidden BEFORE DELETE ON retrievals
BEGIN SELECT RAISE(ABORT, 'retrieval receipts are append-only'); END;
CREATE VIRTUAL TABLE search_fts USING fts5(
  heading, symbols, body, raw UNINDEXED,
  tokenize = "porter unicode61 remove_diacritics 2 categories 'L* N* Co M*'"
);
CREATE TABLE search_symbols (section_id TEXT PRIMARY KEY, symbols TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE folders (
  folder_path TEXT PRIMARY KEY,
  mtime_ms REAL NOT NULL,
  rules_hash TEXT NOT NULL,
  has_gitignore INTEGER NOT NULL,
  children TEXT NOT NULL,
  skipped TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO meta (key, value) VALUES ('schema_version', '${SCHEMA_VERSION}'), ('${REBUILD_REQUIRED}', 'schema 2: ranked search');
`;

/** The secondary indexes a cold build makes once their table is filled (by name, as they were dropped before). */
export const SECTION_INDEXES: readonly string[] = [
  "CREATE INDEX sections_file_slug ON sections(file_path, slug)",
  "CREATE INDEX sections_section_id ON sections(section_id)",
];
export const SYMBOL_INDEXES: readonly string[] = [
  "CREATE INDEX symbol_definitions_file ON symbol_definitions(file)",
  "CREATE INDEX symbol_definitions_symbol ON symbol_definitions(symbol_id)",
  "CREATE INDEX symbol_definitions_target_ref ON symbol_definitions(target_ref) WHERE target_type = 'SECTION'",
  "CREATE INDEX symbols_section_id ON symbols(section_id)",
  "CREATE INDEX symbols_target_file ON symbols(target_file)",
];
