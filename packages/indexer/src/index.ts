// Public API of @catalytic/indexer.
export { extractSections, fileKind, linesOf } from "./extract.js";
export type { ExtractedSection, SectionKind, FileKind } from "./extract.js";
export { diffRegion, proseLineOf } from "./line-edit.js";
export { scanHeadings } from "./headings.js";
export type { Heading } from "./headings.js";
export { scanDeclarations } from "./declarations.js";
export type { Declaration } from "./declarations.js";
export { readFrontMatter, parseHeadingPath, splitLines } from "./front-matter.js";
export type { FrontMatter, FrontMatterSymbol, FrontMatterProblem } from "./front-matter.js";
export { WorkspaceModel } from "./model.js";
export type { WorkspaceModelOptions } from "./model.js";
export type {
  DefinitionOrigin,
  SymbolDefinition,
  ModelProblem,
  SymbolRecord,
  SliceSource,
  ResolveRequest,
  ResolvedPayload,
  FileSnapshot,
} from "./model-types.js";
export { splitHeadingRef } from "./targets.js";
export { parseRegistry, readRegistry, formatRegistry, writeRegistry, addSymbol } from "./registry.js";
export type { RegistryEntry, RegistryProblem, ParsedRegistry, TargetType } from "./registry.js";
export { sourcesOf, namespaceSymbols, sourceRoot, relativeToSource, settingsOf, ALWAYS_SKIPPED } from "./sources.js";
export type { SourceSettings, NamespaceSymbol } from "./sources.js";
export { matchGlob, globToRegExp } from "./glob.js";
export { editDistance, nearest } from "./suggest.js";
export { Index } from "./workspace-index.js";
export type { IndexOpenOptions, SectionRead, VerifyReport, VerifyDifference, ExportReport } from "./workspace-index.js";
export type { BuildReport, BuildProgress, BuildTimings } from "./build.js";
export { DEFAULT_RUN_ID } from "./resolve-cached.js";
export type { CachedResolution, ResolveOptions } from "./resolve-cached.js";
export type { SearchHit, SearchResult, SearchOptions } from "./search/search.js";
export { SNIPPET_MAX } from "./search/search.js";
export { parseQuery } from "./search/query.js";
export type { ParsedQuery } from "./search/query.js";
export { rrf, RRF_K } from "./search/rank.js";
export type { Ranker, RankedSection } from "./search/rank.js";
export { foldCase } from "./search/fold.js";
export { casPath, casRef, readCas, writeCas } from "./cas.js";
export { indexPath, INDEX_FILE } from "./db.js";
export { walkSources } from "./walk.js";
export { readRegularFile } from "./regular-file.js";
export type { WalkedFile, WalkResult } from "./walk.js";
export { chooseSlice, unknownSymbolError } from "./resolution.js";
