// Statements over the resolved symbol table (rewritten after each build that changed anything).
export const DELETE_ALL_SYMBOLS = "DELETE FROM symbols";
export const INSERT_SYMBOL =
  "INSERT INTO symbols (symbol_id, target_type, target_ref, default_slice, section_row, section_id, stale, problem_code, problem_message, definitions) " +
  "VALUES (@symbol_id, @target_type, @target_ref, @default_slice, @section_row, @section_id, @stale, @problem_code, @problem_message, @definitions)";
export const SELECT_SYMBOL = "SELECT * FROM symbols WHERE symbol_id = ?";
export const SELECT_SYMBOL_IDS = "SELECT symbol_id FROM symbols ORDER BY symbol_id";
export const SELECT_SYMBOLS_WITH_PREFIX = "SELECT * FROM symbols WHERE substr(symbol_id, 1, length(?1)) = ?1 ORDER BY symbol_id";
export const SELECT_SYMBOLS_OF_SECTION = "SELECT symbol_id FROM symbols WHERE section_id = ? ORDER BY symbol_id";
export const COUNT_SYMBOLS = "SELECT count(*) AS n FROM symbols";
