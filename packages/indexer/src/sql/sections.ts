// Statements over sections (their search rows are in sql/search.ts).
export const INSERT_SECTION =
  "INSERT INTO sections (section_id, file_path, ordinal, kind, level, heading, slug, heading_path, line_start, line_end, heading_line_start, heading_line_end, content_hash) " +
  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
export const DELETE_SECTIONS_OF_FILE = "DELETE FROM sections WHERE file_path = ?";
export const SELECT_ALL_SECTIONS = "SELECT * FROM sections ORDER BY file_path, ordinal";
// verify: every file with the key (section id:line start:kind) and line end of each of its sections, in order (one
// row of nulls for a file without sections); then the same for sections whose file has no row.
export const SELECT_FILES_WITH_PLACES =
  "SELECT f.file_path, s.section_id || ':' || s.line_start || ':' || s.kind, s.line_end FROM files f LEFT JOIN sections s ON s.file_path = f.file_path ORDER BY f.file_path, s.ordinal";
export const SELECT_ORPHAN_PLACES =
  "SELECT file_path, section_id || ':' || line_start || ':' || kind, line_end FROM sections s WHERE NOT EXISTS (SELECT 1 FROM files f WHERE f.file_path = s.file_path) ORDER BY file_path, ordinal";
// One id may sit on two rows of one file (a heading spanning the whole file = its file section): ids count once.
export const SELECT_SECTION_IDS = "SELECT DISTINCT section_id FROM sections ORDER BY section_id";
export const SELECT_SECTION_BY_ID = "SELECT * FROM sections WHERE section_id = ? ORDER BY file_path, ordinal LIMIT 1";
export const SELECT_SECTION_BY_ROW = "SELECT * FROM sections WHERE id = ?";
export const SELECT_SECTION_BY_SLUG = "SELECT * FROM sections WHERE file_path = ? AND slug = ? AND kind != 'file' ORDER BY ordinal LIMIT 1";
export const SELECT_SLUGS_OF_FILE = "SELECT slug FROM sections WHERE file_path = ? AND kind != 'file' ORDER BY ordinal";
export const COUNT_SECTIONS = "SELECT count(DISTINCT section_id) AS n FROM sections";
export const SELECT_SECTIONS_OF_FILE = "SELECT * FROM sections WHERE file_path = ? ORDER BY ordinal";
