// Finds source files on disk: sorted walk, .gitignore honoured, .catalytic/node_modules/.git skipped.
import { type Dirent, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { sourceFolderProblems } from "@catalytic/core";
import { IgnoreRules } from "./gitignore.js";
import { specialKind } from "./regular-file.js";
import { ALWAYS_SKIPPED, type SourceSettings, sourcesOf } from "./sources.js";

export interface WalkedFile {
  filePath: string;
  size: number;
  mtimeMs: number;
}

export interface WalkResult {
  files: WalkedFile[];
  /** Paths skipped for a reason worth telling (symlinks, unreadable folders, FIFOs, sockets, devices). */
  skipped: Array<{ path: string; reason: string }>;
}

function readGitignore(dir: string): string | undefined {
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

/** Every file under `root` that a configured source includes, sorted by path. */
export function walkSources(root: string, settings: SourceSettings): WalkResult {
  const files: WalkedFile[] = [];
  const skipped: WalkResult["skipped"] = sourceFolderProblems(root, settings.sources).map((problem) => ({ path: problem.path, reason: problem.message }));
  const visit = (relativeDir: string, rules: IgnoreRules): void => {
    const absoluteDir = relativeDir === "" ? root : path.join(root, relativeDir);
    const gitignore = readGitignore(absoluteDir);
    const scoped = gitignore === undefined ? rules : rules.with(relativeDir, gitignore);
    let entries: Dirent[];
    try {
      entries = readdirSync(absoluteDir, { withFileTypes: true });
    } catch (error) {
      skipped.push({ path: relativeDir || ".", reason: `cannot read folder: ${(error as Error).message}` });
      return;
    }
    entries.sort(byName);
    for (const entry of entries) {
      const relative = relativeDir === "" ? entry.name : `${relativeDir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (ALWAYS_SKIPPED.has(entry.name) || scoped.ignores(relative, true)) continue;
        visit(relative, scoped);
      } else if (entry.isFile()) {
        if (scoped.ignores(relative, false) || sourcesOf(settings, relative).length === 0) continue;
        const stat = statSync(path.join(root, relative), { throwIfNoEntry: false });
        if (stat) files.push({ filePath: relative, size: stat.size, mtimeMs: stat.mtimeMs }); // else deleted since readdir: gone
      } else if (entry.isSymbolicLink() && !scoped.ignores(relative, false) && (sourcesOf(settings, relative).length > 0 || pointsAtDirectory(path.join(root, relative)))) {
        skipped.push({ path: relative, reason: "symbolic links are not followed (they could lead outside the workspace)" });
      } else if (!entry.isSymbolicLink() && !scoped.ignores(relative, false) && sourcesOf(settings, relative).length > 0) {
        // Reading a FIFO blocks until a writer comes; a socket or device is no document.
        skipped.push({ path: relative, reason: `not a regular file (${specialKind(entry)})` });
      }
    }
  };
  visit("", new IgnoreRules());
  // Folder-by-folder order is not global path order ("a/b" vs "a-b"): sort once so nothing depends on it.
  files.sort((a, b) => (a.filePath < b.filePath ? -1 : a.filePath > b.filePath ? 1 : 0));
  return { files, skipped };
}
