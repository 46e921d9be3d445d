// A PlanSubstrate over the indexer's SQLite Index. Read-only: it never builds, never writes the cache.
import { SectionError, SymbolError } from "@catalytic/core";
import { Index, nearest, type SectionRead } from "@catalytic/indexer";
import { workspaceFile } from "./files.js";
import type { PlanSubstrate } from "./substrate.js";

/** Symbols and sections come from `index`; files are stat'ed under `root`. */
export function indexSubstrate(index: Index, root: string): PlanSubstrate {
  return lazyIndexSubstrate(() => index, root);
}

/**
 * Same, opening the index only when a symbol or section is first needed, so requests that only read
 * files or run ops plan without an index. A missing index is CAT_INDEX_MISSING then.
 */
export function workspaceSubstrate(root: string): { substrate: PlanSubstrate; close(): void } {
  let index: Index | undefined;
  const substrate = lazyIndexSubstrate(() => (index ??= Index.open(root, { mustExist: true })), root);
  return { substrate, close: () => index?.close() };
}

function lazyIndexSubstrate(index: () => Index, root: string): PlanSubstrate {
  return {
    symbol(symbolId) {
      const record = index().getSymbol(symbolId);
      if (!record) return undefined;
      if (record.problem && (record.problem.code === "CAT_SYMBOL_DUPLICATE" || record.sectionId === undefined)) {
        throw new SymbolError(record.problem.code, record.problem.message, {
          hint: "run 'catalytic symbols verify' and fix the definition, then 'catalytic build'",
          details: { symbol_id: symbolId },
        });
      }
      const read = index().readSection(record.sectionId as string);
      return {
        symbolId,
        sectionId: read.section.sectionId,
        ...(record.defaultSlice !== undefined ? { defaultSlice: record.defaultSlice } : {}),
        content: read.text,
      };
    },
    suggestSymbols: (symbolId) =>
      nearest(
        symbolId,
        index()
          .listSymbols()
          .map((s) => s.symbolId),
        3,
      ),
    section(sectionId) {
      // One lookup: readSection finds the section itself (a plan of 2,000 reads looked each up twice).
      let read: SectionRead;
      try {
        read = index().readSection(sectionId);
      } catch (error) {
        if (error instanceof SectionError && error.code === "CAT_SECTION_NOT_FOUND") return undefined;
        throw error;
      }
      return { sectionId, filePath: read.section.filePath, content: read.text };
    },
    file: (relativePath) => workspaceFile(root, relativePath),
  };
}
