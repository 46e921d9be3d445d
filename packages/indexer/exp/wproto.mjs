// Prototype: read+extract in a worker thread, SQLite writes on main, synchronous hand-off (Atomics.wait + receiveMessageOnPort).
import { Worker, MessageChannel, receiveMessageOnPort, isMainThread, workerData } from "node:worker_threads";
import { readFileSync, rmSync } from "node:fs";
import Database from "better-sqlite3";
import { extractSections } from "../dist/extract.js";
import { walkSources } from "../dist/walk.js";
import { settingsOf } from "../dist/sources.js";
import { MIGRATIONS } from "../dist/sql/migrations/001_initial.js";
import { sectionParams, ownBodyRanges } from "../dist/rows.js";
import { splitLines } from "../dist/front-matter.js";
import { defaultConfig, normalizeNewlines } from "@catalytic/core";

if (!isMainThread) {
  const { root, paths, port, flag } = workerData;
  const BATCH = 64;
  let batch = [];
  const flush = () => { port.postMessage(batch); batch = []; Atomics.add(flag, 0, 1); Atomics.notify(flag, 0); };
  for (const p of paths) {
    const text = normalizeNewlines(readFileSync(root + "/" + p, "utf8"));
    batch.push({ p, text, sections: extractSections(p, text) });
    if (batch.length === BATCH) flush();
  }
  flush();
  port.postMessage(null); Atomics.add(flag, 0, 1); Atomics.notify(flag, 0);
} else {
  const root = process.argv[2];
  const mode = process.argv[3];
  const t0 = performance.now();
  const files = walkSources(root, settingsOf(defaultConfig())).files;
  rmSync("/tmp/sp/wproto.db", { force: true }); rmSync("/tmp/sp/wproto.db-wal", { force: true });
  const db = new Database("/tmp/sp/wproto.db"); db.pragma("journal_mode = WAL"); db.pragma("synchronous = NORMAL"); db.exec(MIGRATIONS[0]);
  const insF = db.prepare("INSERT INTO files (file_path, size, mtime_ms, content_hash, front_matter) VALUES (?, ?, ?, ?, '{}')");
  const insS = db.prepare("INSERT INTO sections (section_id, file_path, ordinal, kind, level, heading, slug, heading_path, line_start, line_end, heading_line_start, heading_line_end, content_hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
  const insFts = db.prepare("INSERT INTO sections_fts (rowid, heading, body) VALUES (?, ?, ?)");
  const write = (p, text, sections, i) => {
    insF.run(p, files[i].size, files[i].mtimeMs, sections[0].contentHash);
    const lines = splitLines(text); const bodies = ownBodyRanges(sections);
    sections.forEach((s, o) => { const r = insS.run(sectionParams(s, o)); const b = bodies[o]; const body = lines.slice(b.start, b.end).join("\n"); if (s.heading !== "" || body.trim() !== "") insFts.run(r.lastInsertRowid, s.heading, body); });
  };
  db.transaction(() => {
    if (mode === "worker") {
      const { port1, port2 } = new MessageChannel();
      const flag = new Int32Array(new SharedArrayBuffer(4));
      const w = new Worker(new URL(import.meta.url), { workerData: { root, paths: files.map((f) => f.filePath), port: port2, flag }, transferList: [port2] });
      let i = 0; let seen = 0;
      for (;;) {
        let msg = receiveMessageOnPort(port1);
        while (!msg) { Atomics.wait(flag, 0, seen, 50); seen = Atomics.load(flag, 0); msg = receiveMessageOnPort(port1); }
        if (msg.message === null) break;
        for (const r of msg.message) write(r.p, r.text, r.sections, i++);
      }
      w.terminate();
    } else {
      files.forEach((f, i) => { const text = normalizeNewlines(readFileSync(root + "/" + f.filePath, "utf8")); write(f.filePath, text, extractSections(f.filePath, text), i); });
    }
  })();
  db.close();
  console.log(mode.padEnd(7), (performance.now() - t0).toFixed(0), "ms", "cpu", ((process.cpuUsage().user + process.cpuUsage().system) / 1000).toFixed(0), "rss", (process.resourceUsage().maxRSS / 1024).toFixed(0));
}
