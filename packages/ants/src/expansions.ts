// The ExpansionSource over the indexer's Index: symbols through the expansion cache, sections directly.
import { sha256Hex } from "@catalytic/core";
import { Index } from "@catalytic/indexer";
import type { Expansion, ExpansionSource } from "./context.js";

export function indexExpansions(index: Index): ExpansionSource {
  return {
    resolveSymbol(symbolId, slice, runId): Expansion {
      const resolved = index.resolve({ symbolId }, { ...(slice !== undefined ? { slice } : {}), runId });
      return {
        sectionId: resolved.section.sectionId,
        filePath: resolved.section.filePath,
        slice: resolved.sliceText,
        payload: resolved.payload,
        payloadHash: resolved.payloadHash,
        bytes: resolved.bytes,
        cacheHit: resolved.cacheHit,
        payloadRef: resolved.payloadRef,
      };
    },
    readSection(sectionId, slice): Expansion {
      const read = index.readSection(sectionId, slice ?? index.config.default_slice);
      return {
        sectionId,
        filePath: read.section.filePath,
        slice: read.sliceText ?? slice ?? index.config.default_slice,
        payload: read.text,
        payloadHash: sha256Hex(read.text),
        bytes: read.bytes,
        cacheHit: false,
      };
    },
  };
}
