import Database from "better-sqlite3";
import { createHash } from "node:crypto";
import { rmSync } from "node:fs";
import { Index } from "../dist/index.js";
const root = process.argv[2];
rmSync(root + "/.catalytic", { recursive: true, force: true });
const index = Index.open(root); const r = index.build(); index.close();
const db = new Database(root + "/.catalytic/index.db", { readonly: true });
const q = {
  files: "SELECT file_path, size, mtime_ms, content_hash, front_matter, problems FROM files ORDER BY file_path",
  sections: "SELECT id, section_id, file_path, ordinal, kind, level, heading, slug, heading_path, line_start, line_end, heading_line_start, heading_line_end, content_hash FROM sections ORDER BY file_path, ordinal",
  fts: "SELECT rowid, heading, body FROM sections_fts ORDER BY rowid",
  definitions: "SELECT * FROM symbol_definitions ORDER BY symbol_id, origin_rank, file, line",
  symbols: "SELECT * FROM symbols ORDER BY symbol_id",
  meta: "SELECT key, value FROM meta WHERE key != 'schema_version' ORDER BY key",
};
for (const [k, sql] of Object.entries(q)) console.log(k, createHash("sha256").update(JSON.stringify(db.prepare(sql).all())).digest("hex").slice(0, 16));
console.log("indexHash", r.indexHash, "problems", r.problems, "symbols", r.symbols);
