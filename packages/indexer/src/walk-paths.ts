// Re-checks only the files a watcher (or the caller) names, instead of walking every folder: one-file
// rebuilds of a large workspace then cost a few stats, not one per file (docs/indexer.md, "Rebuilding
// named files"). Membership follows walkSources exactly: sources and excludes, nested .gitignore files,
// always-skipped folders, and no symbolic link (of the file or a folder above it) is followed.
import { type Stats, lstatSync } from "node:fs";
import path from "node:path";
import { IgnoreRules } from "./gitignore.js";
import { ALWAYS_SKIPPED, type SourceSettings, sourcesOf } from "./sources.js";
import { SYMLINK_REASON, type WalkResult, type WalkedFile, folderOf, readGitignore } from "./walk.js";

/**
 * The named files (POSIX, relative to `root`, already checked to stay inside it) that a full walk would
 * index, with size and mtime. A named file that is missing, ignored or not a source is simply absent, so a
 * build drops it from the index if it was there.
 */
export function statPaths(root: string, settings: SourceSettings, paths: readonly string[]): WalkResult {
  const files: WalkedFile[] = [];
  const skipped: WalkResult["skipped"] = [];
  const rulesOf = new Map<string, IgnoreRules | undefined>(); // folder -> rules in force inside it (undefined: not walked)
  const lstat = (relative: string): Stats | undefined => lstatSync(path.join(root, relative), { throwIfNoEntry: false });
  const folderRules = (folder: string): IgnoreRules | undefined => {
    if (rulesOf.has(folder)) return rulesOf.get(folder);
    let rules: IgnoreRules | undefined;
    if (folder === "") {
      rules = withGitignore(root, "", new IgnoreRules());
    } else {
      const parentRules = folderRules(folderOf(folder));
      const name = path.posix.basename(folder);
      const walked = parentRules !== undefined && !ALWAYS_SKIPPED.has(name) && lstat(folder)?.isDirectory() === true && !parentRules.ignores(folder, true);
      rules = walked ? withGitignore(root, folder, parentRules) : undefined;
    }
    rulesOf.set(folder, rules);
    return rules;
  };
  for (const filePath of [...new Set(paths)].sort()) {
    const rules = folderRules(folderOf(filePath));
    if (rules === undefined || rules.ignores(filePath, false) || sourcesOf(settings, filePath).length === 0) continue;
    const stat = lstat(filePath);
    if (stat?.isFile()) files.push({ filePath, size: stat.size, mtimeMs: stat.mtimeMs });
    else if (stat?.isSymbolicLink()) skipped.push({ path: filePath, reason: SYMLINK_REASON });
  }
  return { files, skipped };
}

function withGitignore(root: string, folder: string, rules: IgnoreRules): IgnoreRules {
  const text = readGitignore(path.join(root, folder));
  return text === undefined ? rules : rules.with(folder, text);
}
