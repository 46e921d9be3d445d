// Keeps symbol_definitions and symbols in index.db in step with the files: a full pass when the config
// or the registry changed, otherwise only the ids defined in, or pointing into, the touched files.
import type { ExtractedSection } from "./extract.js";
import { type DefinitionWithId, compareDefinitions, duplicateProblem, fileDefinitions, originRank, registryDefinitions, withoutId } from "./definitions.js";
import type { SymbolDefinition } from "./model-types.js";
import type { ParsedRegistry } from "./registry.js";
import { NO_FRONT_MATTER, type SectionRow, type StoredFrontMatter, sectionFromRow } from "./rows.js";
import type { SourceSettings } from "./sources.js";
import * as fileSql from "./sql/files.js";
import * as sectionSql from "./sql/sections.js";
import * as symbolSql from "./sql/symbols.js";
import type { Statements } from "./statements.js";
import { type TargetLookup, checkSymbolTarget, findHeadingIn, splitHeadingRef } from "./targets.js";

/** Every file's sections as a cold build just wrote them, with their row ids (nothing to read back). */
export interface WrittenSections {
  byFile: Map<string, ExtractedSection[]>;
  rowOf: Map<ExtractedSection, number>;
}

/** Past this many definitions, reading every section at once beats one query per target file. */
const PRELOAD_FROM = 64;

/** Sections read from the database on demand (or all at once), remembering each object's row id. */
class DbTargets implements TargetLookup {
  readonly rowOf: Map<ExtractedSection, number>;
  private readonly byFile: Map<string, ExtractedSection[]>;
  private readonly byId = new Map<string, ExtractedSection>();
  private preloaded = false;

  /** `written`, when given, holds every indexed file: the lookups never need the database. */
  constructor(
    private readonly statements: Statements,
    written?: WrittenSections,
  ) {
    this.byFile = written?.byFile ?? new Map();
    this.rowOf = written?.rowOf ?? new Map();
    if (!written) return;
    for (const sections of written.byFile.values()) {
      for (const section of sections) if (!this.byId.has(section.sectionId)) this.byId.set(section.sectionId, section);
    }
    this.preloaded = true;
  }

  preloadAll(): void {
    if (this.preloaded) return;
    for (const row of this.statements.get(sectionSql.SELECT_ALL_SECTIONS).all() as SectionRow[]) this.add(row);
    this.preloaded = true;
  }

  private add(row: SectionRow): ExtractedSection {
    const section = sectionFromRow(row);
    this.rowOf.set(section, row.id);
    let list = this.byFile.get(row.file_path);
    if (!list) this.byFile.set(row.file_path, (list = []));
    list.push(section);
    if (!this.byId.has(section.sectionId)) this.byId.set(section.sectionId, section);
    return section;
  }

  sectionsOf(filePath: string): readonly ExtractedSection[] | undefined {
    if (!this.preloaded && !this.byFile.has(filePath)) {
      const rows = this.statements.get(sectionSql.SELECT_SECTIONS_OF_FILE).all(filePath) as SectionRow[];
      if (rows.length === 0) return undefined;
      for (const row of rows) this.add(row);
    }
    return this.byFile.get(filePath);
  }

  getSection(sectionId: string): ExtractedSection | undefined {
    if (this.preloaded || this.byId.has(sectionId)) return this.byId.get(sectionId);
    const row = this.statements.get(sectionSql.SELECT_SECTION_BY_ID).get(sectionId) as SectionRow | undefined;
    if (!row) return undefined;
    this.sectionsOf(row.file_path);
    return this.byId.get(sectionId);
  }

  findHeading(filePath: string, headingPath: readonly string[]): ExtractedSection | "ambiguous" | undefined {
    const sections = this.sectionsOf(filePath);
    return sections ? findHeadingIn(sections, headingPath) : undefined;
  }
}

interface DefinitionRow {
  symbol_id: string;
  origin: SymbolDefinition["origin"];
  file: string;
  line: number;
  character: number | null;
  target_type: SymbolDefinition["targetType"];
  target_ref: string;
  default_slice: string | null;
}

function definitionFromRow(row: DefinitionRow): SymbolDefinition {
  return {
    origin: row.origin,
    file: row.file,
    line: row.line,
    ...(row.character !== null ? { character: row.character } : {}),
    targetType: row.target_type,
    targetRef: row.target_ref,
    ...(row.default_slice !== null ? { defaultSlice: row.default_slice } : {}),
  };
}

function insertDefinitions(statements: Statements, definitions: readonly DefinitionWithId[]): void {
  const insert = statements.get(symbolSql.INSERT_DEFINITION);
  for (const d of definitions) {
    insert.run(d.symbolId, d.origin, originRank(d.origin), d.file, d.line, d.character ?? null, d.targetType, d.targetRef, d.defaultSlice ?? null);
  }
}

/** Replaces a file's own definitions from its stored front matter; returns the ids it defined before and after. */
function syncFileDefinitions(statements: Statements, settings: SourceSettings, filePath: string): string[] {
  const ids = statements.get(symbolSql.SELECT_FILE_DEFINITION_IDS).pluck().all(filePath) as string[];
  statements.get(symbolSql.DELETE_FILE_DEFINITIONS).run(filePath);
  const stored = statements.get(fileSql.SELECT_FILE_FRONT_MATTER).pluck().get(filePath) as string | undefined;
  if (stored === undefined) return ids;
  const frontMatter = JSON.parse(stored) as StoredFrontMatter;
  const { definitions, problems } = fileDefinitions(settings, filePath, frontMatter.symbols);
  insertDefinitions(statements, definitions);
  statements.get(fileSql.UPDATE_FILE_PROBLEMS).run(frontMatter.problems.length + problems.length, filePath);
  return [...ids, ...definitions.map((d) => d.symbolId)];
}

