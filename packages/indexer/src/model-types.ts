// Types of the in-memory workspace model (shared by the model, the SQLite index and the language server).
import type { ErrorCode, Slice } from "@catalytic/core";
import type { ExtractedSection } from "./extract.js";
import type { FrontMatterProblem, FrontMatterSymbol } from "./front-matter.js";
import type { TargetType } from "./registry.js";

export type DefinitionOrigin = "registry" | "front-matter" | "namespace";

/** One place a symbol is defined. */
export interface SymbolDefinition {
  origin: DefinitionOrigin;
  /** Where the definition is written: catalytic.symbols.json, the Markdown file, or the file itself (namespace). */
  file: string;
  line: number;
  character?: number;
  targetType: TargetType;
  targetRef: string;
  defaultSlice?: string;
}

export interface ModelProblem {
  code: ErrorCode;
  message: string;
  /** File the problem is reported in (workspace-relative). */
  file: string;
  line: number;
  character?: number;
  symbolId?: string;
}

export interface SymbolRecord {
  symbolId: string;
  targetType: TargetType;
  targetRef: string;
  defaultSlice?: string;
  /** Every definition, registry first, then front matter, then namespace; by file and line within each. */
  definitions: SymbolDefinition[];
  /** Section the symbol resolves to now (absent when the target is missing or the pin is stale). */
  sectionId?: string;
  /** A SECTION pin whose section no longer exists. */
  stale: boolean;
  /** The first thing wrong with the symbol (duplicate, missing target, stale, invalid default slice). */
  problem?: ModelProblem;
}

export type SliceSource = "explicit" | "symbol_default" | "config_default";

export interface ResolveRequest {
  symbolId: string;
  /** GitHub-style slug of a heading in the target file (`@NS/NAME#slug`). */
  slug?: string;
  /** Slice text (`lines[0:20]`) or a parsed slice. */
  slice?: string | Slice;
}

export interface ResolvedPayload {
  symbolId: string;
  section: ExtractedSection;
  slice: Slice;
  /** Canonical text of the applied slice. */
  sliceText: string;
  sliceSource: SliceSource;
  payload: string;
  /** content_hash of the section (not of the payload). */
  contentHash: string;
  payloadHash: string;
  /** UTF-8 bytes of the payload. */
  bytes: number;
}

/** What the model keeps per file; also what the SQLite index persists so it can load a model fast. */
export interface FileSnapshot {
  filePath: string;
  /** sha256 of the whole file (normalised): the file section's content hash. */
  contentHash: string;
  sections: ExtractedSection[];
  frontMatterSymbols: FrontMatterSymbol[];
  frontMatterProblems: FrontMatterProblem[];
}
