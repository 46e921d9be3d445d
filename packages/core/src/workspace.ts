// Workspace root discovery and path containment.
import { existsSync, realpathSync } from "node:fs";
import path from "node:path";
import { WorkspaceError } from "./errors.js";

export const CONFIG_FILE = "catalytic.json";
export const SYMBOLS_FILE = "catalytic.symbols.json";
export const STATE_DIR = ".catalytic";

/** Nearest folder at or above `start` holding `catalytic.json`, else `.git`, else `start` itself. */
export function findWorkspaceRoot(start: string): string {
  const from = path.resolve(start);
  for (const marker of [CONFIG_FILE, ".git"]) {
    let dir = from;
    for (;;) {
      if (existsSync(path.join(dir, marker))) return dir;
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return from;
}

/** A workspace-relative path in POSIX form (the form stored everywhere). */
export function toPosixRelative(root: string, absolute: string): string {
  return path.relative(root, absolute).split(path.sep).join("/");
}

/**
 * Resolves a workspace-relative path and proves it stays inside the workspace: rejects absolute
 * paths, `..` segments and symlinks (of the file or any parent) that lead outside.
 */
export function resolveInsideWorkspace(root: string, relative: string): string {
  const reject = (why: string): never => {
    throw new WorkspaceError("CAT_PATH_OUTSIDE_WORKSPACE", `${JSON.stringify(relative)} ${why}`, {
      hint: "use a path relative to the workspace root that stays inside it",
      details: { path: relative },
    });
  };
  if (relative.length === 0) reject("is empty");
  if (relative.includes("\0")) reject("contains a NUL byte");
  if (path.isAbsolute(relative) || /^[A-Za-z]:[\\/]/.test(relative)) reject("is absolute");
  if (relative.split(/[\\/]/).includes("..")) reject("contains '..'");
  const realRoot = realpathSync(root);
  const target = path.resolve(realRoot, relative);
  // Walk up to the deepest existing ancestor and check where it really points.
  let probe = target;
  while (!existsSync(probe)) {
    const parent = path.dirname(probe);
    if (parent === probe) break;
    probe = parent;
  }
  const real = realpathSync(probe);
  if (real !== realRoot && !real.startsWith(realRoot + path.sep)) reject("leads outside the workspace through a symlink");
  return target;
}
