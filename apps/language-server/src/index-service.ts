// The SQLite index (.catalytic/index.db) next to the in-memory model: built by a short-lived child process (in
// full, or for the files the watcher reported), one build at a time, used for cached resolution and bundles.
// Any failure (locked, corrupt, read-only) leaves the server memory-only with a warning: hover, definition and
// diagnostics never depend on it.
import { existsSync } from "node:fs";
import path from "node:path";
import { type ChildProcess, fork } from "node:child_process";
import {
  CatalyticError,
  WorkspaceError,
  toCatalyticError,
  type BundleResult,
  type Logger,
  type ResolveSymbolParams,
  type ResolveSymbolResult,
  type TokenCounter,
} from "@catalytic/core";
import { type BundleRequest, Index, buildBundle, indexPath, renderBundleMarkdown } from "@catalytic/indexer";
import type { IndexWorkerMessage, IndexWorkerRequest } from "./index-worker.js";
import { toResolveSymbolResult } from "./resolution-result.js";

export type IndexSummary = NonNullable<IndexWorkerMessage["summary"]>;

/** How long file events gather before a path-limited build runs (a save often comes as several events). */
const UPDATE_DEBOUNCE_MS = 50;

export class IndexService {
  private index: Index | undefined;
  /** A full build asked for and not started yet: later requests share it (one started already may predate a change). */
  private queuedFull: Promise<IndexSummary | undefined> | undefined;
  /** Builds run one at a time, in the order asked (full builds and path-limited updates alike). */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly changedPaths = new Set<string>();
  /** The index process of the build under way. */
  private running: ChildProcess | undefined;
  private closed = false;
  private updateTimer: NodeJS.Timeout | undefined;
  /** Set when the database cannot be used: the server runs from memory only. */
  memoryOnlyReason: string | undefined;
  lastSummary: IndexSummary | undefined;
  /** Builds run so far, full and path-limited (reported in the log). */
  readonly builds = { full: 0, paths: 0 };

  constructor(
    private readonly root: string,
    private readonly workerFile: string,
    private readonly logger: Logger,
    /** After a path-limited update (full builds are awaited by whoever asked for them). */
    private readonly onUpdated: () => void = () => undefined,
  ) {}

  /** Builds the SQLite index in full in a child process; resolves undefined (with a warning) when it cannot. */
  build(onProgress?: (done: number, total: number, phase: string) => void): Promise<IndexSummary | undefined> {
    this.queuedFull ??= this.enqueue(() => {
      this.queuedFull = undefined;
      return this.runWorker(undefined, onProgress);
    });
    return this.queuedFull;
  }

