// Migration 3: what the last walk saw in each folder, so a full build re-reads only folders whose mtime changed
// (docs/indexer.md#rebuilding-after-an-edit). Nothing is derived from it: an empty table only means a full walk.
// Never edited.
export const MIGRATION_003 = `
CREATE TABLE folders (
  folder_path TEXT PRIMARY KEY,
  mtime_ms REAL NOT NULL,
  rules_hash TEXT NOT NULL,
  has_gitignore INTEGER NOT NULL,
  children TEXT NOT NULL,
  skipped TEXT NOT NULL
) WITHOUT ROWID;
`;
