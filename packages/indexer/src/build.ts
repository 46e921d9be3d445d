// `build`: stat-skip unchanged files, re-extract changed ones, drop removed ones, rewrite symbols,
// all in one transaction; returns counts, index hash and timings.
import { readFileSync } from "node:fs";
import path from "node:path";
import { type CatalyticConfig, contentHash, hashCanonical, indexHash, normalizeNewlines, sha256Hex } from "@catalytic/core";
import type { Db } from "./db.js";
import { readMeta, writeMeta } from "./db.js";
import { type ExtractedSection, extractSections, fileKind } from "./extract.js";
import { readFrontMatter } from "./front-matter.js";
import { type ParsedRegistry, readRegistry } from "./registry.js";
import { frontMatterJson, sectionParams } from "./rows.js";
import { type SearchFileInput, deleteSearchRowsOf, fillSearch } from "./search/fill.js";
import { settingsOf } from "./sources.js";
import { countProblems, syncAllSymbols, syncTouchedSymbols } from "./symbol-sync.js";
import * as files from "./sql/files.js";
import * as sectionSql from "./sql/sections.js";
import * as symbolSql from "./sql/symbols.js";
import type { Statements } from "./statements.js";
import { walkSources } from "./walk.js";

export interface BuildProgress {
  phase: "walk" | "read" | "write" | "symbols" | "done";
  done: number;
  total: number;
  file?: string;
}

export interface BuildTimings {
  walkMs: number;
  readMs: number;
  extractMs: number;
  writeMs: number;
  symbolsMs: number;
  /** Filling the search table (after the symbols, so rows get their symbol ids at once). */
  searchMs: number;
  hashMs: number;
  totalMs: number;
}

export interface BuildReport {
  files: number;
  sections: number;
  symbols: number;
  added: number;
  changed: number;
  removed: number;
  unchanged: number;
  /** Total size of the indexed files. */
  bytes: number;
  indexHash: string;
  problems: number;
  skipped: Array<{ path: string; reason: string }>;
  timings: BuildTimings;
}

interface ChangedFile {
  filePath: string;
  size: number;
  mtimeMs: number;
  text: string;
  added: boolean;
}

/** Changes when anything symbols depend on besides the files changes (config, registry). */
export function symbolsFingerprint(config: CatalyticConfig, registry: ParsedRegistry): string {
  return sha256Hex(`${hashCanonical(config)}\n${hashCanonical(registry.entries)}\n${hashCanonical(registry.problems)}`);
}

const round = (ms: number): number => Math.round(ms * 100) / 100;

