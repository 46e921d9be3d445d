// Language server entry (stdio, or node-ipc/socket when the client asks): wires the features to the
// connection. Every handler is guarded: a failure is logged and answered, never a crash.
import { existsSync } from "node:fs";
import path from "node:path";
import { CONFIG_FILE, CatalyticNotifications, SYMBOLS_FILE, findWorkspaceRoot, type IndexStatus, type Logger } from "@catalytic/core";
import {
  createConnection,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  ProposedFeatures,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from "vscode-languageserver/node.js";
import { TextDocument } from "vscode-languageserver-textdocument";
import { URI } from "vscode-uri";
import { CassetteService } from "./cassette-service.js";
import type { DiagnosticsScheduler } from "./diagnostics-scheduler.js";
import { createDiagnosticsPipeline } from "./diagnostics-pipeline.js";
import type { ProblemsTracker } from "./problems-tracker.js";
import { codeActions } from "./features/code-actions.js";
import { completion, resolveCompletionItem } from "./features/completion.js";
import { definition } from "./features/definition.js";
import { documentSymbols } from "./features/document-symbols.js";
import { hover } from "./features/hover.js";
import { indexStatus, runIndexing } from "./features/indexing.js";
import { JobsFeed } from "./features/jobs-feed.js";
import { references } from "./features/references.js";
import { prepareRename, rename } from "./features/rename.js";
import { workspaceSymbols } from "./features/workspace-symbols.js";
import { FallbackWatcher, isIgnoredPath, type FileEvent } from "./file-watcher.js";

import { registerCustomRequests } from "./requests.js";
import { failure, guard, guardAsync, throwIfCancelled } from "./guard.js";
import { indexPath } from "@catalytic/indexer";
import { IndexService } from "./index-service.js";
import { Readiness } from "./readiness.js";
import { WorkspaceHost } from "./workspace-host.js";

const ipc = process.argv.some((arg) => arg === "--node-ipc" || arg.startsWith("--socket") || arg.startsWith("--pipe"));
const connection: Connection = ipc ? createConnection(ProposedFeatures.all) : createConnection(ProposedFeatures.all, process.stdin, process.stdout);
const documents = new TextDocuments(TextDocument);

const format = (message: string, data?: Record<string, unknown>): string => (data ? `${message} ${JSON.stringify(data)}` : message);
const logger: Logger = {
  info: (message, data) => connection.console.info(format(message, data)),
  warn: (message, data) => connection.console.warn(format(message, data)),
  error: (message, data) => connection.console.error(format(message, data)),
};
process.on("uncaughtException", (error) => logger.error(`uncaught: ${error.stack ?? error.message}`));
process.on("unhandledRejection", (reason) => logger.error(`unhandled rejection: ${String(reason)}`));

interface InitializationOptions {
  cliPath?: string;
  /** Refresh .catalytic/index.db after the start-up index (default: only when it exists already). */
  buildIndexOnStart?: boolean;
  hoverPreviewChars?: number;
  diagnosticsDebounceMs?: number;
  /** How long a request arriving before the first index waits for it before answering null (default 15000). */
  readyTimeoutMs?: number;
}

let host: WorkspaceHost;
let scheduler: DiagnosticsScheduler;
let problems: ProblemsTracker;
let cassettes: CassetteService;
let sqliteIndex: IndexService;
let feed: JobsFeed;
let watcher: FallbackWatcher | undefined;
let options: InitializationOptions = {};
let state: IndexStatus["state"] = "starting";
let lastIndexMessage: string | undefined;
let dynamicWatching = false;
let indexing: Promise<void> | undefined;
const readiness = new Readiness();

function status(): IndexStatus {
  const memoryOnly = sqliteIndex.memoryOnlyReason ? `memory only: ${sqliteIndex.memoryOnlyReason}` : undefined;
  const message = [lastIndexMessage, memoryOnly].filter(Boolean).join("; ");
  return indexStatus(host, state, scheduler.problemCount, {
    ...(sqliteIndex.lastSummary ? { indexHash: sqliteIndex.lastSummary.indexHash } : {}),
    ...(message ? { message } : {}),
  });
}

function announce(): void {
  void connection.sendNotification(CatalyticNotifications.indexStatus, status());
}

function rootOf(params: InitializeParams): string {
  const uri = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? undefined;
  if (uri) return URI.parse(uri).fsPath;
  return params.rootPath ?? findWorkspaceRoot(process.cwd());
}

connection.onInitialize((params): InitializeResult => {
  options = (params.initializationOptions ?? {}) as InitializationOptions;
  const root = rootOf(params);
  host = new WorkspaceHost(root, logger);
  if (typeof options.hoverPreviewChars === "number" && options.hoverPreviewChars > 0) host.hoverPreviewChars = options.hoverPreviewChars;
  if (typeof options.readyTimeoutMs === "number" && options.readyTimeoutMs >= 0) readiness.timeoutMs = options.readyTimeoutMs;
  cassettes = new CassetteService(root, logger);
  sqliteIndex = new IndexService(root, path.join(__dirname, "index-worker.cjs"), logger);
  feed = new JobsFeed(() => cassettes.get(), (change) => void connection.sendNotification(CatalyticNotifications.jobsChanged, change), logger);
  ({ scheduler, problems } = createDiagnosticsPipeline(
    host,
    logger,
    (file, diagnostics) => void connection.sendDiagnostics({ uri: host.docs.uriOf(file), diagnostics }),
    options.diagnosticsDebounceMs ?? 150,
  ));
  dynamicWatching = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
  logger.info(`catalytic language server: root ${root}`);
  // One workspace per server: a client with several folders gets the first served and the rest named.
  const ignored = (params.workspaceFolders ?? []).slice(1).map((folder) => URI.parse(folder.uri).fsPath);
  if (ignored.length) {
    logger.warn(`only the first workspace folder is served (${root}); not served: ${ignored.join(", ")} - start one server per folder to cover them`);
  }
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: false },
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: { workDoneProgress: false },
      completionProvider: { triggerCharacters: ["@", "/", "#"], resolveProvider: true },
      documentSymbolProvider: true,
      workspaceSymbolProvider: true,
      codeActionProvider: { codeActionKinds: ["quickfix"] },
      renameProvider: { prepareProvider: true },
    },
    serverInfo: { name: "catalytic-language-server", version: "0.1.0" },
  };
});

