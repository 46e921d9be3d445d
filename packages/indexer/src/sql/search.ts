// Statements over the ranked-search tables (migration 002): search_fts.rowid = sections.id; search_symbols mirrors
// the symbols column so a symbol change rewrites only the rows it touches.
export const INSERT_SEARCH_ROW = "INSERT INTO search_fts (rowid, heading, symbols, body, raw) VALUES (?, ?, ?, ?, ?)";
export const DELETE_SEARCH_ROWS_OF_FILE = "DELETE FROM search_fts WHERE rowid IN (SELECT id FROM sections WHERE file_path = ?)";
export const DELETE_SEARCH_SYMBOLS_OF_FILE = "DELETE FROM search_symbols WHERE section_id IN (SELECT section_id FROM sections WHERE file_path = ?)";
export const SELECT_SYMBOL_TEXTS =
  "SELECT section_id, group_concat(symbol_id, ' ' ORDER BY symbol_id) AS symbols FROM symbols WHERE section_id IS NOT NULL GROUP BY section_id";
// Into an empty search_symbols (a cold build): every section's symbol ids at once.
export const COPY_SYMBOL_TEXTS = `INSERT INTO search_symbols (section_id, symbols) ${SELECT_SYMBOL_TEXTS}`;
export const SELECT_SEARCH_SYMBOLS = "SELECT section_id, symbols FROM search_symbols";
export const UPSERT_SEARCH_SYMBOLS =
  "INSERT INTO search_symbols (section_id, symbols) VALUES (?, ?) ON CONFLICT (section_id) DO UPDATE SET symbols = excluded.symbols";
export const DELETE_SEARCH_SYMBOLS = "DELETE FROM search_symbols WHERE section_id = ?";
export const UPDATE_SEARCH_ROW_SYMBOLS = "UPDATE search_fts SET symbols = ? WHERE rowid IN (SELECT id FROM sections WHERE section_id = ?)";
// Column weights: heading path 4, symbol ids 3, body 1 (raw is stored, not indexed). RANK_BM25_ROWS is the fast
// path (no join); RANK_BM25 orders ties by section id and is used when ties run past the rows fetched.
const BM25 = "round(-bm25(search_fts, 4.0, 3.0, 1.0, 0.0), 6)";
// (Ordering by the bare bm25() and rounding only the rows kept is a fifth cheaper than ordering by the rounded score.)
export const RANK_BM25_ROWS =
  "SELECT id, round(-b, 6) AS score FROM " +
  "(SELECT rowid AS id, bm25(search_fts, 4.0, 3.0, 1.0, 0.0) AS b FROM search_fts WHERE search_fts MATCH ? ORDER BY b, rowid LIMIT ?)";
export const RANK_BM25 =
  `SELECT s.section_id AS sectionId, m.score FROM (SELECT rowid AS id, ${BM25} AS score FROM search_fts WHERE search_fts MATCH ?) m ` +
  "JOIN sections s ON s.id = m.id ORDER BY m.score DESC, s.section_id, s.file_path, s.ordinal LIMIT ?";
export const SELECT_SECTION_ID_OF_ROW = "SELECT section_id FROM sections WHERE id = ?";
// The row shown for a hit: a heading row before the file row that shares its id (a heading spanning its file).
export const SELECT_HIT_SECTION = "SELECT * FROM sections WHERE section_id = ? ORDER BY kind = 'file', file_path, ordinal LIMIT 1";
export const SELECT_HIT_TEXT = "SELECT body, raw FROM search_fts WHERE rowid = ?";
// One pass over the match for every hit: the rowid range is used by FTS5, `+rowid IN` only filters (no re-query per row).
export const SELECT_HIT_HIGHLIGHTS =
  "SELECT rowid AS id, highlight(search_fts, 2, char(1), char(2)) AS marked FROM search_fts " +
  "WHERE search_fts MATCH ? AND rowid BETWEEN ? AND ? AND +rowid IN (SELECT value FROM json_each(?))";
export const COUNT_SEARCH_ROWS = "SELECT count(*) FROM search_fts_docsize";
export const COUNT_MATCHES_UP_TO = "SELECT count(*) FROM (SELECT 1 FROM search_fts WHERE search_fts MATCH ? LIMIT ?)";
