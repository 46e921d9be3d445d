// Statements over symbol definitions and the resolved symbol table (kept in sync incrementally).
// Inserts bind positionally, in the order of their column lists (cheaper than named binding per row).
export const DELETE_ALL_SYMBOLS = "DELETE FROM symbols";
export const DELETE_ALL_DEFINITIONS = "DELETE FROM symbol_definitions";
export const INSERT_DEFINITION =
  "INSERT INTO symbol_definitions (symbol_id, origin, origin_rank, file, line, character, target_type, target_ref, default_slice) " +
  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
export const SELECT_DEFINITIONS_OF_SYMBOL = "SELECT * FROM symbol_definitions WHERE symbol_id = ? ORDER BY origin_rank, file, line";
export const SELECT_FILE_DEFINITION_IDS = "SELECT DISTINCT symbol_id FROM symbol_definitions WHERE file = ? AND origin != 'registry'";
export const DELETE_FILE_DEFINITIONS = "DELETE FROM symbol_definitions WHERE file = ? AND origin != 'registry'";
export const SELECT_SECTION_PINS = "SELECT DISTINCT symbol_id FROM symbol_definitions WHERE target_type = 'SECTION' AND target_ref = ?";
export const SELECT_SYMBOLS_TARGETING_FILE = "SELECT symbol_id FROM symbols WHERE target_file = ?";
export const UPSERT_SYMBOL =
  "INSERT OR REPLACE INTO symbols (symbol_id, target_type, target_ref, default_slice, section_row, section_id, target_file, stale, problem_code, problem_message, definitions) " +
  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
export const DELETE_SYMBOL = "DELETE FROM symbols WHERE symbol_id = ?";
export const SELECT_SYMBOL = "SELECT * FROM symbols WHERE symbol_id = ?";
export const SELECT_SYMBOL_IDS = "SELECT symbol_id FROM symbols ORDER BY symbol_id";
export const SELECT_SYMBOLS_WITH_PREFIX =
  "SELECT * FROM symbols WHERE symbol_id >= @prefix AND substr(symbol_id, 1, length(@prefix)) = @prefix ORDER BY symbol_id";
export const SELECT_SYMBOLS_OF_SECTION = "SELECT symbol_id FROM symbols WHERE section_id = ? ORDER BY symbol_id";
export const COUNT_SYMBOLS = "SELECT count(*) AS n FROM symbols";
export const COUNT_SYMBOL_PROBLEMS = "SELECT count(*) AS n FROM symbols WHERE problem_code IS NOT NULL AND problem_code != 'CAT_SYMBOL_DUPLICATE'";
export const COUNT_DUPLICATE_DEFINITIONS =
  "SELECT count(*) AS n FROM symbol_definitions d JOIN symbols s ON s.symbol_id = d.symbol_id WHERE s.problem_code = 'CAT_SYMBOL_DUPLICATE'";
