// `build`: stat-skip unchanged files, re-extract changed ones, drop removed ones, rewrite symbols,
// all in one transaction; returns counts, index hash and timings.
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { type CatalyticConfig, contentHash, hashCanonical, indexHash, normalizeNewlines, sha256Hex } from "@catalytic/core";
import type { Db } from "./db.js";
import { readMeta, writeMeta } from "./db.js";
import { type ExtractedSection, extractSections, fileKind } from "./extract.js";
import { readFrontMatter } from "./front-matter.js";
import { type ParsedRegistry, readRegistry } from "./registry.js";
import { frontMatterJson, sectionParams } from "./rows.js";
import { ColdWriter, WRITER_THREAD_FROM, sqliteModulePath } from "./cold-writer.js";
import { type RowSink, connectionSink } from "./row-sink.js";
import { type SearchFileInput, deleteSearchRowsOf, fillSearch, insertSearchRows } from "./search/fill.js";
import { settingsOf } from "./sources.js";
import { type WrittenSections, countProblems, syncAllSymbols, syncTouchedSymbols } from "./symbol-sync.js";
import * as files from "./sql/files.js";
import * as sectionSql from "./sql/sections.js";
import * as symbolSql from "./sql/symbols.js";
import { SECTION_INDEXES, SYMBOL_INDEXES } from "./sql/schema.js";
import type { Statements } from "./statements.js";
import { distrustFolders, loadFolderCache, saveFolderRecords } from "./folder-records.js";
import { type FolderWalkResult, type WalkResult, folderOf, walkSources } from "./walk.js";
import { statPaths } from "./walk-paths.js";

export interface BuildProgress {
  /** "read" covers reading, extracting and writing: files stream through one at a time. */
  phase: "walk" | "read" | "symbols" | "done";
  done: number;
  total: number;
  file?: string;
}

export interface BuildOptions {
  onProgress?: (progress: BuildProgress) => void;
  /**
   * Re-check only these files (POSIX, relative to the root, inside it), as a file watcher reports them,
   * instead of walking every folder; the rest of the index is kept as it is.
   */
  paths?: readonly string[];
  /** List every folder, trusting no folder record (`verify` does: it must not take the last walk's word). */
  listEveryFolder?: boolean;
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
  /** Folders listed, and folders walked from their record because their mtime had not changed (0 with `paths`). */
  foldersRead: number;
  foldersReused: number;
  timings: BuildTimings;
}

/** Changes when anything symbols depend on besides the files changes (config, registry). */
export function symbolsFingerprint(config: CatalyticConfig, registry: ParsedRegistry): string {
  return sha256Hex(`${hashCanonical(config)}\n${hashCanonical(registry.entries)}\n${hashCanonical(registry.problems)}`);
}

const round = (ms: number): number => Math.round(ms * 100) / 100;

/** Milliseconds on a monotonic clock: not the `performance` global, whose first use loads node:perf_hooks (~1.5 ms of a CLI build). */
const now = (): number => Number(process.hrtime.bigint()) / 1e6;

const NO_SYMBOL_TEXTS: ReadonlyMap<string, string> = new Map();

/**
 * Reads, extracts and writes one file at a time inside one IMMEDIATE transaction (the stored stats read in
 * the same transaction are exact even when another build just committed); the search rows of files a symbol
 * can reach are written after the symbol pass, from the texts kept for it. A large cold build writes the
 * streamed rows through a writer thread instead (cold-writer.ts, docs/indexer.md#cold-builds).
 */
