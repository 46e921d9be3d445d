// verify's comparison (docs/indexer.md "Performance"): every indexed file is extracted afresh in memory and its
// sections compared with the stored ones, keyed by (section id, line start, kind).
import { readFileSync } from "node:fs";
import path from "node:path";
import { indexHash } from "@catalytic/core";
import { extractSections } from "./extract.js";
import * as sectionSql from "./sql/sections.js";
import type { Statements } from "./statements.js";

export interface VerifyDifference {
  side: "index" | "fresh";
  sectionId: string;
  filePath: string;
  lineStart: number;
  lineEnd: number;
}

/** [file_path, key, line_end]; key and line_end are null for a file without sections. */
type PlaceRow = [string, string | null, number | null];

/** The comparison key; built by SQL for stored sections (sql/sections.ts), the same way here for fresh ones. */
const keyOf = (sectionId: string, lineStart: number, kind: string): string => `${sectionId}:${lineStart}:${kind}`;

/** A stored section the fresh extraction lacks. The key is read from its end: kind and line have no ":". */
function indexSide(filePath: string, key: string, lineEnd: number): VerifyDifference {
  const kindAt = key.lastIndexOf(":");
  const lineAt = key.lastIndexOf(":", kindAt - 1);
  return { side: "index", sectionId: key.slice(0, lineAt), filePath, lineStart: Number(key.slice(lineAt + 1, kindAt)), lineEnd };
}

/**
 * The differences between the stored sections and a fresh extraction of every indexed file, and the index hash of
 * the fresh section ids. One streamed query hands over every file with its sections' keys, grouped by file, so
 * each file is compared and forgotten before the next is read (rows die young: no map of the whole index).
 */
export function compareWithFresh(statements: Statements, root: string): { differences: VerifyDifference[]; freshHash: string } {
  const indexOnly: VerifyDifference[] = [];
  const freshOnly: VerifyDifference[] = [];
  const freshIds = new Set<string>();
  const stored = new Map<string, number>(); // key -> line end, of the current file's stored sections
  const seen = new Set<string>();
  const compare = (filePath: string): void => {
    seen.clear();
    for (const s of extractSections(filePath, readFileSync(path.join(root, filePath), "utf8"))) {
      freshIds.add(s.sectionId);
      const key = keyOf(s.sectionId, s.lineStart, s.kind);
      if (seen.has(key)) continue;
      seen.add(key);
      if (!stored.delete(key)) freshOnly.push({ side: "fresh", sectionId: s.sectionId, filePath: s.filePath, lineStart: s.lineStart, lineEnd: s.lineEnd });
    }
    for (const [key, lineEnd] of stored) indexOnly.push(indexSide(filePath, key, lineEnd));
    stored.clear();
  };
  let current: string | undefined;
  for (const [filePath, key, lineEnd] of statements.get(sectionSql.SELECT_FILES_WITH_PLACES).raw().iterate() as Iterable<PlaceRow>) {
    if (filePath !== current) {
      if (current !== undefined) compare(current);
      current = filePath;
    }
    if (key !== null) stored.set(key, lineEnd as number);
  }
  if (current !== undefined) compare(current);
  // Sections whose file has no row (possible only when foreign keys were off while writing): never fresh.
  for (const [filePath, key, lineEnd] of statements.get(sectionSql.SELECT_ORPHAN_PLACES).raw().iterate() as Iterable<PlaceRow>) {
    indexOnly.push(indexSide(filePath, key as string, lineEnd as number));
  }
  const differences = [...indexOnly, ...freshOnly];
  differences.sort((a, b) => (a.filePath < b.filePath ? -1 : a.filePath > b.filePath ? 1 : a.lineStart - b.lineStart));
  return { differences, freshHash: indexHash(freshIds) };
}
