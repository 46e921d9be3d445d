// Statements over the expansion cache (append-only) and retrieval receipts (append-only).
export const SELECT_EXPANSION =
  "SELECT payload_hash, bytes_expanded FROM expansions WHERE run_id = ? AND symbol_id = ? AND slice = ? AND section_content_hash = ?";
// OR IGNORE: two workers expanding the same key at once store the same payload; the first row wins.
export const INSERT_EXPANSION =
  "INSERT OR IGNORE INTO expansions (run_id, symbol_id, slice, section_id, section_content_hash, payload_hash, bytes_expanded, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
export const INSERT_RETRIEVAL =
  "INSERT INTO retrievals (run_id, query, query_hash, k, index_hash, results, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
export const SELECT_RETRIEVAL = "SELECT * FROM retrievals WHERE id = ?";
// Everything a run has expanded (resolutions and bundle items), for bundle reuse.
export const SELECT_EXPANSIONS_OF_RUN =
  "SELECT DISTINCT section_id, slice FROM expansions WHERE run_id = ? ORDER BY section_id, slice";
