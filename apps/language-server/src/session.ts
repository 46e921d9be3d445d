// One served workspace, from `initialize` to `shutdown`: the model host, the diagnostics pipeline, the SQLite
// index and the cassette, and the flows that keep them current: (re-)indexing, file events, buffer events and the
// catalytic.json debounce. The server factory (create-server.ts) makes one per connection.
import { existsSync } from "node:fs";
import path from "node:path";
import { CONFIG_FILE, CatalyticNotifications, SYMBOLS_FILE, type IndexStatus, type Logger } from "@catalytic/core";
import { changeNeedsFullBuild, hasSkippedSegment, indexPath } from "@catalytic/indexer";
import { DidChangeWatchedFilesNotification, FileChangeType, type Connection, type FileEvent as LspFileEvent } from "vscode-languageserver/node.js";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { CassetteService } from "./cassette-service.js";
import { createDiagnosticsPipeline } from "./diagnostics-pipeline.js";
import type { DiagnosticsScheduler } from "./diagnostics-scheduler.js";
import { indexStatus, runIndexing } from "./features/indexing.js";
import { JobsFeed } from "./features/jobs-feed.js";
import { FallbackWatcher, type FileEvent } from "./file-watcher.js";
import { IndexService } from "./index-service.js";
import type { ProblemsTracker } from "./problems-tracker.js";
import type { Readiness } from "./readiness.js";
import { ForkedTokenCounts } from "./token-counts.js";
import { WorkspaceHost } from "./workspace-host.js";

export interface InitializationOptions {
  cliPath?: string;
  /** Refresh .catalytic/index.db after the start-up index (default: only when it exists already). */
  buildIndexOnStart?: boolean;
  hoverPreviewChars?: number;
  diagnosticsDebounceMs?: number;
  /** How long a request arriving before the first index waits for it before answering null (default 15000). */
  readyTimeoutMs?: number;
}

/** How long an edited catalytic.json must stay unchanged before the workspace is re-indexed. */
const CONFIG_RELOAD_MS = 300;

