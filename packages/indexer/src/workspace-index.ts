// Index: the persistent side of the indexer over .catalytic/index.db (derived, rebuildable).
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import {
  type CatalyticConfig,
  type Slice,
  SectionError,
  WorkspaceError,
  applySlice,
  canonicalJson,
  contentHash,
  formatSlice,
  loadConfig,
  parseSlice,
  SILENT_LOGGER,
  resolveInsideWorkspace,
  type Logger,
} from "@catalytic/core";
import { unwritableError, writeFileAtomic } from "./atomic-write.js";
import { type BuildOptions, type BuildReport, runBuild, symbolsFingerprint } from "./build.js";
import { type Db, deleteMeta, discardColdIndexDb, indexPath, openColdIndexDb, openIndexDb, publishColdIndexDb, readMeta, writeMeta } from "./db.js";
import { type ExtractedSection, extractSections, linesOf } from "./extract.js";
import type { WorkspaceModel } from "./model.js";
import type { ModelProblem, ResolveRequest, SymbolDefinition, SymbolRecord } from "./model-types.js";
import { loadModelFromDb } from "./persist.js";
import { countProblems, syncAllSymbols } from "./symbol-sync.js";
import { readRegistry } from "./registry.js";
import { type CachedResolution, DEFAULT_RUN_ID, type ResolveOptions, resolveCached } from "./resolve-cached.js";
import { type SectionRow, sectionFromRow } from "./rows.js";
import { fillSearch } from "./search/fill.js";
import type { Ranker } from "./search/rank.js";
import { type SearchResult, searchSections } from "./search/search.js";
import { settingsOf } from "./sources.js";
import { writeCas } from "./cas.js";
import * as expansionSql from "./sql/expansions.js";
import * as fileSql from "./sql/files.js";
import * as folderSql from "./sql/folders.js";
import { REBUILD_REQUIRED } from "./sql/meta.js";
import * as sectionSql from "./sql/sections.js";
import * as symbolSql from "./sql/symbols.js";
import { Statements } from "./statements.js";
import { type VerifyDifference, compareWithFresh } from "./verify.js";

export interface IndexOpenOptions {
  /** Configuration to use instead of <root>/catalytic.json. */
  config?: CatalyticConfig;
  logger?: Logger;
  /** Fail with CAT_INDEX_MISSING instead of creating an empty index (for commands that only read). */
  mustExist?: boolean;
}

export interface SectionRead {
  section: ExtractedSection;
  text: string;
  sliceText?: string;
  bytes: number;
}

export interface VerifyReport {
  ok: boolean;
  firstHash: string;
  secondHash: string;
  freshHash: string;
  differences: VerifyDifference[];
}

/** One (section, slice) a run has expanded. */
export interface RunExpansion {
  sectionId: string;
  slice: string;
}

export interface RecordedExpansion {
  /** Cache key: the symbol id (plus `#slug`) a resolution would use, or the section id. */
  reference: string;
  slice: string;
  sectionId: string;
  sectionContentHash: string;
  payload: string;
}

export interface ExportReport {
  sections: number;
  symbols: number;
  files: string[];
}

interface SymbolTableRow {
  symbol_id: string;
  target_type: SymbolRecord["targetType"];
  target_ref: string;
  default_slice: string | null;
  section_id: string | null;
  stale: number;
  problem_code: string | null;
  problem_message: string | null;
  definitions: string;
}

function recordFromRow(row: SymbolTableRow): SymbolRecord {
  const definitions = JSON.parse(row.definitions) as SymbolDefinition[];
  const first = definitions[0] as SymbolDefinition;
  return {
    symbolId: row.symbol_id,
    targetType: row.target_type,
    targetRef: row.target_ref,
    ...(row.default_slice !== null ? { defaultSlice: row.default_slice } : {}),
    definitions,
    ...(row.section_id !== null ? { sectionId: row.section_id } : {}),
    stale: row.stale === 1,
    ...(row.problem_code !== null
      ? { problem: { code: row.problem_code as ModelProblem["code"], message: row.problem_message ?? "", file: first.file, line: first.line, symbolId: row.symbol_id } }
      : {}),
  };
}

export class Index {
  readonly root: string;
  readonly config: CatalyticConfig;
  private readonly logger: Logger;
  /** Undefined while index.db does not exist: the first build makes it (a cold build), anything else opens it. */
  private connection: { db: Db; statements: Statements } | undefined;
  private closed = false;

