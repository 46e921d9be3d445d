// WorkspaceModel: the pure, in-memory index the language server holds. setFile re-extracts one file and
// swaps only its sections and the symbol definitions it carries; queries are map lookups.
import { type CatalyticConfig, SYMBOLS_FILE, SectionError, applySlice, defaultConfig, formatSlice, sha256Hex } from "@catalytic/core";
import { type ExtractedSection, extractSections, fileKind, linesOf } from "./extract.js";
import { readFrontMatter } from "./front-matter.js";
import { diffRegion, proseLineOf, reextractAfterLineEdit } from "./line-edit.js";
import type {
  FileSnapshot,
  ModelProblem,
  ResolveRequest,
  ResolvedPayload,
  SymbolDefinition,
  SymbolRecord,
} from "./model-types.js";
import type { RegistryEntry, RegistryProblem } from "./registry.js";
import { duplicateProblem, fileDefinitions, registryDefinitions, withoutId } from "./definitions.js";
import { type SourceSettings, settingsOf } from "./sources.js";
import { DefinitionTable, compareStrings } from "./definition-table.js";
import { chooseSlice, slugNotFoundError, unknownSymbolError, unresolvableError } from "./resolution.js";
import { nearest } from "./suggest.js";
import { checkSymbolTarget, findHeadingIn } from "./targets.js";

export interface WorkspaceModelOptions {
  config?: CatalyticConfig;
  /** Reads a file's text when the model holds only its sections (loaded from the index). */
  readText?: (filePath: string) => string | undefined;
}

interface FileState extends FileSnapshot {
  text?: string;
  /** Problems of the file's own symbol names (namespace names that cannot be symbols). */
  nameProblems: ModelProblem[];
  /** Built on first lookup, so loading thousands of files allocates no maps for files never queried. */
  lookups?: { byHeadingPath: Map<string, ExtractedSection>; bySlug: Map<string, ExtractedSection> };
}

const PATH_SEPARATOR = "\u001f";

function lookupsOf(state: FileState): NonNullable<FileState["lookups"]> {
  if (!state.lookups) {
    const byHeadingPath = new Map<string, ExtractedSection>();
    const bySlug = new Map<string, ExtractedSection>();
    for (const section of state.sections) {
      if (section.kind === "file") continue;
      const key = section.headingPath.join(PATH_SEPARATOR);
      if (!byHeadingPath.has(key)) byHeadingPath.set(key, section);
      if (!bySlug.has(section.slug)) bySlug.set(section.slug, section);
    }
    state.lookups = { byHeadingPath, bySlug };
  }
  return state.lookups;
}

export class WorkspaceModel {
  private config: CatalyticConfig;
  private settings: SourceSettings;
  private readonly readText: ((filePath: string) => string | undefined) | undefined;
  private readonly files = new Map<string, FileState>();
  private readonly sectionsById = new Map<string, ExtractedSection>();
  private readonly definitions = new DefinitionTable();
  private registryProblems: ModelProblem[] = [];
  private cachedProblems: ModelProblem[] | undefined;
  private revisionCount = 0;

  constructor(options: WorkspaceModelOptions = {}) {
    this.config = options.config ?? defaultConfig();
    this.settings = settingsOf(this.config);
    this.readText = options.readText;
  }

  /** Replaces the configuration; namespace symbols of every file are recomputed. */
  setConfig(config: CatalyticConfig): void {
    this.config = config;
    this.settings = settingsOf(config);
    for (const state of this.files.values()) {
      this.dropFileDefinitions(state.filePath);
      this.addFileDefinitions(state);
    }
    this.changed();
  }

  getConfig(): CatalyticConfig {
    return this.config;
  }

  /** Indexes (or re-indexes) one file from its text, saved or not. */
  setFile(filePath: string, text: string): ExtractedSection[] {
    const edited = this.applyLineEdit(filePath, text);
    if (edited) return edited;
    const sections = extractSections(filePath, text);
    const frontMatter = fileKind(filePath) === "markdown" ? readFrontMatter(text) : undefined;
    this.loadFile(
      {
        filePath,
        contentHash: (sections[0] as ExtractedSection).contentHash,
        sections,
        frontMatterSymbols: frontMatter?.symbols ?? [],
        frontMatterProblems: frontMatter?.problems ?? [],
      },
      text,
    );
    return sections;
  }

  /** Installs an already extracted file (from the SQLite index) without re-reading it. */
  loadFile(snapshot: FileSnapshot, text?: string): void {
    this.removeFile(snapshot.filePath);
    const state: FileState = {
      ...snapshot,
      ...(text !== undefined ? { text } : {}),
      nameProblems: [],
    };
    for (const section of snapshot.sections) {
      // A heading spanning a whole file has the file section's id (same range, same text): keep the first.
      if (!this.sectionsById.has(section.sectionId)) this.sectionsById.set(section.sectionId, section);
    }
    this.files.set(snapshot.filePath, state);
    this.addFileDefinitions(state);
    this.changed();
  }

