// The workspace as the server holds it: the indexer's in-memory model fed from disk and from open
// buffers (which win), the configuration and the symbol registry, and the memory needed to re-pin
// SECTION symbols. Edits mark a file dirty; the model is brought up to date before any feature runs.
import { readFileSync } from "node:fs";
import path from "node:path";
import { CONFIG_FILE, SYMBOLS_FILE, checkConfigText, defaultConfig, type CatalyticConfig, type Logger } from "@catalytic/core";
import { WorkspaceModel, parseRegistry, settingsOf, sourcesOf, walkSources, type FileSnapshot, type ModelProblem } from "@catalytic/indexer";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { TextEdit } from "vscode-languageserver";
import { DocumentStore } from "./documents.js";
import type { FeatureContext, VerdictCache } from "./host.js";
import { positionAt } from "./positions.js";
import type { TokenCounts } from "./token-counts.js";

export interface LoadProgress {
  done: number;
  total: number;
}

const LOAD_BATCH = 64;

export class WorkspaceHost {
  readonly docs: DocumentStore;
  model: WorkspaceModel;
  config: CatalyticConfig = defaultConfig();
  /** Problems of catalytic.json itself, reported as diagnostics on it. */
  configProblems: ModelProblem[] = [];
  hoverPreviewChars = 2000;
  /** Token counts for hovers (the session sets them). */
  tokens: TokenCounts | undefined;
  private readonly dirty = new Set<string>();
  /** Files edited while a load runs: re-applied to the new model once it is in place. */
  private touchedDuringLoad: Set<string> | undefined;
  /** Registry SECTION pins (symbol id -> section id) and where each pinned section was last seen. */
  private pins = new Map<string, string>();
  private readonly lastKnown = new Map<string, { filePath: string; headingPath: string[] }>();
  /** Reference verdicts against the current model; replaced whenever the model changes. */
  private verdicts: VerdictCache = new Map();

  constructor(
    readonly root: string,
    readonly logger: Logger,
  ) {
    this.docs = new DocumentStore(root, (file, error) => logger.warn(`cannot read ${file}: ${(error as Error).message}`));
    this.model = this.newModel();
  }

  private newModel(): WorkspaceModel {
    return new WorkspaceModel({ config: this.config, readText: (file) => this.docs.text(file) });
  }

  /** Verdicts valid for the model as it is now (see flush). */
  verdictCache(): VerdictCache {
    return this.verdicts;
  }

  /** The feature context over an up-to-date model. */
  context(): FeatureContext {
    this.flush();
    return { model: this.model, docs: this.docs, logger: this.logger, hoverPreviewChars: this.hoverPreviewChars, ...(this.tokens ? { tokens: this.tokens } : {}) };
  }

  /** The context with every pending change applied except `file`'s (its model update is deferred). */
  contextExcept(file: string): FeatureContext {
    const deferred = this.dirty.delete(file);
    this.flush();
    if (deferred) this.dirty.add(file);
    return { model: this.model, docs: this.docs, logger: this.logger, hoverPreviewChars: this.hoverPreviewChars, ...(this.tokens ? { tokens: this.tokens } : {}) };
  }

  isSource(file: string): boolean {
    return sourcesOf(settingsOf(this.config), file).length > 0;
  }

  /** Reads catalytic.json (buffer or disk); a broken one becomes problems and the defaults apply. */
  readConfig(): void {
    const text = this.docs.text(CONFIG_FILE);
    if (text === undefined) {
      this.config = defaultConfig();
      this.configProblems = [];
      return;
    }
    const { config, problems } = checkConfigText(text);
    this.configProblems = problems.map((problem) => ({
      code: "CAT_CONFIG_INVALID",
      message: `${problem.path}: ${problem.message}`,
      file: CONFIG_FILE,
      line: lineOfJsonPath(text, problem.path),
    }));
    if (problems.length) this.logger.warn(`${CONFIG_FILE} is invalid (${problems.length} problem(s)); using the default configuration`);
    this.config = config ?? defaultConfig();
  }