  /**
   * Source files changed on disk (watcher): once events settle, index.db re-checks only these files (the
   * indexer's path-limited build), after any build already running. No index.db: nothing to keep fresh.
   */
  update(paths: readonly string[]): void {
    for (const file of paths) this.changedPaths.add(file);
    if (this.updateTimer) clearTimeout(this.updateTimer);
    this.updateTimer = setTimeout(() => {
      this.updateTimer = undefined;
      const named = [...this.changedPaths].sort();
      this.changedPaths.clear();
      if (named.length === 0 || !existsSync(indexPath(this.root))) return;
      void this.enqueue(() => this.runWorker(named));
    }, UPDATE_DEBOUNCE_MS);
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private runWorker(paths: string[] | undefined, onProgress?: (done: number, total: number, phase: string) => void): Promise<IndexSummary | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    if (!existsSync(this.workerFile)) {
      this.memoryOnlyReason = `index worker ${path.basename(this.workerFile)} is missing`;
      this.logger.warn(`${this.memoryOnlyReason}; running from memory only`);
      return Promise.resolve(undefined);
    }
    return new Promise<IndexSummary | undefined>((resolve) => {
      // A process, not a worker thread: a full build of a large workspace peaks far above the server's own memory
      // (280 MB of RSS in the server's process on bench:lsp when it was a thread), and a process gives it all back.
      const worker = fork(this.workerFile, [], { stdio: ["ignore", "ignore", "inherit", "ipc"], execArgv: [] });
      this.running = worker;
      let settled = false;
      const finish = (summary: IndexSummary | undefined): void => {
        if (settled) return;
        settled = true;
        if (this.running === worker) this.running = undefined;
        resolve(summary);
        if (paths) this.onUpdated();
      };
      worker.on("message", (message: IndexWorkerMessage) => {
        if (message.type === "progress") onProgress?.(message.done ?? 0, message.total ?? 0, message.phase ?? "");
        else if (message.type === "done" && message.summary) {
          const summary = message.summary;
          this.memoryOnlyReason = undefined;
          this.lastSummary = summary;
          if (paths) this.builds.paths++;
          else this.builds.full++;
          const what = paths
            ? `updated index.db for ${paths.length} changed path(s) without a full walk: ${summary.checked} file(s) re-checked (${summary.added} added, ${summary.changed} changed, ${summary.removed} removed)`
            : `built index.db in full: ${summary.checked} file(s) checked (${summary.added} added, ${summary.changed} changed, ${summary.removed} removed)`;
          this.logger.info(`${what} in ${Math.round(summary.totalMs)} ms (index process peak RSS ${summary.peakRssMb} MB); builds so far: ${this.builds.full} full, ${this.builds.paths} path-limited`);
          finish(summary);
        } else if (message.type === "error") {
          this.memoryOnlyReason = `${message.error?.code}: ${message.error?.message}`;
          this.logger.warn(`index database unavailable (${this.memoryOnlyReason}); running from memory only`);
          finish(undefined);
        }
      });
      worker.on("error", (error) => {
        this.memoryOnlyReason = error.message;
        this.logger.warn(`index process failed (${error.message}); running from memory only`);
        finish(undefined);
      });
      worker.on("exit", (code, signal) => {
        if (!settled && !this.closed) this.logger.warn(`index process ended without a result (${signal ?? `exit code ${code}`})`);
        finish(undefined);
      });
      worker.send({ root: this.root, ...(paths ? { paths } : {}) } satisfies IndexWorkerRequest);
    });
  }

  /** Cached resolution through the index (records the expansion under the run id); undefined when the database is unusable. */
  resolve(params: ResolveSymbolParams): ResolveSymbolResult | undefined {
    const index = this.open();
    if (!index) return undefined;
    let resolved;
    try {
      resolved = index.resolve(params.reference, { ...(params.slice ? { slice: params.slice } : {}), ...(params.runId ? { runId: params.runId } : {}) });
    } catch (error) {
      const typed = toCatalyticError(error);
      if (!typed.code.startsWith("CAT_DB_") && typed.code !== "CAT_INDEX_MISSING" && typed.code !== "CAT_SCHEMA_MISMATCH") throw typed;
      this.logger.warn(`cached resolution unavailable (${typed.code}); resolving from memory`);
      return undefined;
    }
    return toResolveSymbolResult(resolved, resolved.cacheHit);
  }

  /** A bundle over index.db with its Markdown pack; CAT_INDEX_MISSING (with what to do) when there is no usable index. */
  bundle(request: BundleRequest, counter: TokenCounter): BundleResult {
    const index = this.open();
    if (!index) {
      throw new WorkspaceError("CAT_INDEX_MISSING", `no usable index in ${this.root}${this.memoryOnlyReason ? ` (${this.memoryOnlyReason})` : ""}`, {
        hint: "run 'Catalytic: Build Index' (or 'catalytic build'), then ask again",
      });
    }
    const built = buildBundle(index, request, counter);
    return { bundle: built.bundle, markdown: renderBundleMarkdown(built.bundle, built.chunks) };
  }

  private open(): Index | undefined {
    if (this.index) return this.index;
    try {
      this.index = Index.open(this.root, { mustExist: true, logger: this.logger });
    } catch (error) {
      if (!(error instanceof CatalyticError) || error.code !== "CAT_INDEX_MISSING") this.logger.warn(`cannot open the index: ${(error as Error).message}`);
    }
    return this.index;
  }

  close(): void {
    this.closed = true;
    if (this.updateTimer) clearTimeout(this.updateTimer);
    this.updateTimer = undefined;
    // A build cut short leaves index.db as it was (one transaction); the next start brings it up to date.
    this.running?.kill();
    this.index?.close();
    this.index = undefined;
  }
}
