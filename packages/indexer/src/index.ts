// Public API of @catalytic/indexer.
export { extractSections, fileKind } from "./extract.js";
export type { ExtractedSection, SectionKind, FileKind } from "./extract.js";
export { diffRegion, proseLineOf } from "./line-edit.js";
export { readFrontMatter, parseHeadingPath } from "./front-matter.js";
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
export { parseRegistry, readRegistry, addSymbol } from "./registry.js";
export type { RegistryEntry, RegistryProblem, ParsedRegistry, TargetType } from "./registry.js";
export { hasSkippedSegment, sourcesOf, settingsOf } from "./sources.js";
export type { SourceSettings } from "./sources.js";
export { nearest } from "./suggest.js";
export { Index } from "./workspace-index.js";
export type { VerifyDifference } from "./verify.js";
export type { IndexOpenOptions, SectionRead, VerifyReport, ExportReport, RunExpansion, RecordedExpansion } from "./workspace-index.js";
export type { BuildOptions, BuildReport, BuildProgress, BuildTimings } from "./build.js";
export type { CachedResolution, ResolveOptions } from "./resolve-cached.js";
export { DEFAULT_RUN_ID } from "./resolve-cached.js";
export type { SearchHit, SearchResult, SearchOptions } from "./search/search.js";
export type { ParsedQuery } from "./search/query.js";
export type { Ranker, RankedSection } from "./search/rank.js";
export { casPath, readCas } from "./cas.js";
export { writeFileAtomic } from "./atomic-write.js";
export { indexPath } from "./db.js";
export { walkSources } from "./walk.js";
export { WorkspaceWatcher, DEFAULT_WATCH_DEBOUNCE_MS, changeNeedsFullBuild } from "./watch.js";
export type { WatchOptions, WatchRebuild, WatchTrigger } from "./watch.js";
export { readRegularFile } from "./regular-file.js";
export type { WalkedFile, WalkResult } from "./walk.js";
export { chooseSlice, unknownSymbolError } from "./resolution.js";
export { buildBundle, recordBundle } from "./bundle/build.js";
export { renderBundleMarkdown } from "./bundle/render.js";
export { verifyBundle } from "./bundle/verify.js";
export type { BundleProblem, BundleVerification } from "./bundle/verify.js";
export { BUNDLE_DEFAULTS } from "./bundle/types.js";
export type { BundleRequest, BundleBuild, BundleChunk, PriorExpansion } from "./bundle/types.js";
