// What planning needs from the world, as a small interface so `plan` stays pure and testable in memory.

/** A symbol as the planner sees it: where it points and the text a bounded expansion is taken from. */
export interface SubstrateSymbol {
  symbolId: string;
  sectionId: string;
  /** The symbol's own default slice, when it defines one. */
  defaultSlice?: string;
  /** Full text of the section the symbol resolves to (slices are applied by the planner). */
  content: string;
}

export interface SubstrateSection {
  sectionId: string;
  filePath: string;
  content: string;
}

export interface SubstrateFile {
  /** Workspace-relative POSIX path, as written in the request. */
  path: string;
  bytes: number;
}

/** Read-only view of the indexed workspace. "Nothing found" is `undefined`. */
export interface PlanSubstrate {
  /** A known symbol; throws a typed error when it is known but broken (duplicate, stale pin, missing target). */
  symbol(symbolId: string): SubstrateSymbol | undefined;
  /** Nearest known symbol ids for an unknown one (best first, may be empty). */
  suggestSymbols(symbolId: string): string[];
  section(sectionId: string): SubstrateSection | undefined;
  /**
   * A regular file under the workspace root. Throws CAT_PATH_OUTSIDE_WORKSPACE for paths that leave
   * the workspace; `undefined` when there is no such file.
   */
  file(relativePath: string): SubstrateFile | undefined;
}