  removeFile(filePath: string): boolean {
    const state = this.files.get(filePath);
    if (!state) return false;
    for (const section of state.sections) {
      if (this.sectionsById.get(section.sectionId) === section) this.sectionsById.delete(section.sectionId);
    }
    this.files.delete(filePath);
    this.dropFileDefinitions(filePath);
    this.changed();
    return true;
  }

  /** Replaces the registry (catalytic.symbols.json) entries and the problems found parsing it. */
  setRegistry(entries: readonly RegistryEntry[], problems: readonly RegistryProblem[] = []): void {
    this.definitions.drop(SYMBOLS_FILE, "registry");
    for (const definition of registryDefinitions(entries)) this.definitions.add(definition.symbolId, withoutId(definition));
    this.registryProblems = problems.map((p) => ({
      code: p.code,
      message: p.message,
      file: SYMBOLS_FILE,
      line: p.line,
      ...(p.symbolId !== undefined ? { symbolId: p.symbolId } : {}),
    }));
    this.changed();
  }

  // ---- queries ----

  listFiles(): string[] {
    return [...this.files.keys()].sort(compareStrings);
  }

  hasFile(filePath: string): boolean {
    return this.files.has(filePath);
  }

  fileSnapshot(filePath: string): FileSnapshot | undefined {
    const state = this.files.get(filePath);
    if (!state) return undefined;
    const { filePath: p, contentHash, sections, frontMatterSymbols, frontMatterProblems } = state;
    return { filePath: p, contentHash, sections, frontMatterSymbols, frontMatterProblems };
  }

  sectionsOf(filePath: string): readonly ExtractedSection[] | undefined {
    return this.files.get(filePath)?.sections;
  }

  getSection(sectionId: string): ExtractedSection | undefined {
    return this.sectionsById.get(sectionId);
  }

  sectionCount(): number {
    return this.sectionsById.size;
  }

  /** The section's text (normalised), or undefined when its file's text is not available. */
  sectionText(sectionId: string): string | undefined {
    const section = this.sectionsById.get(sectionId);
    if (!section) return undefined;
    const state = this.files.get(section.filePath);
    if (!state) return undefined;
    if (state.text === undefined) {
      const text = this.readText?.(section.filePath);
      if (text === undefined) return undefined;
      state.text = text;
    }
    return linesOf(state.text, section.lineStart, section.lineEnd);
  }

  /** Heading section of a file by its heading path (exact chain first, then a unique suffix match). */
  findHeading(filePath: string, headingPath: readonly string[]): ExtractedSection | "ambiguous" | undefined {
    const state = this.files.get(filePath);
    if (!state) return undefined;
    return lookupsOf(state).byHeadingPath.get(headingPath.join(PATH_SEPARATOR)) ?? findHeadingIn(state.sections, headingPath);
  }

  sectionBySlug(filePath: string, slug: string): ExtractedSection | undefined {
    const state = this.files.get(filePath);
    return state ? lookupsOf(state).bySlug.get(slug) : undefined;
  }

  getSymbol(symbolId: string): SymbolRecord | undefined {
    const definitions = this.definitions.get(symbolId);
    if (!definitions || definitions.length === 0) return undefined;
    const primary = definitions[0] as SymbolDefinition;
    const target = checkSymbolTarget(this, symbolId, primary);
    const record: SymbolRecord = {
      symbolId,
      targetType: primary.targetType,
      targetRef: primary.targetRef,
      ...(primary.defaultSlice !== undefined ? { defaultSlice: primary.defaultSlice } : {}),
      definitions: [...definitions],
      ...(target.section ? { sectionId: target.section.sectionId } : {}),
      stale: target.stale,
    };
    const problem = definitions.length > 1 ? duplicateProblem(symbolId, definitions, primary) : target.problem;
    if (problem) record.problem = problem;
    return record;
  }

  /** Symbol ids in sorted order, optionally only those starting with `prefix`. */
  listSymbolIds(prefix = ""): string[] {
    return this.definitions.idsWithPrefix(prefix);
  }

  listSymbols(prefix = ""): SymbolRecord[] {
    return this.listSymbolIds(prefix).map((id) => this.getSymbol(id) as SymbolRecord);
  }

  symbolCount(): number {
    return this.definitions.size;
  }

  /** Namespaces of every known symbol and every configured source, sorted. */
  namespaces(): string[] {
    const names = new Set<string>();
    for (const source of this.config.sources) if (source.namespace) names.add(source.namespace);
    for (const namespace of this.definitions.namespaces()) names.add(namespace);
    return [...names].sort(compareStrings);
  }

  /** Nearest known ids to an unknown one (edit distance, ties by id). */
  suggest(symbolId: string, n = 3): string[] {
    return nearest(symbolId, this.definitions.sortedIds(), n);
  }

