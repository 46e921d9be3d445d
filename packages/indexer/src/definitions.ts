// Where symbol definitions come from: registry entries, a file's front matter, and namespace sources.
// Shared by the in-memory model and the SQLite symbol sync so both derive exactly the same set.
import { SYMBOLS_FILE } from "@catalytic/core";
import type { FrontMatterSymbol } from "./front-matter.js";
import type { ModelProblem, SymbolDefinition } from "./model-types.js";
import type { RegistryEntry } from "./registry.js";
import { type SourceSettings, namespaceSymbols } from "./sources.js";

export interface DefinitionWithId extends SymbolDefinition {
  symbolId: string;
}

const ORIGIN_ORDER = { registry: 0, "front-matter": 1, namespace: 2 } as const;

/** Registry first, then front matter, then namespace; by file and line within each. */
export function compareDefinitions(a: SymbolDefinition, b: SymbolDefinition): number {
  return ORIGIN_ORDER[a.origin] - ORIGIN_ORDER[b.origin] || (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line);
}

export function originRank(origin: SymbolDefinition["origin"]): number {
  return ORIGIN_ORDER[origin];
}

export function registryDefinitions(entries: readonly RegistryEntry[]): DefinitionWithId[] {
  return entries.map((entry) => ({
    symbolId: entry.symbolId,
    origin: "registry",
    file: SYMBOLS_FILE,
    line: entry.line,
    targetType: entry.targetType,
    targetRef: entry.targetRef,
    ...(entry.defaultSlice !== undefined ? { defaultSlice: entry.defaultSlice } : {}),
  }));
}

/** Definitions a file carries (front matter, namespace) and the problems of names that cannot be symbols. */
export function fileDefinitions(
  settings: SourceSettings,
  filePath: string,
  frontMatterSymbols: readonly FrontMatterSymbol[],
): { definitions: DefinitionWithId[]; problems: ModelProblem[] } {
  const definitions: DefinitionWithId[] = frontMatterSymbols.map((symbol) => ({
    symbolId: symbol.symbolId,
    origin: "front-matter",
    file: filePath,
    line: symbol.line,
    character: symbol.character,
    targetType: symbol.headingPath.length === 0 ? "FILE" : "HEADING",
    targetRef: symbol.headingPath.length === 0 ? filePath : `${filePath}#${symbol.headingPath.join(" > ")}`,
  }));
  const problems: ModelProblem[] = [];
  for (const ns of namespaceSymbols(settings, filePath)) {
    if (ns.valid) {
      definitions.push({ symbolId: ns.symbolId, origin: "namespace", file: filePath, line: 0, character: 0, targetType: "FILE", targetRef: filePath });
    } else {
      problems.push({
        code: "CAT_SYMBOL_INVALID",
        message: `${filePath} cannot get a namespace symbol: ${ns.symbolId} is not a valid symbol id (names use [A-Za-z0-9_.-] and do not end in . or -)`,
        file: filePath,
        line: 0,
        symbolId: ns.symbolId,
      });
    }
  }
  return { definitions, problems };
}

/** Strips the id from a definition (the stored and reported shape). */
export function withoutId(definition: DefinitionWithId): SymbolDefinition {
  const { symbolId: _id, ...rest } = definition;
  return rest;
}

/** A duplicate definition is reported at every place it is defined (`at`). */
export function duplicateProblem(symbolId: string, definitions: readonly SymbolDefinition[], at: SymbolDefinition): ModelProblem {
  const places = definitions.map((d) => `${d.file}:${d.line + 1} (${d.origin})`).join(", ");
  return {
    code: "CAT_SYMBOL_DUPLICATE",
    message: `${symbolId} is defined ${definitions.length} times: ${places}`,
    file: at.file,
    line: at.line,
    ...(at.character !== undefined ? { character: at.character } : {}),
    symbolId,
  };
}