export class Session {
  readonly host: WorkspaceHost;
  readonly cassettes: CassetteService;
  readonly sqliteIndex: IndexService;
  readonly feed: JobsFeed;
  private readonly tokens: ForkedTokenCounts;
  private readonly scheduler: DiagnosticsScheduler;
  private readonly problems: ProblemsTracker;
  private watcher: FallbackWatcher | undefined;
  private state: IndexStatus["state"] = "starting";
  private lastIndexMessage: string | undefined;
  private indexing: Promise<void> | undefined;
  private configReload: NodeJS.Timeout | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly logger: Logger,
    private readonly readiness: Readiness,
    root: string,
    readonly options: InitializationOptions,
    serverDir: string,
  ) {
    this.host = new WorkspaceHost(root, logger);
    if (typeof options.hoverPreviewChars === "number" && options.hoverPreviewChars > 0) this.host.hoverPreviewChars = options.hoverPreviewChars;
    if (typeof options.readyTimeoutMs === "number" && options.readyTimeoutMs >= 0) readiness.timeoutMs = options.readyTimeoutMs;
    this.cassettes = new CassetteService(root, logger);
    this.sqliteIndex = new IndexService(root, path.join(serverDir, "index-worker.cjs"), logger, () => this.announce());
    this.tokens = new ForkedTokenCounts(path.join(serverDir, "token-counter.cjs"), logger);
    this.host.tokens = this.tokens;
    this.feed = new JobsFeed(() => this.cassettes.get(), (change) => void connection.sendNotification(CatalyticNotifications.jobsChanged, change), logger);
    ({ scheduler: this.scheduler, problems: this.problems } = createDiagnosticsPipeline(
      this.host,
      logger,
      (file, diagnostics) => void connection.sendDiagnostics({ uri: this.host.docs.uriOf(file), diagnostics }),
      options.diagnosticsDebounceMs ?? 150,
    ));
  }

  status(): IndexStatus {
    const memoryOnly = this.sqliteIndex.memoryOnlyReason ? `memory only: ${this.sqliteIndex.memoryOnlyReason}` : undefined;
    const message = [this.lastIndexMessage, memoryOnly].filter(Boolean).join("; ");
    return indexStatus(this.host, this.state, this.scheduler.problemCount, {
      ...(this.sqliteIndex.lastSummary ? { indexHash: this.sqliteIndex.lastSummary.indexHash } : {}),
      ...(message ? { message } : {}),
    });
  }

  private announce = (): void => {
    void this.connection.sendNotification(CatalyticNotifications.indexStatus, this.status());
  };

  /** After `initialized`: file watching, the first index (then index.db when it exists or is asked for), the jobs feed. */
  start(dynamicWatching: boolean): void {
    if (dynamicWatching) {
      void this.connection.client
        .register(DidChangeWatchedFilesNotification.type, {
          watchers: [{ globPattern: "**/*.{md,markdown,mdx,json,ts,tsx,js,jsx,mjs,cjs,mts,cts,py,sql,yaml,yml}" }],
        })
        .catch((error: Error) => {
          this.logger.warn(`client refused file watching (${error.message}); using fs.watch`);
          this.startFallbackWatcher();
        });
    } else {
      this.startFallbackWatcher();
    }
    // The server keeps an existing index.db fresh; creating one is `catalytic build` or catalytic/buildIndex.
    const refreshDatabase = this.options.buildIndexOnStart ?? existsSync(indexPath(this.host.root));
    void this.reindex().then(() => (refreshDatabase ? this.buildDatabase() : undefined));
    this.feed.start();
  }

  /** Re-indexes everything (start, config change, catalytic/buildIndex), then re-checks every file. */
  reindex(): Promise<void> {
    this.indexing ??= (async () => {
      this.state = "indexing";
      this.announce();
      const started = Date.now();
      try {
        const progress = await this.connection.window.createWorkDoneProgress();
        await runIndexing(this.host, progress);
        this.state = "ready";
        const memory = process.memoryUsage();
        this.lastIndexMessage = `indexed ${this.host.model.listFiles().length} files in ${Date.now() - started} ms (heap ${Math.round(memory.heapUsed / 1048576)} MB, rss ${Math.round(memory.rss / 1048576)} MB)`;
        this.logger.info(this.lastIndexMessage);
      } catch (error) {
        this.state = "error";
        this.lastIndexMessage = `indexing failed: ${(error as Error).message}`;
        this.logger.error(this.lastIndexMessage);
      } finally {
        this.indexing = undefined;
        this.readiness.markReady();
      }
      this.announce();
      this.recheckAll();
    })();
    return this.indexing;
  }

  /** Brings .catalytic/index.db up to date in a child process (for the CLI, ants and cached resolution). */
  async buildDatabase(): Promise<void> {
    const progress = await this.connection.window.createWorkDoneProgress();
    progress.begin("Catalytic: updating index.db", 0);
    try {
      await this.sqliteIndex.build((done, total, phase) => progress.report(total ? Math.floor((done / total) * 100) : 0, `${phase} ${done}/${total}`));
    } finally {
      progress.done();
    }
    this.announce();
  }

  private recheckAll(): void {
    this.problems.refreshNow();
    this.scheduler.sweep(this.host.filesToCheck(), this.announce);
  }

  private startFallbackWatcher(): void {
    this.watcher = new FallbackWatcher(this.host.root, (events) => this.onFileEvents(events), this.logger);
    this.watcher.start();
  }

  /** workspace/didChangeWatchedFiles from the client. */
  watchedFilesChanged(changes: readonly LspFileEvent[]): void {
    const events: FileEvent[] = [];
    for (const change of changes) {
      const file = this.host.docs.pathOf(change.uri);
      if (file === undefined || hasSkippedSegment(file)) continue;
      events.push({ file, deleted: change.type === FileChangeType.Deleted });
    }
    if (events.length) this.onFileEvents(events);
  }

  private onFileEvents(events: FileEvent[]): void {
    const hasDatabase = existsSync(indexPath(this.host.root));
    if (events.some((event) => event.file === CONFIG_FILE)) {
      // Sources may have changed: index.db is rebuilt in full, after any build under way.
      if (hasDatabase) void this.buildDatabase();
      if (!this.host.docs.isOpen(CONFIG_FILE)) {
        void this.reindex();
        return;
      }
    }
    let changed = false;
    for (const event of events) changed = this.host.diskChanged(event.file, event.deleted) || changed;
    if (hasDatabase) this.updateDatabase(events);
    if (changed && this.state === "ready") this.recheckAll();
  }

  /**
   * index.db is built from the disk (open buffers or not): the reported source files are re-checked alone; the
   * registry, a .gitignore or a new folder bring a full build (the indexer's changeNeedsFullBuild, as in its own watcher).
   */
  private updateDatabase(events: readonly FileEvent[]): void {
    const full = events.some(({ file }) => changeNeedsFullBuild(this.host.root, file));
    if (full) {
      void this.buildDatabase();
      return;
    }
    const sources = events.filter((event) => this.host.isSource(event.file)).map((event) => event.file);
    if (sources.length) this.sqliteIndex.update(sources);
  }

  /** An edited catalytic.json can change which files are sources: re-index once the typing settles. */
  private reloadConfigSoon(): void {
    if (this.configReload) clearTimeout(this.configReload);
    this.configReload = setTimeout(() => {
      this.configReload = undefined;
      void this.reindex();
    }, CONFIG_RELOAD_MS);
  }

  documentChanged(document: TextDocument): void {
    const file = this.host.docs.pathOf(document.uri);
    if (file === undefined) return;
    this.host.didChange(file, document);
    if (this.state !== "ready") return;
    if (file === CONFIG_FILE) this.reloadConfigSoon();
    else if (file === SYMBOLS_FILE) this.recheckAll();
    else this.scheduler.edited(file, this.host.docs.openFiles());
    this.problems.changed();
  }

  documentClosed(document: TextDocument): void {
    const file = this.host.docs.pathOf(document.uri);
    if (file === undefined) return;
    this.host.didClose(file);
    if (this.state !== "ready") return;
    this.problems.changed();
    if (file === CONFIG_FILE) this.reloadConfigSoon();
    else if (this.host.isSource(file) || file === SYMBOLS_FILE || file === CONFIG_FILE) this.scheduler.schedule([file, ...this.host.docs.openFiles()]);
    else this.scheduler.forget(file);
  }

  dispose(): void {
    if (this.configReload) clearTimeout(this.configReload);
    this.feed.stop();
    this.tokens.stop();
    this.watcher?.stop();
    this.scheduler.dispose();
    this.cassettes.close();
    this.sqliteIndex.close();
  }
}