  /** Every problem: registry and front matter syntax, invalid names, and each symbol's problem (duplicates on every definition). */
  problems(): ModelProblem[] {
    if (this.cachedProblems) return this.cachedProblems;
    const problems: ModelProblem[] = [...this.registryProblems];
    for (const filePath of this.listFiles()) {
      const state = this.files.get(filePath) as FileState;
      for (const p of state.frontMatterProblems) problems.push({ code: p.code, message: p.message, file: filePath, line: p.line, character: p.character });
      problems.push(...state.nameProblems);
    }
    for (const id of this.definitions.sortedIds()) {
      const definitions = this.definitions.get(id) as readonly SymbolDefinition[];
      if (definitions.length > 1) {
        for (const d of definitions) problems.push(duplicateProblem(id, definitions, d));
        continue;
      }
      const problem = this.getSymbol(id)?.problem;
      if (problem) problems.push(problem);
    }
    this.cachedProblems = problems;
    return problems;
  }

  /** Section a symbol (and optional `#slug` in its target file) points at, or undefined. */
  resolveTarget(symbolId: string, slug?: string): ExtractedSection | undefined {
    const definition = this.definitions.get(symbolId)?.[0];
    if (!definition) return undefined;
    const section = checkSymbolTarget(this, symbolId, definition).section;
    if (!section || slug === undefined) return section;
    return this.sectionBySlug(section.filePath, slug);
  }

  /** Resolves a symbol to its bounded payload (no cache). Throws typed errors for every failure. */
  resolve(request: ResolveRequest): ResolvedPayload {
    const section = this.resolveSection(request.symbolId, request.slug);
    const record = this.getSymbol(request.symbolId) as SymbolRecord;
    const { slice, sliceSource } = chooseSlice(request.slice, record.defaultSlice, this.config.default_slice);
    const text = this.sectionText(section.sectionId);
    if (text === undefined) {
      throw new SectionError("CAT_FILE_UNREADABLE", `cannot read ${section.filePath} to expand ${request.symbolId}`, {
        hint: "check that the file exists, then run 'catalytic build'",
      });
    }
    const payload = applySlice(text, slice);
    return {
      symbolId: request.symbolId,
      section,
      slice,
      sliceText: formatSlice(slice),
      sliceSource,
      payload,
      contentHash: section.contentHash,
      payloadHash: sha256Hex(payload),
      bytes: Buffer.byteLength(payload, "utf8"),
    };
  }

  /** The section a symbol resolves to, or the typed error explaining why it cannot. */
  resolveSection(symbolId: string, slug?: string): ExtractedSection {
    const record = this.getSymbol(symbolId);
    if (!record) throw unknownSymbolError(symbolId, this.suggest(symbolId, 3));
    if (record.problem && (record.problem.code === "CAT_SYMBOL_DUPLICATE" || !record.sectionId)) {
      throw unresolvableError(symbolId, record.problem.code, record.problem.message);
    }
    const section = checkSymbolTarget(this, symbolId, record.definitions[0] as SymbolDefinition).section as ExtractedSection;
    if (slug === undefined) return section;
    const bySlug = this.sectionBySlug(section.filePath, slug);
    if (bySlug) return bySlug;
    const slugs = (this.sectionsOf(section.filePath) ?? []).filter((s) => s.slug !== "").map((s) => s.slug);
    throw slugNotFoundError(symbolId, section.filePath, slug, slugs);
  }

  // ---- internals ----

  /**
   * An edit inside one prose line of a Markdown file whose text the model holds keeps its headings and definitions:
   * only the sections containing the line are re-hashed (typing in a large buffer). Undefined when it does not apply.
   */
  private applyLineEdit(filePath: string, text: string): ExtractedSection[] | undefined {
    const state = this.files.get(filePath);
    if (!state || state.text === undefined || fileKind(filePath) !== "markdown") return undefined;
    if (state.text === text) return state.sections;
    const line = proseLineOf(state.text, text, diffRegion(state.text, text));
    const sections = line === undefined ? undefined : reextractAfterLineEdit(state.sections, state.text, text, line);
    if (!sections) return undefined;
    for (const [i, section] of sections.entries()) {
      const previous = state.sections[i] as ExtractedSection;
      if (previous === section) continue;
      if (this.sectionsById.get(previous.sectionId) === previous) this.sectionsById.delete(previous.sectionId);
    }
    for (const section of sections) if (!this.sectionsById.has(section.sectionId)) this.sectionsById.set(section.sectionId, section);
    state.sections = sections;
    state.contentHash = (sections[0] as ExtractedSection).contentHash;
    state.text = text;
    delete state.lookups;
    this.changed();
    return sections;
  }

  private addFileDefinitions(state: FileState): void {
    const { definitions, problems } = fileDefinitions(this.settings, state.filePath, state.frontMatterSymbols);
    for (const definition of definitions) this.definitions.add(definition.symbolId, withoutId(definition));
    state.nameProblems = problems;
  }

  private dropFileDefinitions(filePath: string): void {
    this.definitions.drop(filePath, "front-matter");
    this.definitions.drop(filePath, "namespace");
  }

  /** Bumped by every change (files, registry, config): results derived from the model are valid for one revision. */
  get revision(): number {
    return this.revisionCount;
  }

  private changed(): void {
    this.cachedProblems = undefined;
    this.revisionCount++;
  }
}
