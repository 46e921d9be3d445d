// Statements over the folders table (the walk's per-folder record, see walk.ts).
export const SELECT_FOLDERS = "SELECT folder_path, mtime_ms, rules_hash, has_gitignore, children, skipped FROM folders";
export const UPSERT_FOLDER =
  "INSERT INTO folders (folder_path, mtime_ms, rules_hash, has_gitignore, children, skipped) VALUES (?, ?, ?, ?, ?, ?) " +
  "ON CONFLICT (folder_path) DO UPDATE SET mtime_ms = excluded.mtime_ms, rules_hash = excluded.rules_hash, " +
  "has_gitignore = excluded.has_gitignore, children = excluded.children, skipped = excluded.skipped";
export const DELETE_FOLDER = "DELETE FROM folders WHERE folder_path = ?";
export const DELETE_ALL_FOLDERS = "DELETE FROM folders";
export const DISTRUST_FOLDER = "UPDATE folders SET mtime_ms = -1 WHERE folder_path = ?";
// A one-column statement, used with .pluck() only.
export const SELECT_FOLDER_PATHS = "SELECT folder_path FROM folders ORDER BY folder_path";
