// Finds source files on disk: sorted walk, .gitignore honoured, .catalytic/node_modules/.git skipped.
// With the previous walk's folder records, a folder whose mtime has not changed is not listed again: its files
// are the indexed ones, each still stat'ed (an edit in place changes no folder's mtime). docs/indexer.md,
// "Rebuilding after an edit".
import { type Dirent, type Stats, lstatSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { sha256Hex, sourceFolderProblems } from "@catalytic/core";
import { IgnoreRules } from "./gitignore.js";
import { specialKind } from "./regular-file.js";
import { ALWAYS_SKIPPED, type SourceSettings, sourcesOf } from "./sources.js";

export interface WalkedFile {
  filePath: string;
  size: number;
  mtimeMs: number;
}

export interface SkippedPath {
  path: string;
  reason: string;
}

/** What a walk saw in one folder: enough to walk it again without listing it while its mtime stays. */
export interface FolderRecord {
  folderPath: string;
  /** -1 when the record must not be trusted (changed too recently to tell, or something in it was unreadable). */
  mtimeMs: number;
  /** The .gitignore texts in force inside the folder (its own and its ancestors'). */
  rulesHash: string;
  hasGitignore: boolean;
  /** Subfolders walked into, by name, sorted. */
  children: string[];
  /** What was reported as skipped directly in this folder. */
  skipped: SkippedPath[];
}

/** The previous walk, as the index holds it. */
export interface FolderCache {
  folders: ReadonlyMap<string, FolderRecord>;
  /** Indexed files by folder ("" for the root). */
  filesIn: ReadonlyMap<string, readonly string[]>;
}

export interface WalkResult {
  files: WalkedFile[];
  /** Paths skipped for a reason worth telling (symlinks, unreadable folders, FIFOs, sockets, devices). */
  skipped: SkippedPath[];
}

export interface FolderWalkResult extends WalkResult {
  folders: FolderRecord[];
  /** Folders listed (readdir) and folders taken from their record. */
  foldersRead: number;
  foldersReused: number;
}

/**
 * A folder changed this recently may change again within the same mtime tick without its mtime moving
 * (file systems with 1–2 s timestamps): its record is kept untrusted until a later walk.
 */
const RACY_MS = 2000;

export const SYMLINK_REASON = "symbolic links are not followed (they could lead outside the workspace)";

/** The folder of a relative POSIX path ("" for a file at the root). */
export function folderOf(filePath: string): string {
  const slash = filePath.lastIndexOf("/");
  return slash === -1 ? "" : filePath.slice(0, slash);
}

/** The text of `dir`/.gitignore, or undefined when there is none (or it cannot be read). */
export function readGitignore(dir: string): string | undefined {
  try {
    return readFileSync(path.join(dir, ".gitignore"), "utf8");
  } catch {
    return undefined;
  }
}

function pointsAtDirectory(absolute: string): boolean {
  try {
    return statSync(absolute).isDirectory();
  } catch {
    return false;
  }
}

function byName(a: Dirent, b: Dirent): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

const join = (folder: string, name: string): string => (folder === "" ? name : `${folder}/${name}`);

/** Every file under `root` that a configured source includes, sorted by path. */
export function walkSources(root: string, settings: SourceSettings, cache?: FolderCache): FolderWalkResult {
  const files: WalkedFile[] = [];
  const skipped: SkippedPath[] = sourceFolderProblems(root, settings.sources).map((problem) => ({ path: problem.path, reason: problem.message }));
  const folders: FolderRecord[] = [];
  let foldersRead = 0;
  let foldersReused = 0;

  /** Walks a folder from its record; false (nothing added) when anything in it is not as recorded. */
  const reuse = (record: FolderRecord, rules: IgnoreRules, rulesHash: string, gitignore: string | undefined): boolean => {
    if (record.rulesHash !== rulesHash || record.hasGitignore !== (gitignore !== undefined)) return false;
    const found: WalkedFile[] = [];
    for (const filePath of cache?.filesIn.get(record.folderPath) ?? []) {
      const stat = lstatSync(path.join(root, filePath), { throwIfNoEntry: false });
      if (!stat?.isFile()) return false;
      found.push({ filePath, size: stat.size, mtimeMs: stat.mtimeMs });
    }
    foldersReused++;
    files.push(...found);
    skipped.push(...record.skipped);
    folders.push(record);
    for (const child of record.children) visit(join(record.folderPath, child), rules, rulesHash);
    return true;
  };

  const list = (relativeDir: string, absoluteDir: string, stat: Stats | undefined, scoped: IgnoreRules, rulesHash: string, gitignore: string | undefined): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(absoluteDir, { withFileTypes: true });
    } catch (error) {
      skipped.push({ path: relativeDir || ".", reason: `cannot read folder: ${(error as Error).message}` });
      return;
    }
    foldersRead++;
    entries.sort(byName);
    const record: FolderRecord = {
      folderPath: relativeDir,
      mtimeMs: stat && Date.now() - stat.mtimeMs >= RACY_MS ? stat.mtimeMs : -1,
      rulesHash,
      hasGitignore: gitignore !== undefined,
      children: [],
      skipped: [],
    };
    folders.push(record);
    const skip = (entry: SkippedPath): void => {
      skipped.push(entry);
      record.skipped.push(entry);
    };
    for (const entry of entries) {
      const relative = join(relativeDir, entry.name);
      if (entry.isDirectory()) {
        if (ALWAYS_SKIPPED.has(entry.name) || scoped.ignores(relative, true)) continue;
        record.children.push(entry.name);
        visit(relative, scoped, rulesHash);
      } else if (entry.isFile()) {
        if (scoped.ignores(relative, false) || sourcesOf(settings, relative).length === 0) continue;
        const fileStat = statSync(path.join(root, relative), { throwIfNoEntry: false });
        if (fileStat) files.push({ filePath: relative, size: fileStat.size, mtimeMs: fileStat.mtimeMs }); // else deleted since readdir: gone
      } else if (entry.isSymbolicLink() && !scoped.ignores(relative, false) && (sourcesOf(settings, relative).length > 0 || pointsAtDirectory(path.join(root, relative)))) {
        skip({ path: relative, reason: SYMLINK_REASON });
      } else if (!entry.isSymbolicLink() && !scoped.ignores(relative, false) && sourcesOf(settings, relative).length > 0) {
        // Reading a FIFO blocks until a writer comes; a socket or device is no document.
        skip({ path: relative, reason: `not a regular file (${specialKind(entry)})` });
      }
    }
  };

  const visit = (relativeDir: string, rules: IgnoreRules, parentRulesHash: string): void => {
    const absoluteDir = relativeDir === "" ? root : path.join(root, relativeDir);
    // The folder's mtime is taken before it is listed: a change after that moves it past the recorded one.
    const stat = statSync(absoluteDir, { throwIfNoEntry: false });
    const record = cache?.folders.get(relativeDir);
    const trusted = stat !== undefined && record !== undefined && record.mtimeMs >= 0 && record.mtimeMs === stat.mtimeMs;
    // An unchanged folder without a .gitignore still has none (creating one would have moved its mtime).
    const gitignore = trusted && !record.hasGitignore ? undefined : readGitignore(absoluteDir);
    const scoped = gitignore === undefined ? rules : rules.with(relativeDir, gitignore);
    const rulesHash = gitignore === undefined ? parentRulesHash : sha256Hex(`${parentRulesHash}\n${relativeDir}\n${gitignore}`);
    if (trusted && reuse(record, scoped, rulesHash, gitignore)) return;
    list(relativeDir, absoluteDir, stat, scoped, rulesHash, gitignore);
  };

  visit("", new IgnoreRules(), "");
  // Folder-by-folder order is not global path order ("a/b" vs "a-b"): sort once so nothing depends on it.
  files.sort((a, b) => (a.filePath < b.filePath ? -1 : a.filePath > b.filePath ? 1 : 0));
  return { files, skipped, folders, foldersRead, foldersReused };
}
