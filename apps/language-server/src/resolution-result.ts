// One mapping from an indexer resolution to the `catalytic/resolveSymbol` answer, for both the cached index and the model.
import type { ResolveSymbolResult } from "@catalytic/core";
import type { ResolvedPayload } from "@catalytic/indexer";

export function toResolveSymbolResult(resolved: ResolvedPayload, cacheHit: boolean): ResolveSymbolResult {
  return {
    symbolId: resolved.symbolId,
    sectionId: resolved.section.sectionId,
    file: resolved.section.filePath,
    lineStart: resolved.section.lineStart,
    lineEnd: resolved.section.lineEnd,
    headingPath: resolved.section.headingPath,
    slice: resolved.sliceText,
    sliceSource: resolved.sliceSource,
    contentHash: resolved.contentHash,
    bytes: resolved.bytes,
    payload: resolved.payload,
    cacheHit,
  };
}
