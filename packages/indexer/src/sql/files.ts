// Statements over the files table.
// Read with .raw() only (rows as arrays).
export const SELECT_FILE_STATS = "SELECT file_path, size, mtime_ms FROM files";
export const SELECT_FILE_STAT = "SELECT size, mtime_ms FROM files WHERE file_path = ?";
// A one-column statement, used with .pluck() only.
export const SELECT_FILE_HASH = "SELECT content_hash FROM files WHERE file_path = ?";
export const SELECT_FILES_WITH_FRONT_MATTER = "SELECT file_path, content_hash, front_matter FROM files ORDER BY file_path";
// The parameter is rows.NO_FRONT_MATTER: files whose front matter holds symbols or problems.
export const SELECT_FILES_WITH_OWN_FRONT_MATTER = "SELECT file_path, content_hash, front_matter FROM files WHERE front_matter != ? ORDER BY file_path";
export const RESET_FILE_PROBLEMS = "UPDATE files SET problems = 0 WHERE problems != 0";
export const UPSERT_FILE =
  "INSERT INTO files (file_path, size, mtime_ms, content_hash, front_matter) VALUES (?, ?, ?, ?, ?) " +
  "ON CONFLICT (file_path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms, content_hash = excluded.content_hash, front_matter = excluded.front_matter";
export const UPDATE_FILE_STAT = "UPDATE files SET size = ?, mtime_ms = ? WHERE file_path = ?";
export const DELETE_FILE = "DELETE FROM files WHERE file_path = ?";
export const COUNT_FILES = "SELECT count(*) AS n FROM files";
export const COUNT_FILES_AND_BYTES = "SELECT count(*) AS files, coalesce(sum(size), 0) AS bytes FROM files";
export const SELECT_FILE_FRONT_MATTER = "SELECT front_matter FROM files WHERE file_path = ?";
export const UPDATE_FILE_PROBLEMS = "UPDATE files SET problems = ? WHERE file_path = ?";
export const SUM_FILE_PROBLEMS = "SELECT coalesce(sum(problems), 0) AS n FROM files";
