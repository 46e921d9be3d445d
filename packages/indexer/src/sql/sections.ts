// Statements over sections (their search rows are in sql/search.ts).
export const INSERT_SECTION =
  "INSERT INTO sections (section_id, file_path, ordinal, kind, level, heading, slug, heading_path, line_start, line_end, heading_line_start, heading_line_end, content_hash) " +
  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
export const DELETE_SECTIONS_OF_FILE = "DELETE FROM sections WHERE file_path = ?";
export const SELECT_ALL_SECTIONS = "SELECT * FROM sections ORDER BY file_path, ordinal";
export const SELECT_SECTION_PLACES = "SELECT section_id, file_path, line_start, line_end, kind FROM sections ORDER BY file_path, ordinal";
// One id may sit on two rows of one file (a heading spanning the whole file = its file section): ids count once.
export const SELECT_SECTION_IDS = "SELECT DISTINCT section_id FROM sections ORDER BY section_id";
export const SELECT_SECTION_BY_ID = "SELECT * FROM sections WHERE section_id = ? ORDER BY file_path, ordinal LIMIT 1";
export const SELECT_SECTION_BY_ROW = "SELECT * FROM sections WHERE id = ?";
export const SELECT_SECTION_BY_SLUG = "SELECT * FROM sections WHERE file_path = ? AND slug = ? AND kind != 'file' ORDER BY ordinal LIMIT 1";
export const SELECT_SLUGS_OF_FILE = "SELECT slug FROM sections WHERE file_path = ? AND kind != 'file' ORDER BY ordinal";
export const COUNT_SECTIONS = "SELECT count(DISTINCT section_id) AS n FROM sections";
export const SELECT_SECTIONS_OF_FILE = "SELECT * FROM sections WHERE file_path = ? ORDER BY ordinal";