  private constructor(root: string, db: Db | undefined, config: CatalyticConfig, logger: Logger) {
    this.root = root;
    this.config = config;
    this.logger = logger;
    if (db) this.connection = { db, statements: new Statements(db) };
  }

  private get db(): Db {
    return this.connect().db;
  }

  private get statements(): Statements {
    return this.connect().statements;
  }

  private connect(): { db: Db; statements: Statements } {
    if (this.closed) throw new TypeError("The database connection is not open");
    if (!this.connection) {
      const db = openIndexDb(this.root, { create: true });
      this.connection = { db, statements: new Statements(db) };
    }
    return this.connection;
  }

  /** Opens <root>/.catalytic/index.db; when there is none yet, the first build writes it (any other call creates it). */
  static open(root: string, options: IndexOpenOptions = {}): Index {
    const absolute = path.resolve(root);
    if (options.mustExist && !existsSync(indexPath(absolute))) {
      throw new WorkspaceError("CAT_INDEX_MISSING", `no index in ${absolute} (.catalytic/index.db is missing)`, {
        hint: "run 'catalytic build' first",
        details: { root: absolute },
      });
    }
    const config = options.config ?? loadConfig(absolute);
    // No index yet: nothing is created until the first build writes it whole (or another call needs it).
    if (!existsSync(indexPath(absolute))) return new Index(absolute, undefined, config, options.logger ?? SILENT_LOGGER);
    const db = openIndexDb(absolute, { create: true });
    const index = new Index(absolute, db, config, options.logger ?? SILENT_LOGGER);
    // A migration that changed derived tables empties them and asks for a build (docs/indexer.md#the-sqlite-index).
    const rebuild = readMeta(db, REBUILD_REQUIRED);
    const built = readMeta(db, "index_hash") !== undefined && rebuild === undefined;
    if (options.mustExist && !built) {
      index.close();
      const why = rebuild === undefined ? "has never been built" : `must be rebuilt by this version of Catalytic (${rebuild})`;
      throw new WorkspaceError("CAT_INDEX_MISSING", `the index in ${absolute} ${why}`, { hint: "run 'catalytic build' first" });
    }
    // catalytic.symbols.json or catalytic.json edited since the build: re-resolve symbols (no file is re-read).
    if (built && readMeta(db, "symbols_fingerprint") !== symbolsFingerprint(config, readRegistry(absolute))) index.refreshSymbols();
    return index;
  }

  /**
   * Indexes every source (or, with `paths`, re-checks only those files: what a file watcher reports; an index
   * not built yet is built in full). Paths are relative to the root; one that is absolute, has `..` or leads
   * out through a symlink is CAT_PATH_OUTSIDE_WORKSPACE.
   */
  build(options: BuildOptions = {}): BuildReport {
    const named = options.paths?.map((p) => {
      resolveInsideWorkspace(this.root, p);
      return path.posix.normalize(p.split(path.sep).join("/")).replace(/^(\.\/)+/, "");
    });
    if (!this.connection && !existsSync(indexPath(this.root))) {
      const cold = this.buildCold(options);
      if (cold) return this.reported(cold);
    }
    // An index never built, or emptied by a migration, gets a full build whatever files were named.
    const complete = readMeta(this.db, "index_hash") !== undefined && readMeta(this.db, REBUILD_REQUIRED) === undefined;
    const paths = complete ? named : undefined;
    const report = runBuild(this.db, this.statements, this.root, this.config, {
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(paths ? { paths } : {}),
      ...(options.listEveryFolder ? { listEveryFolder: true } : {}),
    });
    // Only a full build refills what a migration emptied.
    if (!paths && readMeta(this.db, REBUILD_REQUIRED) !== undefined) deleteMeta(this.db, REBUILD_REQUIRED);
    return this.reported(report);
  }

  /**
   * The first build of a workspace: into a private file without journal or syncs, secondary indexes made after
   * the rows, then linked into place as index.db (docs/indexer.md#cold-builds). Undefined when it could not be
   * linked (another process put an index.db in place first): the caller then builds on index.db in place.
   */
  private buildCold(options: BuildOptions): BuildReport | undefined {
    const { db, file } = openColdIndexDb(this.root);
    try {
      const report = runBuild(db, new Statements(db), this.root, this.config, {
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        cold: true,
      });
      deleteMeta(db, REBUILD_REQUIRED);
      return publishColdIndexDb(db, file, this.root) ? report : undefined;
    } finally {
      discardColdIndexDb(db, file);
    }
  }