/** Re-indexes everything (start, config change, catalytic/buildIndex), then re-checks every file. */
function reindex(): Promise<void> {
  indexing ??= (async () => {
    state = "indexing";
    announce();
    const started = Date.now();
    try {
      const progress = await connection.window.createWorkDoneProgress();
      await runIndexing(host, progress);
      state = "ready";
      const memory = process.memoryUsage();
      lastIndexMessage = `indexed ${host.model.listFiles().length} files in ${Date.now() - started} ms (heap ${Math.round(memory.heapUsed / 1048576)} MB, rss ${Math.round(memory.rss / 1048576)} MB)`;
      logger.info(lastIndexMessage);
    } catch (error) {
      state = "error";
      lastIndexMessage = `indexing failed: ${(error as Error).message}`;
      logger.error(lastIndexMessage);
    } finally {
      indexing = undefined;
      readiness.markReady();
    }
    announce();
    problems.refreshNow();
    scheduler.sweep(host.filesToCheck(), announce);
  })();
  return indexing;
}

/** Brings .catalytic/index.db up to date in a worker thread (for the CLI, ants and cached resolution). */
async function buildDatabase(): Promise<void> {
  const progress = await connection.window.createWorkDoneProgress();
  progress.begin("Catalytic: updating index.db", 0);
  try {
    await sqliteIndex.build((done, total, phase) => progress.report(total ? Math.floor((done / total) * 100) : 0, `${phase} ${done}/${total}`));
  } finally {
    progress.done();
  }
  announce();
}

connection.onInitialized(() => {
  if (dynamicWatching) {
    void connection.client
      .register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: "**/*.{md,markdown,mdx,json,ts,tsx,js,jsx,mjs,cjs,mts,cts,py,sql,yaml,yml}" }],
      })
      .catch((error: Error) => {
        logger.warn(`client refused file watching (${error.message}); using fs.watch`);
        startFallbackWatcher();
      });
  } else {
    startFallbackWatcher();
  }
  // The server keeps an existing index.db fresh; creating one is `catalytic build` or catalytic/buildIndex.
  const refreshDatabase = options.buildIndexOnStart ?? existsSync(indexPath(host.root));
  void reindex().then(() => (refreshDatabase ? buildDatabase() : undefined));
  feed.start();
});

function startFallbackWatcher(): void {
  watcher = new FallbackWatcher(host.root, onFileEvents, logger);
  watcher.start();
}

function onFileEvents(events: FileEvent[]): void {
  if (events.some((event) => event.file === CONFIG_FILE && !host.docs.isOpen(CONFIG_FILE))) {
    void reindex();
    return;
  }
  let changed = false;
  for (const event of events) changed = host.diskChanged(event.file, event.deleted) || changed;
  if (changed && state === "ready") {
    problems.refreshNow();
    scheduler.sweep(host.filesToCheck(), announce);
  }
}

