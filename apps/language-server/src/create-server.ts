// The language server as a factory: `createServer(connection, environment)` wires one connection to the
// features, the custom requests and a Session (made on `initialize`). No module state: two servers built in one
// process are independent. Every handler runs in the one error wrapper (guard.ts).
import type { Logger } from "@catalytic/core";
import { TextDocuments, TextDocumentSyncKind, type Connection, type InitializeParams, type InitializeResult, type ServerCapabilities } from "vscode-languageserver/node.js";
import { TextDocument } from "vscode-languageserver-textdocument";
import { URI } from "vscode-uri";
import { findWorkspaceRoot } from "@catalytic/core";
import { register as codeActions } from "./features/code-actions.js";
import { register as completion } from "./features/completion.js";
import { register as definition } from "./features/definition.js";
import { register as documentSymbols } from "./features/document-symbols.js";
import { register as hover } from "./features/hover.js";
import { register as references } from "./features/references.js";
import { register as rename } from "./features/rename.js";
import { register as workspaceSymbols } from "./features/workspace-symbols.js";
import { guarded, type Guarded } from "./guard.js";
import type { FeatureServices, RegisterFeature } from "./host.js";
import { Readiness } from "./readiness.js";
import { registerCustomRequests } from "./requests.js";
import { Session, type InitializationOptions } from "./session.js";

const FEATURES: readonly RegisterFeature[] = [hover, definition, references, completion, documentSymbols, workspaceSymbols, codeActions, rename];

export interface ServerEnvironment {
  logger: Logger;
  /** The folder of the server bundle: index-worker.cjs and the bundled CLI sit next to it. */
  serverDir: string;
}

export interface CatalyticServer {
  /** Starts reading the connection (and the open documents' notifications). */
  listen(): void;
  /** Whether the client has sent the shutdown request (the exit code when its input closes). */
  readonly shutdownRequested: boolean;
}

function rootOf(params: InitializeParams): string {
  const uri = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? undefined;
  if (uri) return URI.parse(uri).fsPath;
  return params.rootPath ?? findWorkspaceRoot(process.cwd());
}

export function createServer(connection: Connection, environment: ServerEnvironment): CatalyticServer {
  const { logger } = environment;
  const documents = new TextDocuments(TextDocument);
  const readiness = new Readiness();
  let session: Session | undefined;
  let dynamicWatching = false;
  /** The session of this connection; requests never come before `initialize`, which makes it. */
  const current = (): Session => {
    if (!session) throw new Error("the server is not initialized");
    return session;
  };
  const guard: Guarded = (name, handler, options) => guarded(logger, readiness, name, handler, options);
  const services: FeatureServices = {
    context: () => current().host.context(),
    repinEdit: (symbolId) => current().host.repinEdit(symbolId),
    guarded: guard,
  };
  const capabilities: ServerCapabilities = Object.assign(
    { textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: false } },
    ...FEATURES.map((register) => register(connection, services)),
  );
  registerCustomRequests(connection, guard, {
    host: () => current().host,
    cassettes: () => current().cassettes,
    feed: () => current().feed,
    status: () => current().status(),
    reindex: () => current().reindex(),
    buildDatabase: () => current().buildDatabase(),
    sqliteIndex: () => current().sqliteIndex,
    cliPath: () => current().options.cliPath,
    serverDir: environment.serverDir,
  });

  connection.onInitialize((params): InitializeResult => {
    const root = rootOf(params);
    session = new Session(connection, logger, readiness, root, (params.initializationOptions ?? {}) as InitializationOptions, environment.serverDir);
    dynamicWatching = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    logger.info(`catalytic language server: root ${root}`);
    // One workspace per server: a client with several folders gets the first served and the rest named.
    const ignored = (params.workspaceFolders ?? []).slice(1).map((folder) => URI.parse(folder.uri).fsPath);
    if (ignored.length) {
      logger.warn(`only the first workspace folder is served (${root}); not served: ${ignored.join(", ")} - start one server per folder to cover them`);
    }
    return { capabilities, serverInfo: { name: "catalytic-language-server", version: "0.1.0" } };
  });
  connection.onInitialized(() => current().start(dynamicWatching));
  connection.onDidChangeWatchedFiles(({ changes }) => current().watchedFilesChanged(changes));
  documents.onDidChangeContent(({ document }) => session?.documentChanged(document));
  documents.onDidClose(({ document }) => session?.documentClosed(document));
  let shutdownRequested = false;
  connection.onShutdown(() => {
    shutdownRequested = true;
    session?.dispose();
  });

  return {
    listen() {
      documents.listen(connection);
      connection.listen();
    },
    get shutdownRequested() {
      return shutdownRequested;
    },
  };
}