  private reported(report: BuildReport): BuildReport {
    for (const skipped of report.skipped) this.logger.warn(`skipped ${skipped.path}: ${skipped.reason}`);
    this.logger.info("index built", { files: report.files, sections: report.sections, indexHash: report.indexHash });
    return report;
  }

  /** The persisted index as an in-memory model (no source file is re-read; texts load lazily). */
  loadModel(): WorkspaceModel {
    return loadModelFromDb(this.statements, this.root, this.config, readRegistry(this.root));
  }

  /** Re-resolves every symbol (after catalytic.symbols.json changed) without re-indexing files. */
  refreshSymbols(): number {
    return this.db.transaction(() => {
      const registry = readRegistry(this.root);
      syncAllSymbols(this.statements, settingsOf(this.config), registry);
      fillSearch(this.statements, []);
      writeMeta(this.db, "problems", String(countProblems(this.statements, registry)));
      writeMeta(this.db, "symbols_fingerprint", symbolsFingerprint(this.config, registry));
      return this.counts().symbols;
    }).immediate();
  }

  resolve(ref: string | ResolveRequest, options: ResolveOptions = {}): CachedResolution {
    return resolveCached(this.statements, this.root, this.config, ref, options);
  }

  /** The section with this id; when a heading spans its whole file (same id), the file section. */
  getSection(sectionId: string): ExtractedSection | undefined {
    const row = this.statements.get(sectionSql.SELECT_SECTION_BY_ID).get(sectionId) as SectionRow | undefined;
    return row ? sectionFromRow(row) : undefined;
  }

  /** A section's current text (optionally sliced); CAT_INDEX_STALE when the file changed since the build. */
  readSection(sectionId: string, slice?: string | Slice): SectionRead {
    const section = this.getSection(sectionId);
    if (!section) {
      throw new SectionError("CAT_SECTION_NOT_FOUND", `no section ${sectionId} in the index`, {
        hint: "section ids change when content changes; find the current one with 'catalytic extract <file>' or 'catalytic search'",
        details: { sectionId },
      });
    }
    let fileText: string;
    try {
      fileText = readFileSync(path.join(this.root, section.filePath), "utf8");
    } catch {
      throw new WorkspaceError("CAT_INDEX_STALE", `${section.filePath} was deleted since the last build`, { hint: "run 'catalytic build'" });
    }
    const text = linesOf(fileText, section.lineStart, section.lineEnd);
    if (contentHash(text) !== section.contentHash) {
      throw new WorkspaceError("CAT_INDEX_STALE", `${section.filePath} changed since the last build`, { hint: "run 'catalytic build', then use the new section id" });
    }
    if (slice === undefined) return { section, text, bytes: Buffer.byteLength(text, "utf8") };
    const parsed = typeof slice === "string" ? parseSlice(slice) : slice;
    const sliced = applySlice(text, parsed);
    return { section, text: sliced, sliceText: formatSlice(parsed), bytes: Buffer.byteLength(sliced, "utf8") };
  }

  /** Sections of one indexed file in file order (the file-level section first). */
  sectionsOfFile(filePath: string): ExtractedSection[] {
    return (this.statements.get(sectionSql.SELECT_SECTIONS_OF_FILE).all(filePath) as SectionRow[]).map(sectionFromRow);
  }

  /** Symbols that resolve to this section, sorted. */
  symbolsOfSection(sectionId: string): string[] {
    return this.statements.get(symbolSql.SELECT_SYMBOLS_OF_SECTION).pluck().all(sectionId) as string[];
  }

  /** Every (section, slice) the run has expanded: resolutions through the cache and recorded bundle items. */
  expansionsOfRun(runId: string): RunExpansion[] {
    return (this.statements.get(expansionSql.SELECT_EXPANSIONS_OF_RUN).all(runId) as Array<{ section_id: string; slice: string }>).map(
      (row) => ({ sectionId: row.section_id, slice: row.slice }),
    );
  }

  /**
   * Records expansions under a run in one transaction (payloads into the CAS first), as the resolver does for
   * a cache miss: a later resolution of the same key in the run is a cache hit.
   */
  recordExpansions(runId: string, expansions: readonly RecordedExpansion[]): void {
    const hashes = expansions.map((e) => writeCas(this.root, e.payload));
    const insert = this.statements.get(expansionSql.INSERT_EXPANSION);
    const createdAt = new Date().toISOString();
    this.db.transaction(() => {
      expansions.forEach((e, i) => {
        insert.run(runId, e.reference, e.slice, e.sectionId, e.sectionContentHash, hashes[i], Buffer.byteLength(e.payload, "utf8"), createdAt);
      });
    }).immediate();
  }