export function runBuild(db: Db, statements: Statements, root: string, config: CatalyticConfig, options: BuildOptions & { cold?: boolean }): BuildReport {
  const { onProgress, paths, cold } = options;
  const started = now();
  const settings = settingsOf(config);
  const registry = readRegistry(root);
  const fingerprint = symbolsFingerprint(config, registry);
  let walkMs = 0;
  let readMs = 0;
  let extractMs = 0;
  let writeMs = 0;
  let symbolsMs = 0;
  let searchMs = 0;
  let hashMs = 0;
  let unchanged = 0;
  let added = 0;
  let changedCount = 0;
  let removed: string[] = [];
  const touched: string[] = [];
  const newSectionIds: string[] = [];
  const vanished = new Set<string>();
  let hash = readMeta(db, "index_hash");
  let problems = Number(readMeta(db, "problems") ?? "0");
  let walked: WalkResult = { files: [], skipped: [] };
  let folderWalk: FolderWalkResult | undefined;
  // Path -> [size, mtime] as arrays (no content hash): on a large workspace this is the build's biggest read.
  const previous = new Map<string, FileStat>();
  let folderCache: ReturnType<typeof loadFolderCache> | undefined;
  let allSymbols = false;
  let written: WrittenSections | undefined;
  let symbolFree = false;
  const searchFiles: SearchFileInput[] = [];
  let deferredIndexes: readonly string[] = [];
  let deferredSymbolIndexes: readonly string[] = [];

  const walk = (): void => {
    if (paths) {
      const stat = statements.get(files.SELECT_FILE_STAT);
      for (const filePath of new Set(paths)) {
        const row = stat.get(filePath) as { size: number; mtime_ms: number } | undefined;
        if (row) previous.set(filePath, [row.size, row.mtime_ms]);
      }
    } else {
      for (const [filePath, size, mtimeMs] of statements.get(files.SELECT_FILE_STATS).raw().all() as Array<[string, number, number]>) previous.set(filePath, [size, mtimeMs]);
    }
    // Walked inside the transaction: the folder records and indexed files it trusts are those of the last commit.
    const walkStarted = now();
    folderCache = paths || previous.size === 0 || options.listEveryFolder ? undefined : loadFolderCache(db, statements, settings, previous.keys());
    if (paths) walked = statPaths(root, settings, paths);
    else walked = folderWalk = walkSources(root, settings, folderCache);
    walkMs = now() - walkStarted;
    onProgress?.({ phase: "walk", done: walked.files.length, total: walked.files.length });
    // Config or registry changed (or first build): every symbol is recomputed, so touched ids need not be kept.
    allSymbols = readMeta(db, "symbols_fingerprint") !== fingerprint;
    // Removed files go first (as they always have): new rows then take the same ids as in a cold build.
    const walkedPaths = new Set(walked.files.map((f) => f.filePath));
    removed = [...previous.keys()].filter((p) => !walkedPaths.has(p)).sort();
    const removeStarted = now();
    for (const filePath of removed) removeFile(statements, filePath);
    writeMs += now() - removeStarted;
    // A cold build with many symbols to come keeps what it wrote for the symbol pass (nothing is read back).
    const manySymbols = registry.entries.length > 0 || config.sources.some((source) => source.namespace);
    written = !paths && previous.size === 0 && manySymbols ? { byFile: new Map(), rowOf: new Map() } : undefined;
    symbolFree = !manySymbols && (statements.get(symbolSql.COUNT_SYMBOLS).get() as { n: number }).n === 0;
    // Into a new database (workspace-index buildCold), made without these indexes (sql/schema.ts): each table is
    // indexed once, after its last row (the sections before the symbol pass looks them up; the symbol tables, which
    // nothing looks up by those indexes in a cold build, at the end).
    deferredIndexes = cold ? SECTION_INDEXES : [];
    deferredSymbolIndexes = cold ? SYMBOL_INDEXES : [];
  };

  /** Reads, extracts and writes (through `sink`) each walked file that is new or changed. */
  const stream = (sink: RowSink): void => {
    walked.files.forEach((file, i) => {
      if (onProgress && i % 200 === 0) onProgress({ phase: "read", done: i, total: walked.files.length, file: file.filePath });
      const before = previous.get(file.filePath);
      if (before && before[0] === file.size && before[1] === file.mtimeMs) {
        unchanged++;
        return;
      }
      const readStarted = now();
      let text: string;
      try {
        text = readFileSync(path.join(root, file.filePath), "utf8");
      } catch (error) {
        // Deleted (or made unreadable) between the walk and the read: treat it as gone, and say so.
        vanished.add(file.filePath);
        walked.skipped.push({ path: file.filePath, reason: `cannot read: ${(error as Error).message}` });
        return;
      } finally {
        readMs += now() - readStarted;
      }
      const extractStarted = now();
      const normalized = normalizeNewlines(text);
      if (before && statements.get(files.SELECT_FILE_HASH).pluck().get(file.filePath) === contentHash(normalized)) {
        unchanged++;
        statements.get(files.UPDATE_FILE_STAT).run(file.size, file.mtimeMs, file.filePath);
        extractMs += now() - extractStarted;
        return;
      }
      const sections = extractSections(file.filePath, normalized);
      const frontMatter = fileKind(file.filePath) === "markdown" ? readFrontMatter(normalized) : undefined;
      const writeStarted = now();
      extractMs += writeStarted - extractStarted;
      if (before) deleteSectionsOf(statements, file.filePath);
      sink.run(files.UPSERT_FILE, [
        file.filePath,
        file.size,
        file.mtimeMs,
        (sections[0] as ExtractedSection).contentHash,
        frontMatterJson(frontMatter?.symbols ?? [], frontMatter?.problems ?? []),
      ]);
      const rows = sections.map((section, ordinal) => sink.insertSection(sectionParams(section, ordinal)));
      if (written) {
        written.byFile.set(file.filePath, sections);
        sections.forEach((section, ordinal) => (written as WrittenSections).rowOf.set(section, rows[ordinal] as number));
      }
      const searchStarted = now();
      writeMs += searchStarted - writeStarted;
      // Search rows carry their sections' symbol ids. Front matter names places in its own file only, so with no
      // registry entry, no namespace source and no symbol yet, a file without front-matter symbols has none after
      // the symbol pass either: its rows are written now. The others' wait (with their text) for that pass.
      if (symbolFree && (frontMatter?.symbols.length ?? 0) === 0) insertSearchRows(sink, { sections, rows, text: normalized }, NO_SYMBOL_TEXTS);
      else searchFiles.push({ sections, rows, text: normalized });
      searchMs += now() - searchStarted;
      if (before) changedCount++;
      else added++;
      touched.push(file.filePath);
      if (!allSymbols) for (const section of sections) newSectionIds.push(section.sectionId);
    });
  };

  const finish = (): void => {
    const indexStarted = now();
    for (const sql of deferredIndexes) db.exec(sql);
    writeMs += now() - indexStarted;
    onProgress?.({ phase: "read", done: walked.files.length, total: walked.files.length });
    const unreadFolders = new Set([...vanished].map(folderOf));
    if (folderWalk) saveFolderRecords(db, statements, settings, folderCache, folderWalk.folders, unreadFolders);
    else distrustFolders(statements, unreadFolders);
    const gone = [...vanished].filter((p) => previous.has(p));
    for (const filePath of gone) removeFile(statements, filePath);
    if (gone.length > 0) removed = [...removed, ...gone].sort();

    const filesChanged = touched.length > 0 || removed.length > 0;
    if (filesChanged || allSymbols) {
      const symbolsStarted = now();
      onProgress?.({ phase: "symbols", done: 0, total: 1 });
      if (allSymbols) {
        syncAllSymbols(statements, settings, registry, written);
      } else {
        syncTouchedSymbols(statements, settings, [...removed, ...touched], newSectionIds);
      }
      problems = countProblems(statements, registry);
      writeMeta(db, "symbols_fingerprint", fingerprint);
      writeMeta(db, "problems", String(problems));
      symbolsMs = now() - symbolsStarted;
      // After the symbols: the waiting files' rows get their symbol ids at once, and rows whose ids changed are rewritten.
      const searchStarted = now();
      fillSearch(statements, searchFiles, cold === true);
      searchMs += now() - searchStarted;
    }
    const symbolIndexesStarted = now();
    for (const sql of deferredSymbolIndexes) db.exec(sql);
    symbolsMs += now() - symbolIndexesStarted;
    if (hash === undefined || filesChanged) {
      const hashStarted = now();
      hash = indexHash(statements.get(sectionSql.SELECT_SECTION_IDS).pluck().all() as string[]);
      writeMeta(db, "index_hash", hash);
      hashMs = now() - hashStarted;
    }
  };

  if (!cold) {
    db.transaction(() => {
      walk();
      stream(connectionSink(statements));
      finish();
    }).immediate();
  } else {
    // A cold build's private file: no other connection can see it, so the walk needs no transaction, and a large
    // one is written by the writer thread while this thread reads and extracts (this connection holds no lock
    // meanwhile); the rest follows in one transaction on this connection.
    walk();
    // With one core the thread could only take turns with this one.
    const sqlite = walked.files.length >= WRITER_THREAD_FROM && availableParallelism() > 1 ? sqliteModulePath() : undefined;
    if (sqlite !== undefined) {
      const writer = new ColdWriter(db.name, sqlite);
      try {
        stream(writer);
        // The thread's inserts are not timed; writeMs counts the wait for its last ones.
        const joinStarted = now();
        writer.finish();
        writeMs += now() - joinStarted;
      } catch (error) {
        writer.abort();
        throw error;
      }
      db.transaction(finish).immediate();
    } else {
      db.transaction(() => {
        stream(connectionSink(statements));
        finish();
      }).immediate();
    }
  }
  const counts = {
    sections: (statements.get(sectionSql.COUNT_SECTIONS).get() as { n: number }).n,
    symbols: (statements.get(symbolSql.COUNT_SYMBOLS).get() as { n: number }).n,
    ...(statements.get(files.COUNT_FILES_AND_BYTES).get() as { files: number; bytes: number }),
  };
  onProgress?.({ phase: "done", done: walked.files.length, total: walked.files.length });
  return {
    files: counts.files,
    sections: counts.sections,
    symbols: counts.symbols,
    added,
    changed: changedCount,
    removed: removed.length,
    unchanged,
    bytes: counts.bytes,
    indexHash: hash as string,
    problems,
    skipped: walked.skipped,
    foldersRead: (folderWalk as FolderWalkResult | undefined)?.foldersRead ?? 0,
    foldersReused: (folderWalk as FolderWalkResult | undefined)?.foldersReused ?? 0,
    timings: {
      walkMs: round(walkMs),
      readMs: round(readMs),
      extractMs: round(extractMs),
      writeMs: round(writeMs),
      symbolsMs: round(symbolsMs),
      searchMs: round(searchMs),
      hashMs: round(hashMs),
      totalMs: round(now() - started),
    },
  };
}

/** A file's stored size and mtime. */
type FileStat = [size: number, mtimeMs: number];

function removeFile(statements: Statements, filePath: string): void {
  deleteSectionsOf(statements, filePath);
  statements.get(files.DELETE_FILE).run(filePath);
}

function deleteSectionsOf(statements: Statements, filePath: string): void {
  deleteSearchRowsOf(statements, filePath);
  statements.get(sectionSql.DELETE_SECTIONS_OF_FILE).run(filePath);
}
