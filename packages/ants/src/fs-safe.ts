// Writing inside the workspace only: containment, no symlinks, atomic temp-file-and-rename.
import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync, type Stats } from "node:fs";
import path from "node:path";
import { WorkspaceError, resolveInsideWorkspace } from "@catalytic/core";

export interface WriteTarget {
  absolute: string;
  /** lstat of the current file; undefined when it does not exist. */
  stat: Stats | undefined;
}

/**
 * Resolves a workspace-relative path for writing: rejects `..`, absolute paths and symlinks leading
 * out (CAT_PATH_OUTSIDE_WORKSPACE), and refuses to write through any symlink or over a non-file.
 */
export function writeTarget(root: string, relative: string): WriteTarget {
  const absolute = resolveInsideWorkspace(root, relative);
  const stat = lstatSync(absolute, { throwIfNoEntry: false });
  if (stat?.isSymbolicLink()) {
    throw new WorkspaceError("CAT_PATH_IS_SYMLINK", `${JSON.stringify(relative)} is a symlink; ants never write through symlinks`, {
      hint: "write to the real file's path instead",
      details: { path: relative },
    });
  }
  if (stat && !stat.isFile()) {
    throw new WorkspaceError("CAT_FILE_UNREADABLE", `${JSON.stringify(relative)} exists and is not a regular file`, {
      hint: "remove it or write to another path",
      details: { path: relative },
    });
  }
  return { absolute, stat };
}

/** Creates the missing parent folders of `absolute`; returns those it created, outermost first. */
export function ensureParents(absolute: string): string[] {
  const missing: string[] = [];
  for (let dir = path.dirname(absolute); !lstatSync(dir, { throwIfNoEntry: false }); dir = path.dirname(dir)) missing.unshift(dir);
  if (missing.length > 0) mkdirSync(path.dirname(absolute), { recursive: true });
  return missing;
}

/** Replaces the file atomically: a temp file in the same folder, fsync, rename over the target. */
export function atomicWrite(absolute: string, data: Uint8Array, mode?: number): void {
  const temp = path.join(path.dirname(absolute), `.${path.basename(absolute)}.${process.pid}.${Math.random().toString(36).slice(2)}.catalytic-tmp`);
  const fd = openSync(temp, "wx", mode ?? 0o644);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temp, absolute);
  } catch (error) {
    unlinkSync(temp);
    throw error;
  }
}