  getSymbol(symbolId: string): SymbolRecord | undefined {
    const row = this.statements.get(symbolSql.SELECT_SYMBOL).get(symbolId) as SymbolTableRow | undefined;
    return row ? recordFromRow(row) : undefined;
  }

  listSymbols(prefix = ""): SymbolRecord[] {
    return (this.statements.get(symbolSql.SELECT_SYMBOLS_WITH_PREFIX).all({ prefix }) as SymbolTableRow[]).map(recordFromRow);
  }

  /** Ranked search (BM25; `rankers` are fused with it by reciprocal rank fusion); stores a retrieval receipt. */
  search(query: string, options: { k?: number; runId?: string; rankers?: readonly Ranker[] } = {}): SearchResult {
    return searchSections(this.statements, query, {
      k: options.k ?? 10,
      runId: options.runId ?? DEFAULT_RUN_ID,
      indexHash: this.indexHash() ?? "",
      ...(options.rankers ? { rankers: options.rankers } : {}),
    });
  }

  indexHash(): string | undefined {
    return readMeta(this.db, "index_hash");
  }

  /** The folders the last full build walked (relative, POSIX; "" is the root): what a watcher watches. */
  walkedFolders(): string[] {
    return this.statements.get(folderSql.SELECT_FOLDER_PATHS).pluck().all() as string[];
  }

  counts(): { files: number; sections: number; symbols: number; problems: number } {
    const count = (sql: string): number => (this.statements.get(sql).get() as { n: number }).n;
    return {
      files: count(fileSql.COUNT_FILES),
      sections: count(sectionSql.COUNT_SECTIONS),
      symbols: count(symbolSql.COUNT_SYMBOLS),
      problems: Number(readMeta(this.db, "problems") ?? "0"),
    };
  }

  /** Every symbol problem (unknown targets, stale pins, duplicates, invalid default slices, syntax). */
  verifySymbols(): ModelProblem[] {
    return this.loadModel().problems();
  }

  /**
   * Two builds (the second only when the first changed something) and a fresh in-memory extraction of every
   * source must give the same sections. Compared file by file against a compact key per indexed section (no
   * section objects are kept), so memory stays flat.
   */
  verify(): VerifyReport {
    const first = this.build({ listEveryFolder: true });
    // A build that changed nothing returns the stored hash without writing: a second one would only repeat it.
    const second = first.added + first.changed + first.removed > 0 ? this.build() : first;
    const { differences, freshHash } = compareWithFresh(this.statements, this.root);
    const ok = differences.length === 0 && first.indexHash === second.indexHash && second.indexHash === freshHash;
    return { ok, firstHash: first.indexHash, secondHash: second.indexHash, freshHash, differences };
  }

  /** Writes SECTION_INDEX.jsonl and SYMBOLS.jsonl (canonical JSON per line, sorted) into `dir`. */
  exportJsonl(dir: string): ExportReport {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw unwritableError(dir, error, EXPORT_HINT);
    }
    // One line per section id: the first row in (file, ordinal) order, the same row getSection() returns.
    const exported = new Set<string>();
    const rows = (this.statements.get(sectionSql.SELECT_ALL_SECTIONS).all() as SectionRow[]).filter((row) => {
      if (exported.has(row.section_id)) return false;
      exported.add(row.section_id);
      return true;
    });
    const sections = rows.map((row) =>
      canonicalJson({
        section_id: row.section_id,
        file_path: row.file_path,
        heading_path: JSON.parse(row.heading_path) as string[],
        line_start: row.line_start,
        line_end: row.line_end,
        content_hash: row.content_hash,
      }),
    );
    const symbols = this.listSymbols().map((s) =>
      canonicalJson({ symbol_id: s.symbolId, target_type: s.targetType, target_ref: s.targetRef, default_slice: s.defaultSlice }),
    );
    const files = [writeLines(dir, "SECTION_INDEX.jsonl", sections), writeLines(dir, "SYMBOLS.jsonl", symbols)];
    return { sections: sections.length, symbols: symbols.length, files };
  }

  close(): void {
    this.closed = true;
    if (this.connection?.db.open) this.connection.db.close();
  }
}

const EXPORT_HINT = "choose an output folder you can write to (not an existing file)";

function writeLines(dir: string, name: string, lines: readonly string[]): string {
  const file = path.join(dir, name);
  writeFileAtomic(file, lines.length ? `${lines.join("\n")}\n` : "", EXPORT_HINT);
  return file;
}
