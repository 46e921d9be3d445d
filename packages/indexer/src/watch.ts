// Keeps an index current while files change: one fs.watch (inotify) per walked folder, events coalesced for a
// moment, then a build limited to the named files, or a full build (cheap with folder records) when a folder,
// a .gitignore or the registry changed, or a reopen when catalytic.json changed. docs/indexer.md, "Watching".
import { type FSWatcher, existsSync, lstatSync, watch } from "node:fs";
import path from "node:path";
import { CONFIG_FILE, InputError, SYMBOLS_FILE } from "@catalytic/core";
import type { BuildReport } from "./build.js";
import { indexPath } from "./db.js";
import { hasSkippedSegment } from "./sources.js";
import { Index, type IndexOpenOptions } from "./workspace-index.js";

export type WatchTrigger = "start" | "paths" | "full" | "config";

export interface WatchRebuild {
  trigger: WatchTrigger;
  /** The changed paths the events named (relative, POSIX, sorted). */
  paths: string[];
  report: BuildReport;
  /** From the first event of the batch to the end of its build ("start": the initial build's time). */
  latencyMs: number;
}

export interface WatchOptions {
  /** How long events are gathered before a build (default 30 ms): an editor's save is often several events. */
  debounceMs?: number;
  logger?: IndexOpenOptions["logger"];
  onRebuild(rebuild: WatchRebuild): void;
  /** A build that failed (the watcher goes on, and retries with the next event) or, `fatal`, watching that failed. */
  onError(error: unknown, fatal: boolean): void;
}

export const DEFAULT_WATCH_DEBOUNCE_MS = 30;

/**
 * Whether a changed path (relative, POSIX) needs a full build rather than one limited to the changed files: the
 * registry, a .gitignore (membership of other files) or a folder (its files were never named). A watcher's rule.
 */
export function changeNeedsFullBuild(root: string, changed: string): boolean {
  if (changed === SYMBOLS_FILE || path.posix.basename(changed) === ".gitignore") return true;
  try {
    return lstatSync(path.join(root, changed), { throwIfNoEntry: false })?.isDirectory() === true;
  } catch {
    return false; // unreadable: the path-limited build reports it
  }
}

export class WorkspaceWatcher {
  private index: Index;
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly pending = new Set<string>();
  private firstEventAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    private readonly root: string,
    private readonly options: WatchOptions,
  ) {
    this.index = Index.open(root, options.logger ? { logger: options.logger } : {});
  }

  /** Builds the index in full, then watches every folder the walk entered. */
  static start(root: string, options: WatchOptions): WorkspaceWatcher {
    const watcher = new WorkspaceWatcher(root, options);
    try {
      // Folders known from an earlier build are watched before this one walks: a change during it is not lost.
      // (Without an index.db yet there are none, and asking would create one: the first build writes it whole.)
      if (existsSync(indexPath(root))) watcher.watchFolders();
      const started = performance.now();
      const report = watcher.index.build();
      watcher.recheck(watcher.watchFolders());
      options.onRebuild({ trigger: "start", paths: [], report, latencyMs: performance.now() - started });
      return watcher;
    } catch (error) {
      watcher.close();
      throw error;
    }
  }

  /** The folders watched (relative, POSIX; "" is the root). */
  folders(): string[] {
    return [...this.watchers.keys()].sort();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
    this.index.close();
  }

  /**
   * One watcher per walked folder: folders that appeared get one, folders no longer walked lose theirs.
   * Returns the folders that got one.
   */
  private watchFolders(): string[] {
    const added: string[] = [];
    const wanted = new Set(this.index.walkedFolders());
    for (const [folder, watcher] of this.watchers) {
      if (!wanted.has(folder)) {
        watcher.close();
        this.watchers.delete(folder);
      }
    }
    for (const folder of wanted) {
      if (this.watchers.has(folder)) continue;
      let watcher: FSWatcher;
      try {
        watcher = watch(path.join(this.root, folder), { persistent: true }, (_event, name) => this.onEvent(folder, name?.toString()));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT") continue; // gone since the walk: its parent's event brings a full build
        throw new InputError("CAT_WATCH_FAILED", `cannot watch ${folder || "."}: ${(error as Error).message}`, {
          hint: code === "ENOSPC" ? "raise fs.inotify.max_user_watches (sysctl), or run 'catalytic build' after edits" : "check the folder's permissions",
          details: { folder: folder || "." },
        });
      }
      watcher.on("error", (error) => this.options.onError(new InputError("CAT_WATCH_FAILED", `watching ${folder || "."} failed: ${error.message}`, { hint: "restart 'catalytic watch'" }), true));
      this.watchers.set(folder, watcher);
      added.push(folder);
    }
    return added;
  }

  /** A folder watched only after the walk listed it may have changed in between: walk it once more. */
  private recheck(folders: readonly string[]): void {
    for (const folder of folders) this.onEvent(folder, undefined);
  }

  private onEvent(folder: string, name: string | undefined): void {
    if (this.closed) return;
    // No name: the kernel dropped events (queue overflow), or a folder to walk again; only a full walk can tell.
    const changed = name === undefined ? folder : folder === "" ? name : `${folder}/${name}`;
    if (name !== undefined && hasSkippedSegment(changed)) return;
    if (this.pending.size === 0) this.firstEventAt = performance.now();
    this.pending.add(name === undefined ? `${changed}/` : changed);
    this.timer ??= setTimeout(() => this.flush(), this.options.debounceMs ?? DEFAULT_WATCH_DEBOUNCE_MS);
  }

  private flush(): void {
    this.timer = undefined;
    if (this.closed || this.pending.size === 0) return;
    const paths = [...this.pending].sort();
    const since = this.firstEventAt;
    this.pending.clear();
    const trigger = this.triggerOf(paths);
    try {
      if (trigger === "config") this.reopen();
      const report = this.index.build(trigger === "paths" ? { paths } : {});
      const latencyMs = performance.now() - since;
      if (trigger !== "paths") this.recheck(this.watchFolders());
      this.options.onRebuild({ trigger, paths, report, latencyMs });
    } catch (error) {
      this.options.onError(error, (error as { code?: string }).code === "CAT_WATCH_FAILED");
    }
  }

  private triggerOf(paths: readonly string[]): WatchTrigger {
    if (paths.includes(CONFIG_FILE)) return "config";
    // A trailing "/" marks a folder to walk again; a watched folder may be gone (no lstat can tell it was one).
    const full = paths.some((p) => p.endsWith("/") || this.watchers.has(p) || changeNeedsFullBuild(this.root, p));
    return full ? "full" : "paths";
  }

  /** catalytic.json is read when an index opens: a new one replaces the old only once it opened. */
  private reopen(): void {
    const next = Index.open(this.root, this.options.logger ? { logger: this.options.logger } : {});
    this.index.close();
    this.index = next;
  }
}