  /** Builds the model from every source file, reading asynchronously in batches so requests interleave. */
  async loadAll(onProgress: (progress: LoadProgress) => void): Promise<void> {
    this.readConfig();
    const model = this.newModel();
    const touched = new Set<string>();
    this.touchedDuringLoad = touched;
    try {
      this.docs.clearDiskFiles();
      const files = this.listSourceFiles();
      onProgress({ done: 0, total: files.length });
      for (let i = 0; i < files.length; i += LOAD_BATCH) {
        const batch = files.slice(i, i + LOAD_BATCH);
        // Small synchronous reads per batch beat thousands of async ones; the yield below keeps requests flowing.
        for (const file of batch) {
          let text: string;
          try {
            text = readFileSync(path.join(this.root, file), "utf8");
          } catch (error) {
            this.logger.warn(`cannot read ${file}: ${(error as Error).message}`);
            continue;
          }
          const buffer = this.docs.isOpen(file) ? this.docs.text(file) : undefined;
          model.setFile(file, buffer ?? text);
          this.docs.setDiskFile(file, true);
          if (buffer === undefined) this.docs.primeReferences(file, text);
        }
        onProgress({ done: Math.min(files.length, i + LOAD_BATCH), total: files.length });
        await new Promise((resolve) => setImmediate(resolve));
      }
      // Open buffers of source files not on disk yet (new, unsaved) are part of the workspace too.
      for (const file of this.docs.openFiles()) if (!model.hasFile(file) && this.isSource(file)) model.setFile(file, this.docs.text(file) as string);
    } finally {
      this.touchedDuringLoad = undefined;
    }
    this.model = model;
    this.verdicts = new Map();
    for (const file of touched) this.dirty.add(file);
    this.loadRegistry();
  }

  /** Every source file (the indexer's walk: .gitignore honoured, .catalytic/node_modules/.git skipped). */
  private listSourceFiles(): string[] {
    const walked = walkSources(this.root, settingsOf(this.config));
    for (const skipped of walked.skipped) this.logger.info(`skipped ${skipped.path}: ${skipped.reason}`);
    return walked.files.map((file) => file.filePath);
  }

  loadRegistry(): void {
    const text = this.docs.text(SYMBOLS_FILE);
    const parsed = text === undefined ? { entries: [], problems: [] } : parseRegistry(text);
    this.model.setRegistry(parsed.entries, parsed.problems);
    this.pins = new Map(parsed.entries.filter((e) => e.targetType === "SECTION").map((e) => [e.symbolId, e.targetRef]));
    for (const sectionId of this.pins.values()) this.rememberPin(sectionId);
  }

  private rememberPin(sectionId: string): void {
    const section = this.model.getSection(sectionId);
    if (section) this.lastKnown.set(sectionId, { filePath: section.filePath, headingPath: section.headingPath });
  }

  private rememberPinsIn(file: string): void {
    for (const sectionId of this.pins.values()) {
      if (this.model.getSection(sectionId)?.filePath === file) this.rememberPin(sectionId);
    }
  }

  // ---- buffers ----

  /** A buffer opened or changed: it wins over the disk. */
  didChange(file: string, document: TextDocument): void {
    this.docs.setOpen(file, document);
    this.dirty.add(file);
  }

  /** The buffer closes: the disk is the truth again. */
  didClose(file: string): void {
    this.docs.setOpen(file, undefined);
    this.dirty.add(file);
  }

  /** A file changed on disk (watcher); open buffers keep winning. Returns true when the model changed. */
  diskChanged(file: string, deleted: boolean): boolean {
    if (this.docs.isOpen(file)) return false;
    this.docs.setDiskFile(file, !deleted && this.isSource(file));
    this.dirty.add(file);
    return true;
  }

  /** Applies pending buffer and disk changes to the model; returns the files it touched. */
  flush(): string[] {
    if (this.dirty.size === 0) return [];
    const files = [...this.dirty];
    this.dirty.clear();
    let outlinesKept = true;
    for (const file of files) outlinesKept = this.apply(file) && outlinesKept;
    if (outlinesKept) {
      // Only section texts changed: verdicts resolving into other files stand (unresolved ones are re-checked).
      for (const [key, checked] of this.verdicts) if (checked.target === undefined || files.includes(checked.target)) this.verdicts.delete(key);
    } else {
      this.verdicts = new Map();
    }
    return files;
  }

