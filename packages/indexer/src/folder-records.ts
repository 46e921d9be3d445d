// The folders table: the walk's per-folder records (walk.ts), read before a full walk and written after it.
// A record is only trusted together with the walk settings it was made under (`walk_fingerprint` in meta).
import { hashCanonical } from "@catalytic/core";
import type { Db } from "./db.js";
import { readMeta, writeMeta } from "./db.js";
import type { SourceSettings } from "./sources.js";
import { ALWAYS_SKIPPED } from "./sources.js";
import * as folderSql from "./sql/folders.js";
import type { Statements } from "./statements.js";
import { type FolderCache, type FolderRecord, folderOf } from "./walk.js";

/** Bumped when what a walk includes changes in code (not in settings), so older records are not trusted. */
const WALK_RULES_VERSION = 1;

interface FolderRow {
  folder_path: string;
  mtime_ms: number;
  rules_hash: string;
  has_gitignore: number;
  children: string;
  skipped: string;
}

function walkFingerprint(settings: SourceSettings): string {
  return hashCanonical({ version: WALK_RULES_VERSION, sources: settings.sources, exclude: settings.exclude, alwaysSkipped: [...ALWAYS_SKIPPED].sort() });
}

/** The previous walk's records, or undefined when they were made under other settings (or never). */
export function loadFolderCache(db: Db, statements: Statements, settings: SourceSettings, indexedFiles: Iterable<string>): FolderCache | undefined {
  if (readMeta(db, "walk_fingerprint") !== walkFingerprint(settings)) return undefined;
  const folders = new Map<string, FolderRecord>();
  for (const row of statements.get(folderSql.SELECT_FOLDERS).all() as FolderRow[]) {
    folders.set(row.folder_path, {
      folderPath: row.folder_path,
      mtimeMs: row.mtime_ms,
      rulesHash: row.rules_hash,
      hasGitignore: row.has_gitignore === 1,
      children: JSON.parse(row.children) as string[],
      skipped: JSON.parse(row.skipped) as FolderRecord["skipped"],
    });
  }
  const filesIn = new Map<string, string[]>();
  for (const filePath of indexedFiles) {
    const folder = folderOf(filePath);
    const list = filesIn.get(folder);
    if (list) list.push(filePath);
    else filesIn.set(folder, [filePath]);
  }
  return { folders, filesIn };
}

/**
 * Stores a full walk's records (only those that differ from `cache`), dropping folders no longer walked.
 * Folders named in `distrusted` (a file in them could not be read) are stored untrusted.
 */
export function saveFolderRecords(
  db: Db,
  statements: Statements,
  settings: SourceSettings,
  cache: FolderCache | undefined,
  records: readonly FolderRecord[],
  distrusted: ReadonlySet<string>,
): void {
  if (!cache) statements.get(folderSql.DELETE_ALL_FOLDERS).run();
  const upsert = statements.get(folderSql.UPSERT_FOLDER);
  const walked = new Set<string>();
  for (const record of records) {
    walked.add(record.folderPath);
    const mtimeMs = distrusted.has(record.folderPath) ? -1 : record.mtimeMs;
    const previous = cache?.folders.get(record.folderPath);
    if (previous === record && mtimeMs === record.mtimeMs) continue; // reused as it was
    upsert.run(record.folderPath, mtimeMs, record.rulesHash, record.hasGitignore ? 1 : 0, JSON.stringify(record.children), JSON.stringify(record.skipped));
  }
  if (cache) {
    const remove = statements.get(folderSql.DELETE_FOLDER);
    for (const folderPath of cache.folders.keys()) if (!walked.has(folderPath)) remove.run(folderPath);
  }
  // With a cache the stored fingerprint is this one already: a build that changed nothing writes nothing.
  if (!cache) writeMeta(db, "walk_fingerprint", walkFingerprint(settings));
}

/** After a build limited to named files: a folder where one of them could not be read is listed again next time. */
export function distrustFolders(statements: Statements, folderPaths: Iterable<string>): void {
  const distrust = statements.get(folderSql.DISTRUST_FOLDER);
  for (const folderPath of folderPaths) distrust.run(folderPath);
}
