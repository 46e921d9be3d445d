// The meta table: schema version and build facts (index hash, config and registry fingerprints).
export const CREATE_META = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)";
export const SELECT_META = "SELECT value FROM meta WHERE key = ?";
export const UPSERT_META = "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value";
export const DELETE_META = "DELETE FROM meta WHERE key = ?";
/** Set by a migration that emptied the derived tables: read-only opens ask for a build, the build clears it. */
export const REBUILD_REQUIRED = "rebuild_required";
