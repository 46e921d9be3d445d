// WorkspaceModel: the pure, in-memory index the language server holds. setFile re-extracts one file and
// swaps only its sections and the symbol definitions it carries; queries are map lookups.
import {
  type CatalyticConfig,
  type Slice,
  SYMBOLS_FILE,
  SectionError,
  SymbolError,
  defaultConfig,
  formatSlice,
  parseSlice,
  sha256Hex,
  applySlice,
} from "@catalytic/core";
import { type ExtractedSection, extractSections, linesOf } from "./extract.js";
import { fileKind } from "./extract.js";
import { readFrontMatter } from "./front-matter.js";
import type {
  FileSnapshot,
  ModelProblem,
  ResolveRequest,
  ResolvedPayload,
  SliceSource,
  SymbolDefinition,
  SymbolRecord,
} from "./model-types.js";
import type { RegistryEntry, RegistryProblem } from "./registry.js";
import { compareDefinitions, duplicateProblem, fileDefinitions, registryDefinitions, withoutId } from "./definitions.js";
import { type SourceSettings, settingsOf } from "./sources.js";
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
  byHeadingPath: Map<string, ExtractedSection>;
  bySlug: Map<string, ExtractedSection>;
}

const PATH_SEPARATOR = "\u001f";

function namespaceOf(symbolId: string): string {
  return symbolId.slice(1, symbolId.indexOf("/"));
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class WorkspaceModel {
  private config: CatalyticConfig;
  private settings: SourceSettings;
  private readonly readText: ((filePath: string) => string | undefined) | undefined;
  private readonly files = new Map<string, FileState>();
  private readonly sectionsById = new Map<string, ExtractedSection>();
  private readonly definitions = new Map<string, SymbolDefinition[]>();
  /** Symbol ids each file (or the registry) defines, so a file change touches only its own ids. */
  private readonly idsByFile = new Map<string, Set<string>>();
  private registryProblems: ModelProblem[] = [];
  private sortedIds: string[] | undefined;
  /** How many symbol ids each namespace has, so namespaces() does not scan every id. */
  private readonly namespaceCounts = new Map<string, number>();
  private cachedProblems: ModelProblem[] | undefined;

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
      byHeadingPath: new Map(),
      bySlug: new Map(),
    };
    for (const section of snapshot.sections) {
      // A heading spanning a whole file has the file section's id (same range, same text): keep the first.
      if (!this.sectionsById.has(section.sectionId)) this.sectionsById.set(section.sectionId, section);
      if (section.kind === "file") continue;
      const key = section.headingPath.join(PATH_SEPARATOR);
      if (!state.byHeadingPath.has(key)) state.byHeadingPath.set(key, section);
      state.bySlug.set(section.slug, section);
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
    this.dropDefinitions(SYMBOLS_FILE, "registry");
    for (const definition of registryDefinitions(entries)) this.addDefinition(definition.symbolId, withoutId(definition));
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
    return state.byHeadingPath.get(headingPath.join(PATH_SEPARATOR)) ?? findHeadingIn(state.sections, headingPath);
  }

  sectionBySlug(filePath: string, slug: string): ExtractedSection | undefined {
    return this.files.get(filePath)?.bySlug.get(slug);
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
    const ids = this.sortedSymbolIds();
    let low = 0;
    let high = ids.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((ids[mid] as string) < prefix) low = mid + 1;
      else high = mid;
    }
    const out: string[] = [];
    for (let i = low; i < ids.length && (ids[i] as string).startsWith(prefix); i++) out.push(ids[i] as string);
    return out;
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
    for (const namespace of this.namespaceCounts.keys()) names.add(namespace);
    return [...names].sort(compareStrings);
  }

  /** Symbols defined in a file (front matter and namespace), for document symbols and diagnostics. */
  symbolsDefinedIn(filePath: string): SymbolDefinition[] {
    const out: SymbolDefinition[] = [];
    for (const id of this.idsByFile.get(filePath) ?? []) {
      for (const d of this.definitions.get(id) ?? []) if (d.file === filePath) out.push(d);
    }
    return out.sort(compareDefinitions);
  }

  /** Nearest known ids to an unknown one (edit distance, ties by id). */
  suggest(symbolId: string, n = 3): string[] {
    return nearest(symbolId, this.sortedSymbolIds(), n);
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
    for (const id of this.sortedSymbolIds()) {
      const definitions = this.definitions.get(id) as SymbolDefinition[];
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
    const { slice, sliceSource } = this.chooseSlice(request.slice, record);
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
    if (!record) throw this.unknownSymbol(symbolId);
    if (record.problem && (record.problem.code === "CAT_SYMBOL_DUPLICATE" || !record.sectionId)) {
      throw new SymbolError(record.problem.code, record.problem.message, {
        hint: hintFor(record.problem.code),
        details: { symbolId, file: record.problem.file, line: record.problem.line },
      });
    }
    const section = checkSymbolTarget(this, symbolId, record.definitions[0] as SymbolDefinition).section as ExtractedSection;
    if (slug === undefined) return section;
    const bySlug = this.sectionBySlug(section.filePath, slug);
    if (!bySlug) {
      const slugs = (this.sectionsOf(section.filePath) ?? []).filter((s) => s.slug !== "").map((s) => s.slug);
      throw new SectionError("CAT_HEADING_NOT_FOUND", `${section.filePath} has no heading with slug #${slug} (for ${symbolId}#${slug})`, {
        hint: slugs.length ? `use one of: ${slugs.slice(0, 8).map((s) => `#${s}`).join(", ")}` : `${section.filePath} has no headings; drop the #slug`,
        details: { symbolId, slug, file: section.filePath },
      });
    }
    return bySlug;
  }

  /** The slice a resolution applies: explicit, else the symbol's default, else the configured bound. */
  chooseSlice(explicit: string | Slice | undefined, record: SymbolRecord): { slice: Slice; sliceSource: SliceSource } {
    if (explicit !== undefined) return { slice: typeof explicit === "string" ? parseSlice(explicit) : explicit, sliceSource: "explicit" };
    if (record.defaultSlice !== undefined) return { slice: parseSlice(record.defaultSlice), sliceSource: "symbol_default" };
    return { slice: parseSlice(this.config.default_slice), sliceSource: "config_default" };
  }

  unknownSymbol(symbolId: string): SymbolError {
    const suggestions = this.suggest(symbolId, 3);
    return new SymbolError("CAT_SYMBOL_UNKNOWN", `unknown symbol ${symbolId}`, {
      hint: suggestions.length
        ? `did you mean ${suggestions.join(", ")}? ('catalytic symbols list' shows every symbol)`
        : "no similar symbol exists; 'catalytic symbols list' shows every symbol, 'catalytic symbols add' defines one",
      details: { symbolId, suggestions },
    });
  }

  // ---- internals ----

  private addFileDefinitions(state: FileState): void {
    const { definitions, problems } = fileDefinitions(this.settings, state.filePath, state.frontMatterSymbols);
    for (const definition of definitions) this.addDefinition(definition.symbolId, withoutId(definition));
    state.nameProblems = problems;
  }

  private dropFileDefinitions(filePath: string): void {
    this.dropDefinitions(filePath, "front-matter");
    this.dropDefinitions(filePath, "namespace");
  }

  private addDefinition(symbolId: string, definition: SymbolDefinition): void {
    let ids = this.idsByFile.get(definition.file);
    if (!ids) this.idsByFile.set(definition.file, (ids = new Set()));
    ids.add(symbolId);
    const list = this.definitions.get(symbolId);
    if (!list) {
      this.definitions.set(symbolId, [definition]);
      this.sortedIds = undefined;
      const namespace = namespaceOf(symbolId);
      this.namespaceCounts.set(namespace, (this.namespaceCounts.get(namespace) ?? 0) + 1);
      return;
    }
    list.push(definition);
    list.sort(compareDefinitions);
  }

  private dropDefinitions(file: string, origin: SymbolDefinition["origin"]): void {
    const ids = this.idsByFile.get(file);
    if (!ids) return;
    for (const id of [...ids]) {
      const list = this.definitions.get(id) ?? [];
      const kept = list.filter((d) => d.file !== file || d.origin !== origin);
      if (kept.length === list.length) continue;
      if (!kept.some((d) => d.file === file)) ids.delete(id);
      if (kept.length === 0) {
        this.definitions.delete(id);
        this.sortedIds = undefined;
        const namespace = namespaceOf(id);
        const left = (this.namespaceCounts.get(namespace) ?? 1) - 1;
        if (left === 0) this.namespaceCounts.delete(namespace);
        else this.namespaceCounts.set(namespace, left);
      } else {
        this.definitions.set(id, kept);
      }
    }
  }

  private sortedSymbolIds(): string[] {
    this.sortedIds ??= [...this.definitions.keys()].sort(compareStrings);
    return this.sortedIds;
  }

  private changed(): void {
    this.cachedProblems = undefined;
  }
}

export function hintFor(code: string): string {
  switch (code) {
    case "CAT_SYMBOL_DUPLICATE":
      return "keep one definition: remove the others from catalytic.symbols.json or the front matter";
    case "CAT_SYMBOL_STALE":
      return "the pinned section changed; re-pin it with 'catalytic symbols add --section <new id>' or point the symbol at a heading";
    case "CAT_HEADING_NOT_FOUND":
      return "fix the heading path (\"Heading > Sub\") to match a heading in the target file";
    case "CAT_FILE_NOT_FOUND":
      return "fix the target path, or add the file to a source in catalytic.json and run 'catalytic build'";
    default:
      return "run 'catalytic symbols verify' for details";
  }
}
