// Race-free file access inside the workspace. Node has no openat(2), so every folder on the way is opened
// with O_NOFOLLOW|O_DIRECTORY relative to the folder before it, and everything after that (read, temp file,
// rename) goes through the folder's handle: on Linux the /proc/self/fd/N/<name> path, which the kernel
// resolves from the open folder whatever its path now names. Where /proc is missing, the folder's path is
// used and checked (device and inode) right before and after the rename. docs/security.md has the residual
// windows.
import { closeSync, constants, existsSync, fstatSync, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync, readlinkSync, realpathSync, renameSync, unlinkSync, writeSync, type Stats } from "node:fs";
import path from "node:path";
import { WorkspaceError, assertWritable, resolveInsideWorkspace } from "@catalytic/core";

const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_DIRECTORY } = constants;
const DIR_FLAGS = O_RDONLY | O_DIRECTORY | O_NOFOLLOW;
const PROC_FD = process.platform === "linux" && existsSync("/proc/self/fd");

/** An open folder of the workspace and the path it had when it was opened (POSIX, relative to the root). */
interface OpenDir {
  fd: number;
  /** Absolute path under the real root, as opened. */
  absolute: string;
  dev: number;
  ino: number;
}

function symlinkError(relative: string): WorkspaceError {
  return new WorkspaceError("CAT_PATH_IS_SYMLINK", `${JSON.stringify(relative)} passes through a symlink; ants never write through symlinks`, {
    hint: "write to the real path instead (no component of it may be a symlink)",
    details: { path: relative },
  });
}

function movedError(relative: string, where: string, written: boolean): WorkspaceError {
  const what = written ? "the file was written into that folder where it is now, not at its path" : "nothing was written";
  return new WorkspaceError("CAT_PATH_OUTSIDE_WORKSPACE", `the folder of ${JSON.stringify(relative)} moved while writing (it is now ${JSON.stringify(where)}): ${what}`, {
    hint: "something renamed or replaced folders of the workspace during the run; check that folder, and re-run when the tree is still",
    details: { path: relative, now: where, written },
  });
}

/** The path syscalls use for `name` inside `dir`: relative to the open folder itself where the OS allows it. */
function entry(dir: OpenDir, name: string): string {
  return PROC_FD ? `/proc/self/fd/${dir.fd}/${name}` : path.join(dir.absolute, name);
}

/** Where the open folder is now (Linux: what the kernel says; elsewhere: its path, if it is still the same folder). */
function currentLocation(dir: OpenDir): string {
  if (PROC_FD) return readlinkSync(`/proc/self/fd/${dir.fd}`);
  const stat = lstatSync(dir.absolute, { throwIfNoEntry: false });
  if (!stat?.isDirectory() || stat.dev !== dir.dev || stat.ino !== dir.ino) return "(replaced)";
  return realpathSync(dir.absolute);
}

function openChild(parent: OpenDir, name: string): OpenDir {
  const fd = openSync(entry(parent, name), DIR_FLAGS);
  const stat = fstatSync(fd);
  return { fd, absolute: path.join(parent.absolute, name), dev: stat.dev, ino: stat.ino };
}

/**
 * Opens the folder holding the last of `segments`, each folder O_NOFOLLOW|O_DIRECTORY relative to the one before,
 * starting at the real root. With `createParents`, missing folders are made in the open parent (listed in `created`).
 */
function openFolderOf(realRoot: string, segments: string[], relative: string, createParents: boolean): { dir: OpenDir; name: string; created: string[] } {
  const folders = segments.slice(0, -1);
  const rootFd = openSync(realRoot, O_RDONLY | O_DIRECTORY);
  const rootStat = fstatSync(rootFd);
  let dir: OpenDir = { fd: rootFd, absolute: realRoot, dev: rootStat.dev, ino: rootStat.ino };
  const created: string[] = [];
  try {
    for (const [depth, segment] of folders.entries()) {
      let next: OpenDir;
      try {
        next = openChild(dir, segment);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT" && createParents) {
          try {
            mkdirSync(entry(dir, segment));
            created.push(folders.slice(0, depth + 1).join("/"));
          } catch (mkdirError) {
            if ((mkdirError as NodeJS.ErrnoException).code !== "EEXIST") throw mkdirError;
          }
          next = openChild(dir, segment);
        } else if (code === "ENOTDIR" || code === "ELOOP") {
          // A symlink (O_NOFOLLOW refused it), unless it is plainly a file; one that vanished since was a swap in progress.
          if (!lstatSync(entry(dir, segment), { throwIfNoEntry: false })?.isFile()) throw symlinkError(relative);
          throw new WorkspaceError("CAT_FILE_UNWRITABLE", `${JSON.stringify(relative)}: ${segment} is not a folder`, {
            hint: "use a path whose folders are folders",
            details: { path: relative },
          });
        } else {
          throw error;
        }
      }
      closeSync(dir.fd);
      dir = next;
    }
  } catch (error) {
    closeSync(dir.fd);
    throw error;
  }
  return { dir, name: segments[segments.length - 1] as string, created };
}

/**
 * Opens a workspace file for reading without a check-then-use race: symlinks inside the workspace are resolved
 * first (the containment check), then the real path is walked with O_NOFOLLOW, so a folder swapped in between
 * fails the read instead of reading outside. The caller closes the returned descriptor.
 */
