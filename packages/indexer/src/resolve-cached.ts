// Resolution over index.db with the expansion cache (docs/indexer.md "Resolution and the bound"): validate symbol -> section ->
// validate slice -> section content hash -> cache lookup -> HIT: stored payload / MISS: expand, store.
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { type CatalyticConfig, type Slice, WorkspaceError, applySlice, contentHash, formatSlice, parseReference, sha256Hex } from "@catalytic/core";
import { casRef, readCas, writeCas } from "./cas.js";
import { linesOf } from "./extract.js";
import type { ResolveRequest, ResolvedPayload } from "./model-types.js";
import { type SectionRow, sectionFromRow } from "./rows.js";
import { chooseSlice, slugNotFoundError, unknownSymbolError, unresolvableError } from "./resolution.js";
import * as expansionSql from "./sql/expansions.js";
import * as fileSql from "./sql/files.js";
import * as sectionSql from "./sql/sections.js";
import * as symbolSql from "./sql/symbols.js";
import type { Statements } from "./statements.js";
import { nearest } from "./suggest.js";

export const DEFAULT_RUN_ID = "default";

export interface ResolveOptions {
  /** Overrides a slice written in the reference. */
  slice?: string | Slice;
  runId?: string;
  /** false: resolve without writing the CAS or the expansion cache (a bundle records its items only once it fits). */
  store?: boolean;
}

/** A resolution through index.db: the payload plus where the expansion cache keeps it. */
export interface CachedResolution extends ResolvedPayload {
  /** Cache key's symbol part: the id, plus `#slug` when a heading was named. */
  reference: string;
  runId: string;
  /** `cas/ab/cd/<payloadHash>` under .catalytic/. */
  payloadRef: string;
  cacheHit: boolean;
}

interface SymbolRow {
  symbol_id: string;
  default_slice: string | null;
  section_row: number | null;
  problem_code: string | null;
  problem_message: string | null;
}

function toRequest(ref: string | ResolveRequest): ResolveRequest {
  if (typeof ref !== "string") return ref;
  const parts = parseReference(ref);
  return { symbolId: parts.symbolId, ...(parts.slug !== undefined ? { slug: parts.slug } : {}), ...(parts.slice !== undefined ? { slice: parts.slice } : {}) };
}

function staleError(filePath: string, why: string): WorkspaceError {
  return new WorkspaceError("CAT_INDEX_STALE", `${filePath} ${why} since the last build`, {
    hint: "run 'catalytic build' to re-index, then try again",
    details: { file: filePath },
  });
}

export function resolveCached(
  statements: Statements,
  root: string,
  config: CatalyticConfig,
  ref: string | ResolveRequest,
  options: ResolveOptions = {},
): CachedResolution {
  const request = toRequest(ref);
  const runId = options.runId ?? DEFAULT_RUN_ID;
  const symbol = statements.get(symbolSql.SELECT_SYMBOL).get(request.symbolId) as SymbolRow | undefined;
  if (!symbol) throw unknownSymbolError(request.symbolId, nearest(request.symbolId, statements.get(symbolSql.SELECT_SYMBOL_IDS).pluck().all() as string[], 3));
  if (symbol.section_row === null || symbol.problem_code === "CAT_SYMBOL_DUPLICATE") {
    throw unresolvableError(request.symbolId, symbol.problem_code ?? "CAT_SYMBOL_UNKNOWN", symbol.problem_message ?? `${request.symbolId} does not resolve to a section`);
  }
  let row = statements.get(sectionSql.SELECT_SECTION_BY_ROW).get(symbol.section_row) as SectionRow;
  if (request.slug !== undefined) {
    const bySlug = statements.get(sectionSql.SELECT_SECTION_BY_SLUG).get(row.file_path, request.slug) as SectionRow | undefined;
    if (!bySlug) {
      const slugs = statements.get(sectionSql.SELECT_SLUGS_OF_FILE).pluck().all(row.file_path) as string[];
      throw slugNotFoundError(request.symbolId, row.file_path, request.slug, slugs);
    }
    row = bySlug;
  }

  const { slice, sliceSource } = chooseSlice(options.slice ?? request.slice, symbol.default_slice ?? undefined, config.default_slice);
  const sliceText = formatSlice(slice);
  const reference = request.slug !== undefined ? `${request.symbolId}#${request.slug}` : request.symbolId;

  const indexed = statements.get(fileSql.SELECT_FILE_STAT).get(row.file_path) as { size: number; mtime_ms: number };
  let stat: { size: number; mtimeMs: number };
  try {
    stat = statSync(path.join(root, row.file_path));
  } catch {
    throw staleError(row.file_path, "was deleted");
  }
  if (stat.size !== indexed.size || stat.mtimeMs !== indexed.mtime_ms) throw staleError(row.file_path, "changed");

  const section = sectionFromRow(row);
  const base = { symbolId: request.symbolId, reference, runId, section, slice, sliceText, sliceSource, contentHash: row.content_hash };
  const hit = statements.get(expansionSql.SELECT_EXPANSION).get(runId, reference, sliceText, row.content_hash) as
    | { payload_hash: string; bytes_expanded: number }
    | undefined;
  if (hit) {
    const payload = readCas(root, hit.payload_hash);
    if (payload !== undefined) {
      return { ...base, payload, payloadHash: hit.payload_hash, payloadRef: casRef(hit.payload_hash), bytes: hit.bytes_expanded, cacheHit: true };
    }
  }
  const text = linesOf(readText(root, row.file_path), row.line_start, row.line_end);
  if (contentHash(text) !== row.content_hash) throw staleError(row.file_path, "changed");
  const payload = applySlice(text, slice);
  const store = options.store !== false;
  const payloadHash = store ? writeCas(root, payload, sha256Hex(payload)) : sha256Hex(payload);
  const bytes = Buffer.byteLength(payload, "utf8");
  if (!hit && store) {
    statements
      .get(expansionSql.INSERT_EXPANSION)
      .run(runId, reference, sliceText, row.section_id, row.content_hash, payloadHash, bytes, new Date().toISOString());
  }
  return { ...base, payload, payloadHash, payloadRef: casRef(payloadHash), bytes, cacheHit: false };
}

function readText(root: string, filePath: string): string {
  try {
    return readFileSync(path.join(root, filePath), "utf8");
  } catch {
    throw staleError(filePath, "was deleted");
  }
}