function writeSymbol(statements: Statements, targets: DbTargets, symbolId: string, definitions: readonly SymbolDefinition[]): void {
  if (definitions.length === 0) {
    statements.get(symbolSql.DELETE_SYMBOL).run(symbolId);
    return;
  }
  const primary = definitions[0] as SymbolDefinition;
  const target = checkSymbolTarget(targets, symbolId, primary);
  const problem = definitions.length > 1 ? duplicateProblem(symbolId, definitions, primary) : target.problem;
  const section = target.section;
  const targetFile =
    section?.filePath ?? (primary.targetType === "FILE" ? primary.targetRef : primary.targetType === "HEADING" ? splitHeadingRef(primary.targetRef).file : null);
  statements
    .get(symbolSql.UPSERT_SYMBOL)
    .run(
      symbolId,
      primary.targetType,
      primary.targetRef,
      primary.defaultSlice ?? null,
      section ? (targets.rowOf.get(section) ?? null) : null,
      section?.sectionId ?? null,
      targetFile,
      target.stale ? 1 : 0,
      problem?.code ?? null,
      problem?.message ?? null,
      JSON.stringify(definitions),
    );
}

/**
 * Rebuilds every definition and symbol (config or registry changed, or first build). `written` is given
 * by a build that has just written every file. With no namespace source, files without front matter
 * define nothing and are not looked at.
 */
export function syncAllSymbols(statements: Statements, settings: SourceSettings, registry: ParsedRegistry, written?: WrittenSections): void {
  statements.get(symbolSql.DELETE_ALL_DEFINITIONS).run();
  statements.get(symbolSql.DELETE_ALL_SYMBOLS).run();
  statements.get(fileSql.RESET_FILE_PROBLEMS).run();
  const all: DefinitionWithId[] = registryDefinitions(registry.entries);
  const updateProblems = statements.get(fileSql.UPDATE_FILE_PROBLEMS);
  const namespaced = settings.sources.some((source) => source.namespace);
  const rows = namespaced
    ? statements.get(fileSql.SELECT_FILES_WITH_FRONT_MATTER).all()
    : statements.get(fileSql.SELECT_FILES_WITH_OWN_FRONT_MATTER).all(NO_FRONT_MATTER);
  for (const row of rows as Array<{ file_path: string; front_matter: string }>) {
    const frontMatter = row.front_matter === NO_FRONT_MATTER ? undefined : (JSON.parse(row.front_matter) as StoredFrontMatter);
    const { definitions, problems } = fileDefinitions(settings, row.file_path, frontMatter?.symbols ?? []);
    all.push(...definitions);
    const count = (frontMatter?.problems.length ?? 0) + problems.length;
    if (count > 0) updateProblems.run(count, row.file_path);
  }
  if (all.length === 0) return;
  insertDefinitions(statements, all);
  const byId = new Map<string, SymbolDefinition[]>();
  for (const d of all) {
    let list = byId.get(d.symbolId);
    if (!list) byId.set(d.symbolId, (list = []));
    list.push(withoutId(d));
  }
  const targets = new DbTargets(statements, written);
  if (all.length >= PRELOAD_FROM) targets.preloadAll();
  for (const [id, definitions] of byId) {
    definitions.sort(compareDefinitions);
    writeSymbol(statements, targets, id, definitions);
  }
}

/** Updates only the symbols a set of touched files can affect. */
export function syncTouchedSymbols(statements: Statements, settings: SourceSettings, touchedFiles: readonly string[], newSectionIds: readonly string[]): void {
  const affected = new Set<string>();
  const targeting = statements.get(symbolSql.SELECT_SYMBOLS_TARGETING_FILE).pluck();
  for (const filePath of touchedFiles) {
    for (const id of syncFileDefinitions(statements, settings, filePath)) affected.add(id);
    for (const id of targeting.all(filePath) as string[]) affected.add(id);
  }
  const pins = statements.get(symbolSql.SELECT_SECTION_PINS).pluck();
  for (const sectionId of newSectionIds) for (const id of pins.all(sectionId) as string[]) affected.add(id);
  const targets = new DbTargets(statements);
  const definitionsOf = statements.get(symbolSql.SELECT_DEFINITIONS_OF_SYMBOL);
  for (const id of [...affected].sort()) {
    writeSymbol(statements, targets, id, (definitionsOf.all(id) as DefinitionRow[]).map(definitionFromRow));
  }
}

/** Problem count, equal to WorkspaceModel.problems().length for the same workspace. */
export function countProblems(statements: Statements, registry: ParsedRegistry): number {
  const count = (sql: string): number => (statements.get(sql).get() as { n: number }).n;
  return (
    registry.problems.length +
    count(fileSql.SUM_FILE_PROBLEMS) +
    count(symbolSql.COUNT_SYMBOL_PROBLEMS) +
    count(symbolSql.COUNT_DUPLICATE_DEFINITIONS)
  );
}
