// Rules and errors shared by in-memory resolution (WorkspaceModel) and cached resolution (Index), so
// both choose the same slice and fail with the same codes, messages and hints.
import { type ErrorCode, type Slice, SectionError, SymbolError, parseSlice } from "@catalytic/core";
import type { SliceSource } from "./model-types.js";

/** The slice a resolution applies: explicit, else the symbol's default, else the configured bound. */
export function chooseSlice(
  explicit: string | Slice | undefined,
  symbolDefault: string | undefined,
  configDefault: string,
): { slice: Slice; sliceSource: SliceSource } {
  if (explicit !== undefined) return { slice: typeof explicit === "string" ? parseSlice(explicit) : explicit, sliceSource: "explicit" };
  if (symbolDefault !== undefined) return { slice: parseSlice(symbolDefault), sliceSource: "symbol_default" };
  return { slice: parseSlice(configDefault), sliceSource: "config_default" };
}

export function hintFor(code: string): string {
  switch (code) {
    case "CAT_SYMBOL_DUPLICATE":
      return "keep one definition: remove the others from catalytic.symbols.json or the front matter";
    case "CAT_SYMBOL_STALE":
      return "the pinned section changed; re-pin it with 'catalytic symbols add --section <new id>' or point the symbol at a heading";
    case "CAT_HEADING_NOT_FOUND":
      return 'fix the heading path ("Heading > Sub") to match a heading in the target file';
    case "CAT_FILE_NOT_FOUND":
      return "fix the target path, or add the file to a source in catalytic.json and run 'catalytic build'";
    default:
      return "run 'catalytic symbols verify' for details";
  }
}

/** CAT_SYMBOL_UNKNOWN with "did you mean" suggestions in the hint and the details. */
export function unknownSymbolError(symbolId: string, suggestions: readonly string[]): SymbolError {
  return new SymbolError("CAT_SYMBOL_UNKNOWN", `unknown symbol ${symbolId}`, {
    hint: suggestions.length
      ? `did you mean ${suggestions.join(", ")}?`
      : "no similar symbol exists; 'catalytic symbols list' shows every symbol, 'catalytic symbols add' defines one",
    details: { symbolId, suggestions: [...suggestions] },
  });
}

/** A known symbol that cannot resolve (duplicate, stale pin, missing target, invalid definition). */
export function unresolvableError(symbolId: string, code: string, message: string): SymbolError {
  return new SymbolError(code as ErrorCode, message, { hint: hintFor(code), details: { symbolId } });
}

/** `#slug` names no heading of the target file. */
export function slugNotFoundError(symbolId: string, file: string, slug: string, slugs: readonly string[]): SectionError {
  return new SectionError("CAT_HEADING_NOT_FOUND", `${file} has no heading with slug #${slug} (for ${symbolId}#${slug})`, {
    hint: slugs.length ? `use one of: ${slugs.slice(0, 8).map((s) => `#${s}`).join(", ")}` : `${file} has no headings; drop the #slug`,
    details: { symbolId, slug, file },
  });
}