  /** Applies one file; true when its outline (sections' lines, headings, slugs) and front matter are unchanged. */
  private apply(file: string): boolean {
    this.touchedDuringLoad?.add(file);
    if (file === SYMBOLS_FILE) {
      this.loadRegistry();
      return false;
    }
    if (file === CONFIG_FILE) {
      // Source membership may have changed: the next loadAll rebuilds; meanwhile apply the config.
      this.readConfig();
      this.model.setConfig(this.config);
      return false;
    }
    this.rememberPinsIn(file);
    const text = this.docs.isOpen(file) ? this.docs.text(file) : this.isSource(file) ? this.docs.readDisk(file) : undefined;
    if (text !== undefined && (this.isSource(file) || this.docs.isOpen(file) && this.model.hasFile(file))) {
      const before = this.model.fileSnapshot(file);
      this.model.setFile(file, text);
      return before !== undefined && sameOutline(before, this.model.fileSnapshot(file) as FileSnapshot);
    }
    return !this.model.removeFile(file);
  }

  /** Files whose diagnostics can change after a model change: every Markdown file and every file with problems. */
  filesToCheck(): string[] {
    const files = new Set(this.docs.markdownFiles());
    for (const problem of this.model.problems()) files.add(problem.file);
    files.add(CONFIG_FILE);
    return [...files];
  }

  /** The registry edit that re-pins a stale SECTION symbol to the section now at the pinned place. */
  repinEdit(symbolId: string): { uri: string; edits: TextEdit[] } | undefined {
    this.flush();
    const pinned = this.pins.get(symbolId);
    const where = pinned === undefined ? undefined : this.lastKnown.get(pinned);
    if (pinned === undefined || !where) return undefined;
    const current = where.headingPath.length ? this.model.findHeading(where.filePath, where.headingPath) : this.model.sectionsOf(where.filePath)?.[0];
    if (!current || current === "ambiguous" || current.sectionId === pinned) return undefined;
    const text = this.docs.text(SYMBOLS_FILE);
    if (text === undefined) return undefined;
    const edits: TextEdit[] = [];
    const needle = JSON.stringify(pinned);
    for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) {
      const start = positionAt(text, at + 1);
      edits.push({ range: { start, end: { line: start.line, character: start.character + pinned.length } }, newText: current.sectionId });
    }
    return edits.length ? { uri: this.docs.uriOf(SYMBOLS_FILE), edits } : undefined;
  }
}

/** Same sections by lines, heading path and slug, and the same front matter symbols (content hashes may differ). */
function sameOutline(a: FileSnapshot, b: FileSnapshot): boolean {
  if (a.sections.length !== b.sections.length || JSON.stringify(a.frontMatterSymbols) !== JSON.stringify(b.frontMatterSymbols)) return false;
  if (a.frontMatterProblems.length !== b.frontMatterProblems.length) return false;
  return a.sections.every((s, i) => {
    const t = b.sections[i] as (typeof b.sections)[number];
    return s === t || (s.lineStart === t.lineStart && s.lineEnd === t.lineEnd && s.slug === t.slug && s.heading === t.heading && s.level === t.level && s.headingPath.join("\u001f") === t.headingPath.join("\u001f"));
  });
}

/** Best-effort line of a `$.a.b[0].c` problem path: the line of its last key, else 0. */
function lineOfJsonPath(text: string, jsonPath: string): number {
  const keys = [...jsonPath.matchAll(/\.([A-Za-z_$][A-Za-z0-9_$]*)|\["([^"]+)"\]/g)].map((m) => m[1] ?? m[2]);
  const last = keys[keys.length - 1];
  if (last === undefined) return 0;
  const at = text.indexOf(JSON.stringify(last));
  return at === -1 ? 0 : positionAt(text, at).line;
}