connection.onDidChangeWatchedFiles(({ changes }) => {
  const events: FileEvent[] = [];
  for (const change of changes) {
    const file = host.docs.pathOf(change.uri);
    if (file === undefined || isIgnoredPath(file)) continue;
    events.push({ file, deleted: change.type === FileChangeType.Deleted });
  }
  if (events.length) onFileEvents(events);
});

let configReload: NodeJS.Timeout | undefined;

/** An edited catalytic.json can change which files are sources: re-index once the typing settles. */
function reloadConfigSoon(): void {
  if (configReload) clearTimeout(configReload);
  configReload = setTimeout(() => {
    configReload = undefined;
    void reindex();
  }, 300);
}

documents.onDidChangeContent(({ document }) => {
  const file = host.docs.pathOf(document.uri);
  if (file === undefined) return;
  host.didChange(file, document);
  if (state !== "ready") return;
  if (file === CONFIG_FILE) reloadConfigSoon();
  else if (file === SYMBOLS_FILE) {
    problems.refreshNow();
    scheduler.sweep(host.filesToCheck(), announce);
  }
  else scheduler.edited(file, host.docs.openFiles());
  problems.changed();
});

documents.onDidClose(({ document }) => {
  const file = host.docs.pathOf(document.uri);
  if (file === undefined) return;
  host.didClose(file);
  if (state !== "ready") return;
  problems.changed();
  if (file === CONFIG_FILE) reloadConfigSoon();
  else if (host.isSource(file) || file === SYMBOLS_FILE || file === CONFIG_FILE) scheduler.schedule([file, ...host.docs.openFiles()]);
  else scheduler.forget(file);
});

// Every feature reads the model: before the first index is loaded they wait for it (see readiness.ts).
const gated = readiness.gate.bind(readiness);
connection.onHover(gated("hover", guard(logger, "hover", (params) => hover(host.context(), params.textDocument.uri, params.position) ?? null, null), null));
connection.onDefinition(gated("definition", guard(logger, "definition", (params) => definition(host.context(), params.textDocument.uri, params.position) ?? null, null), null));
connection.onReferences(
  gated(
    "references",
    guardAsync(logger, "references", async (params, token) => (await references(host.context(), params.textDocument.uri, params.position, params.context.includeDeclaration, token)) ?? null, null),
    null,
  ),
);
connection.onCompletion(gated("completion", guard(logger, "completion", (params) => completion(host.context(), params.textDocument.uri, params.position) ?? null, null), null));
connection.onCompletionResolve((item, token) =>
  gated("completion resolve", () => guard(logger, "completion resolve", () => resolveCompletionItem(host.context(), item), item)(item, token), item)(item, token),
);
connection.onDocumentSymbol(gated("document symbols", guard(logger, "document symbols", (params) => documentSymbols(host.context(), params.textDocument.uri) ?? null, null), null));
connection.onWorkspaceSymbol(
  gated("workspace symbols", guardAsync(logger, "workspace symbols", async (params, token) => (await workspaceSymbols(host.context(), params.query, token)) ?? null, null), null),
);
connection.onCodeAction(
  gated(
    "code actions",
    guard(logger, "code actions", (params) => codeActions(host.context(), params.textDocument.uri, params.context.diagnostics, (id) => host.repinEdit(id)), []),
    [],
  ),
);
connection.onPrepareRename(
  gated(
    "prepare rename",
    (params) => {
      try {
        return prepareRename(host.context(), params.textDocument.uri, params.position) ?? null;
      } catch (error) {
        throw failure(logger, "prepare rename", error);
      }
    },
    null,
  ),
);
connection.onRenameRequest(
  gated(
    "rename",
    async (params, token) => {
      try {
        const edit = await rename(host.context(), params.textDocument.uri, params.position, params.newName, token);
        throwIfCancelled(token, "rename");
        return edit ?? null;
      } catch (error) {
        if (error instanceof ResponseError) throw error;
        throw failure(logger, "rename", error);
      }
    },
    null,
  ),
);

registerCustomRequests(connection, logger, {
  host: () => host,
  cassettes: () => cassettes,
  feed: () => feed,
  status,
  readiness,
  reindex,
  buildDatabase,
  sqliteIndex: () => sqliteIndex,
  cliPath: () => options.cliPath,
  serverDir: __dirname,
});

connection.onShutdown(() => {
  feed?.stop();
  watcher?.stop();
  scheduler?.dispose();
  cassettes?.close();
  sqliteIndex?.close();
});

documents.listen(connection);
connection.listen();
