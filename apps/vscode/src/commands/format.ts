// Pure text of the read-only documents commands open (tested without VS Code).
import type { ResolveSymbolResult } from "@catalytic/core";

/** The read-only editor text: the bounded payload under a comment saying where it came from. */
export function resolvedDocument(result: ResolveSymbolResult): string {
  const header = [
    `<!-- ${result.symbolId} -> ${result.file} lines ${result.lineStart + 1}-${result.lineEnd}${result.headingPath.length > 0 ? ` (${result.headingPath.join(" > ")})` : ""}`,
    `     slice ${result.slice} (${result.sliceSource}), ${result.bytes} bytes, content ${result.contentHash}${result.cacheHit ? ", cache hit" : ""} -->`,
  ];
  return `${header.join("\n")}\n${result.payload}`;
}