export function runBuild(
  db: Db,
  statements: Statements,
  root: string,
  config: CatalyticConfig,
  onProgress: ((progress: BuildProgress) => void) | undefined,
): BuildReport {
  const started = performance.now();
  const settings = settingsOf(config);
  const walked = walkSources(root, settings);
  const walkMs = performance.now() - started;
  onProgress?.({ phase: "walk", done: walked.files.length, total: walked.files.length });

  const previous = new Map<string, { size: number; mtime_ms: number; content_hash: string }>();
  for (const row of statements.get(files.SELECT_FILE_STATS).all() as Array<{ file_path: string; size: number; mtime_ms: number; content_hash: string }>) {
    previous.set(row.file_path, row);
  }
  const readStarted = performance.now();
  const changed: ChangedFile[] = [];
  const statOnly: Array<{ filePath: string; size: number; mtimeMs: number }> = [];
  const vanished = new Set<string>();
  let unchanged = 0;
  let bytes = 0;
  walked.files.forEach((file, i) => {
    if (onProgress && i % 200 === 0) onProgress({ phase: "read", done: i, total: walked.files.length, file: file.filePath });
    const before = previous.get(file.filePath);
    if (before && before.size === file.size && before.mtime_ms === file.mtimeMs) {
      unchanged++;
      return;
    }
    let text: string;
    try {
      text = readFileSync(path.join(root, file.filePath), "utf8");
    } catch (error) {
      // Deleted (or made unreadable) between the walk and the read: treat it as gone, and say so.
      vanished.add(file.filePath);
      walked.skipped.push({ path: file.filePath, reason: `cannot read: ${(error as Error).message}` });
      return;
    }
    if (before && before.content_hash === contentHash(text)) {
      unchanged++;
      statOnly.push(file);
      return;
    }
    changed.push({ ...file, text, added: !before });
  });
  onProgress?.({ phase: "read", done: walked.files.length, total: walked.files.length });
  const walkedPaths = new Set(walked.files.map((f) => f.filePath).filter((p) => !vanished.has(p)));
  for (const file of walked.files) if (walkedPaths.has(file.filePath)) bytes += file.size;
  const removed = [...previous.keys()].filter((p) => !walkedPaths.has(p)).sort();
  const readMs = performance.now() - readStarted;

  const extractStarted = performance.now();
  const extracted = changed.map((file) => {
    const normalized = normalizeNewlines(file.text);
    const sections = extractSections(file.filePath, normalized);
    const frontMatter = fileKind(file.filePath) === "markdown" ? readFrontMatter(normalized) : undefined;
    return { file, normalized, sections, frontMatter };
  });
  const extractMs = performance.now() - extractStarted;

  const registry = readRegistry(root);
  const fingerprint = symbolsFingerprint(config, registry);
  const symbolsNeeded = changed.length > 0 || removed.length > 0 || readMeta(db, "symbols_fingerprint") !== fingerprint;

  let writeMs = 0;
  let symbolsMs = 0;
  let searchMs = 0;
  let hashMs = 0;
  let hash = readMeta(db, "index_hash");
  let problems = Number(readMeta(db, "problems") ?? "0");
  db.transaction(() => {
    const writeStarted = performance.now();
    const searchFiles: SearchFileInput[] = [];
    for (const filePath of removed) {
      deleteSectionsOf(statements, filePath);
      statements.get(files.DELETE_FILE).run(filePath);
    }
    for (const file of statOnly) statements.get(files.UPDATE_FILE_STAT).run(file.size, file.mtimeMs, file.filePath);
    extracted.forEach(({ file, normalized, sections, frontMatter }, i) => {
      deleteSectionsOf(statements, file.filePath); // also when "added": a concurrent build may have inserted it
      statements
        .get(files.UPSERT_FILE)
        .run(file.filePath, file.size, file.mtimeMs, (sections[0] as ExtractedSection).contentHash, frontMatterJson(frontMatter?.symbols ?? [], frontMatter?.problems ?? []));
      searchFiles.push({ sections, rows: insertSections(statements, sections), text: normalized });
      if (onProgress && i % 200 === 0) onProgress({ phase: "write", done: i, total: extracted.length, file: file.filePath });
    });
    if (extracted.length > 0) onProgress?.({ phase: "write", done: extracted.length, total: extracted.length });
    writeMs = performance.now() - writeStarted;

    if (symbolsNeeded) {
      const symbolsStarted = performance.now();
      onProgress?.({ phase: "symbols", done: 0, total: 1 });
      if (readMeta(db, "symbols_fingerprint") !== fingerprint) {
        syncAllSymbols(statements, settings, registry);
      } else {
        const touched = [...removed, ...changed.map((f) => f.filePath)];
        const newSectionIds = extracted.flatMap((e) => e.sections.map((s) => s.sectionId));
        syncTouchedSymbols(statements, settings, touched, newSectionIds);
      }
      problems = countProblems(statements, registry);
      writeMeta(db, "symbols_fingerprint", fingerprint);
      writeMeta(db, "problems", String(problems));
      symbolsMs = performance.now() - symbolsStarted;
    }
    // After the symbols: each new search row gets its symbol ids at once.
    if (symbolsNeeded) {
      const searchStarted = performance.now();
      fillSearch(statements, searchFiles);
      searchMs = performance.now() - searchStarted;
    }
    if (hash === undefined || changed.length > 0 || removed.length > 0) {
      const hashStarted = performance.now();
      hash = indexHash((statements.get(sectionSql.SELECT_SECTION_IDS).pluck().all() as string[]));
      writeMeta(db, "index_hash", hash);
      hashMs = performance.now() - hashStarted;
    }
  }).immediate();
  const counts = {
    sections: (statements.get(sectionSql.COUNT_SECTIONS).get() as { n: number }).n,
    symbols: (statements.get(symbolSql.COUNT_SYMBOLS).get() as { n: number }).n,
  };
  onProgress?.({ phase: "done", done: walked.files.length, total: walked.files.length });
  return {
    files: walkedPaths.size,
    sections: counts.sections,
    symbols: counts.symbols,
    added: changed.filter((f) => f.added).length,
    changed: changed.filter((f) => !f.added).length,
    removed: removed.length,
    unchanged,
    bytes,
    indexHash: hash as string,
    problems,
    skipped: walked.skipped,
    timings: {
      walkMs: round(walkMs),
      readMs: round(readMs),
      extractMs: round(extractMs),
      writeMs: round(writeMs),
      symbolsMs: round(symbolsMs),
      searchMs: round(searchMs),
      hashMs: round(hashMs),
      totalMs: round(performance.now() - started),
    },
  };
}

function deleteSectionsOf(statements: Statements, filePath: string): void {
  deleteSearchRowsOf(statements, filePath);
  statements.get(sectionSql.DELETE_SECTIONS_OF_FILE).run(filePath);
}

/** Inserts a file's sections in order; returns their row ids. */
function insertSections(statements: Statements, sections: readonly ExtractedSection[]): number[] {
  const insert = statements.get(sectionSql.INSERT_SECTION);
  return sections.map((section, ordinal) => Number(insert.run(sectionParams(section, ordinal)).lastInsertRowid));
}