export function openForRead(root: string, relative: string): { fd: number; stat: Stats } {
  const absolute = resolveInsideWorkspace(root, relative);
  const realRoot = realpathSync(root);
  const inside = path.relative(realRoot, realpathSync(absolute));
  if (inside.startsWith("..") || path.isAbsolute(inside)) {
    throw new WorkspaceError("CAT_PATH_OUTSIDE_WORKSPACE", `${JSON.stringify(relative)} leads outside the workspace through a symlink`, {
      hint: "use a path relative to the workspace root that stays inside it",
      details: { path: relative },
    });
  }
  const { dir, name } = openFolderOf(realRoot, inside.split(path.sep), relative, false);
  let fd: number;
  try {
    fd = openSync(entry(dir, name), O_RDONLY | O_NOFOLLOW);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ELOOP") throw symlinkError(relative);
    throw error;
  } finally {
    closeSync(dir.fd);
  }
  return { fd, stat: fstatSync(fd) };
}

/** A workspace file opened for writing: its folder is held open, the file itself is only named. */
export class WriteTarget {
  private closed = false;

  private constructor(
    /** Workspace-relative path as the step named it. */
    readonly relative: string,
    private readonly dir: OpenDir,
    private readonly name: string,
    /** lstat of the file when it was opened; undefined when it does not exist. */
    readonly stat: Stats | undefined,
    /** Folders created to reach it, outermost first (workspace-relative, POSIX). */
    readonly createdDirs: string[],
  ) {}

  /**
   * Opens the folder of `relative` for writing: inside the workspace (CAT_PATH_OUTSIDE_WORKSPACE), not a
   * protected path (CAT_PATH_PROTECTED), no symlink in any component (CAT_PATH_IS_SYMLINK), not over a folder.
   * With `createParents`, missing folders are made, each relative to the open folder before it.
   */
  static open(root: string, relative: string, options: { createParents: boolean; protectedPaths?: readonly string[] }): WriteTarget {
    // The protection rule first, as the planner does: `a/../.git/x` is named for what it aims at.
    assertWritable(relative, options.protectedPaths);
    resolveInsideWorkspace(root, relative);
    const segments = path.posix.normalize(relative.replace(/\\/g, "/")).split("/").filter((s) => s !== "" && s !== ".");
    const { dir, name, created } = openFolderOf(realpathSync(root), segments, relative, options.createParents);
    try {
      const stat = lstatSync(entry(dir, name), { throwIfNoEntry: false });
      if (stat?.isSymbolicLink()) throw symlinkError(relative);
      if (stat && !stat.isFile()) {
        throw new WorkspaceError("CAT_FILE_UNREADABLE", `${JSON.stringify(relative)} exists and is not a regular file`, {
          hint: "remove it or write to another path",
          details: { path: relative },
        });
      }
      return new WriteTarget(relative, dir, name, stat, created);
    } catch (error) {
      closeSync(dir.fd);
      throw error;
    }
  }

  /** The file's bytes now, read without following a symlink; undefined when it does not exist. */
  read(): Buffer | undefined {
    let fd: number;
    try {
      fd = openSync(entry(this.dir, this.name), O_RDONLY | O_NOFOLLOW);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return undefined;
      if (code === "ELOOP") throw symlinkError(this.relative);
      throw error;
    }
    try {
      if (!fstatSync(fd).isFile()) throw new WorkspaceError("CAT_FILE_UNREADABLE", `${JSON.stringify(this.relative)} is not a regular file`, { hint: "read a file" });
      return readFileSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** Throws unless the open folder is still where it was opened (nothing renamed or swapped it). */
  private checkInPlace(written: boolean): void {
    const where = currentLocation(this.dir);
    if (where !== this.dir.absolute) throw movedError(this.relative, where, written);
  }

  /**
   * Replaces the file atomically: a temp file created (O_EXCL|O_NOFOLLOW) inside the open folder, fsync, and a
   * rename inside that same folder. Checked before and after the rename that the folder is still where it was
   * opened; a folder moved in between is a failure, never a success.
   */
  replace(data: Uint8Array, mode?: number): void {
    const temp = `.${this.name.slice(0, 100)}.${process.pid}.${Math.random().toString(36).slice(2)}.catalytic-tmp`;
    const fd = openSync(entry(this.dir, temp), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode ?? 0o644);
    let open = true;
    try {
      for (let done = 0; done < data.length; ) done += writeSync(fd, data, done);
      fsyncSync(fd);
      closeSync(fd);
      open = false;
      this.checkInPlace(false);
      renameSync(entry(this.dir, temp), entry(this.dir, this.name));
    } catch (error) {
      if (open) closeSync(fd);
      unlinkSync(entry(this.dir, temp));
      throw error;
    }
    this.checkInPlace(true);
  }

  /** Deletes the file (restore of a file the run created). */
  remove(): void {
    this.checkInPlace(false);
    unlinkSync(entry(this.dir, this.name));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.dir.fd);
  }
}

/** Opens `relative` for writing, runs `fn`, and always closes the folder handle. */
export function withWriteTarget<T>(root: string, relative: string, options: { createParents: boolean; protectedPaths?: readonly string[] }, fn: (target: WriteTarget) => T): T {
  const target = WriteTarget.open(root, relative, options);
  try {
    return fn(target);
  } finally {
    target.close();
  }
}
