import Database from "better-sqlite3";
import { rmSync, mkdirSync } from "node:fs";
import { Index } from "../dist/index.js";
import { MIGRATIONS } from "../dist/sql/migrations/001_initial.js";
import { walkSources } from "../dist/walk.js";
import { settingsOf } from "../dist/sources.js";
import { extractSections } from "../dist/extract.js";
import { readFileSync } from "node:fs";
import { sectionParams, ownBodyRanges } from "../dist/rows.js";
import { splitLines } from "../dist/front-matter.js";
import { defaultConfig } from "@catalytic/core";
const root = process.argv[2];
const t0 = performance.now();
const files = walkSources(root, settingsOf(defaultConfig())).files;
const t1 = performance.now();
const texts = files.map((f) => readFileSync(root + "/" + f.filePath, "utf8"));
const t2 = performance.now();
const ex = files.map((f, i) => extractSections(f.filePath, texts[i]));
const t3 = performance.now();
console.log(`walk ${(t1-t0).toFixed(0)} read ${(t2-t1).toFixed(0)} extract ${(t3-t2).toFixed(0)}`);
const rows = []; const fts = [];
ex.forEach((sections, fi) => { const lines = splitLines(texts[fi]); const bodies = ownBodyRanges(sections); sections.forEach((s, o) => { rows.push(sectionParams(s, o)); const r = bodies[o]; const body = lines.slice(r.start, r.end).join("\n"); fts.push(s.heading !== "" || body.trim() !== "" ? [s.heading, body] : null); }); });
function fresh(name, prewal) { rmSync("/tmp/sp/exp-"+name+".db", {force:true}); rmSync("/tmp/sp/exp-"+name+".db-wal", {force:true}); const db = new Database("/tmp/sp/exp-"+name+".db"); if (prewal) db.exec(prewal); db.pragma("journal_mode = WAL"); db.pragma("synchronous = NORMAL"); db.pragma("foreign_keys = ON"); db.exec(MIGRATIONS[0]); return db; }
const S = "INSERT INTO sections (section_id, file_path, ordinal, kind, level, heading, slug, heading_path, line_start, line_end, heading_line_start, heading_line_end, content_hash) VALUES (@section_id, @file_path, @ordinal, @kind, @level, @heading, @slug, @heading_path, @line_start, @line_end, @heading_line_start, @heading_line_end, @content_hash)";
const SP = "INSERT INTO sections (section_id, file_path, ordinal, kind, level, heading, slug, heading_path, line_start, line_end, heading_line_start, heading_line_end, content_hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)";
const F = "INSERT INTO files (file_path, size, mtime_ms, content_hash, front_matter) VALUES (?, ?, ?, ?, ?)";
function run(name, opts) {
  const db = fresh(name, opts.prewal);
  if (opts.pre) db.exec(opts.pre);
  const t = performance.now();
  let tf = 0; let tin = 0;
  db.transaction(() => {
    const fi = db.prepare(F);
    files.forEach((f, i) => fi.run(f.filePath, f.size, f.mtimeMs, ex[i][0].contentHash, "{}"));
    if (!opts.noSections) {
      if (opts.positional) { const ins = db.prepare(SP); for (const r of rows) { ins.run(r); } }
      else if (opts.multi) { const N = opts.multi; const one = "(?,?,?,?,?,?,?,?,?,?,?,?,?)"; const ins = db.prepare(SP.replace(/VALUES.*/, "VALUES " + Array(N).fill(one).join(","))); const ins1 = db.prepare(SP); let i = 0; const flat = (r) => [r.section_id, r.file_path, r.ordinal, r.kind, r.level, r.heading, r.slug, r.heading_path, r.line_start, r.line_end, r.heading_line_start, r.heading_line_end, r.content_hash]; for (; i + N <= rows.length; i += N) ins.run(rows.slice(i, i + N).flatMap(flat)); for (; i < rows.length; i++) ins1.run(flat(rows[i])); }
      else { const ins = db.prepare(SP); for (const r of rows) ins.run(r); }
    }
    const tf0 = performance.now();
    if (!opts.noFts) { const ins = db.prepare("INSERT INTO sections_fts (rowid, heading, body) VALUES (?, ?, ?)"); fts.forEach((x, i) => { if (x) ins.run(i + 1, x[0], x[1]); }); }
    tf = performance.now() - tf0;
    tin = performance.now();
  })();
  const t4 = performance.now();
  db.close();
  const t5 = performance.now();
  console.log(`${name.padEnd(16)} total ${(t4 - t).toFixed(0)} ms  fts part ${tf.toFixed(0)} ms  in-tx ${(tin - t).toFixed(0)} commit ${(t4 - tin).toFixed(0)} close ${(t5 - t4).toFixed(0)}`);
}
for (let k = 0; k < 3; k++) {
run("positional", { positional: true });
run("pos-nockpt", { positional: true, pre: "PRAGMA wal_autocheckpoint=0;" });
run("pos-page16k", { positional: true, prewal: "PRAGMA page_size=16384;" });
run("pos-page64k", { positional: true, prewal: "PRAGMA page_size=65536;" });
run("pos-16k-cache", { positional: true, prewal: "PRAGMA page_size=16384;", pre: "PRAGMA cache_size=-16000;" });
}
