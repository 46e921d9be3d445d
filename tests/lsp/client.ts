// A real LSP client over stdio: spawns the built server bundle and speaks JSON-RPC to it.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from "vscode-jsonrpc/node.js";
import type { Diagnostic, InitializeParams, InitializeResult, ProgressParams, PublishDiagnosticsParams } from "vscode-languageserver-protocol";

const here = path.dirname(fileURLToPath(import.meta.url));
export const SERVER_BUNDLE = path.resolve(here, "../../apps/language-server/dist/server.cjs");
export const FIXTURES = path.join(here, "fixtures");

export function uriOf(file: string): string {
  return pathToFileURL(file).toString();
}

/** Copies a read-only fixture or corpus into a fresh temp dir (tests never write into fixtures). */
export function copyToTemp(source: string, prefix = "catalytic-lsp-"): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  cpSync(source, dir, { recursive: true });
  return dir;
}

export interface Notification {
  method: string;
  params: unknown;
}

export class LspClient {
  readonly notifications: Notification[] = [];
  readonly stderr: string[] = [];
  private readonly waiters: Array<{ check: () => boolean; resolve: () => void }> = [];

  private constructor(
    readonly root: string,
    readonly process: ChildProcessWithoutNullStreams,
    readonly connection: MessageConnection,
  ) {}

  static async start(
    root: string,
    options: { initializationOptions?: Record<string, unknown>; watchedFilesDynamic?: boolean; extraFolders?: string[] } = {},
  ): Promise<LspClient> {
    if (!existsSync(SERVER_BUNDLE)) throw new Error(`${SERVER_BUNDLE} is missing: build @catalytic/language-server first`);
    const child = spawn(process.execPath, [SERVER_BUNDLE, "--stdio"], { cwd: root, stdio: "pipe" });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const client = new LspClient(root, child, connection);
    child.stderr.on("data", (chunk: Buffer) => client.stderr.push(chunk.toString()));
    connection.onNotification((method: string, params: unknown) => {
      client.notifications.push({ method, params });
      client.wake();
    });
    connection.onUnhandledProgress((params) => {
      client.notifications.push({ method: "$/progress", params });
      client.wake();
    });
    connection.onRequest("window/workDoneProgress/create", (params: unknown) => {
      client.notifications.push({ method: "window/workDoneProgress/create", params });
      return null;
    });
    connection.onRequest("client/registerCapability", (params: unknown) => {
      client.notifications.push({ method: "client/registerCapability", params });
      client.wake();
      return null;
    });
    connection.onRequest("workspace/configuration", () => []);
    connection.listen();
    const init: InitializeParams = {
      processId: process.pid,
      rootUri: uriOf(root),
      workspaceFolders: [root, ...(options.extraFolders ?? [])].map((folder) => ({ uri: uriOf(folder), name: path.basename(folder) })),
      initializationOptions: options.initializationOptions ?? {},
      capabilities: {
        window: { workDoneProgress: true },
        workspace: { didChangeWatchedFiles: { dynamicRegistration: options.watchedFilesDynamic ?? true }, workspaceEdit: { documentChanges: false } },
        textDocument: {
          synchronization: { dynamicRegistration: false },
          publishDiagnostics: { relatedInformation: true },
          hover: { contentFormat: ["markdown", "plaintext"] },
          completion: { completionItem: { snippetSupport: false, documentationFormat: ["markdown"] } },
          rename: { prepareSupport: true },
          documentSymbol: { hierarchicalDocumentSymbolSupport: true },
        },
      },
    };
    const result = (await connection.sendRequest("initialize", init)) as InitializeResult;
    client.capabilities = result.capabilities as Record<string, unknown>;
    await connection.sendNotification("initialized", {});
    return client;
  }

  capabilities: Record<string, unknown> = {};

  private wake(): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.check()) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }

  /** Resolves once `check` holds (re-checked on every notification); rejects after the timeout. */
  waitFor(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; stderr: ${this.stderr.join("")}`)), timeoutMs);
      this.waiters.push({ check, resolve: () => { clearTimeout(timer); resolve(); } });
    });
  }

  async waitForReady(): Promise<void> {
    await this.waitFor(
      () => this.notifications.some((n) => n.method === "catalytic/indexStatusChanged" && (n.params as { state: string }).state === "ready"),
      "index ready",
    );
  }

  /** The latest diagnostics published for a file, waiting until `accept` holds. */
  async diagnostics(file: string, accept: (diagnostics: Diagnostic[]) => boolean = () => true): Promise<Diagnostic[]> {
    const uri = uriOf(path.join(this.root, file));
    const latest = (): Diagnostic[] | undefined => {
      for (let i = this.notifications.length - 1; i >= 0; i--) {
        const n = this.notifications[i] as Notification;
        if (n.method === "textDocument/publishDiagnostics" && (n.params as PublishDiagnosticsParams).uri === uri) return (n.params as PublishDiagnosticsParams).diagnostics;
      }
      return undefined;
    };
    await this.waitFor(() => { const d = latest(); return d !== undefined && accept(d); }, `diagnostics of ${file}`);
    return latest() as Diagnostic[];
  }

  progress(): ProgressParams[] {
    return this.notifications.filter((n) => n.method === "$/progress").map((n) => n.params as ProgressParams);
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  notify(method: string, params: unknown): Promise<void> {
    return this.connection.sendNotification(method, params);
  }

  async open(file: string, text: string, version = 1): Promise<string> {
    const uri = uriOf(path.join(this.root, file));
    await this.notify("textDocument/didOpen", { textDocument: { uri, languageId: "markdown", version, text } });
    return uri;
  }

  async stop(): Promise<void> {
    // A killed server's stdin is being destroyed: writing to it would throw outside any test.
    if (!this.process.killed && this.process.exitCode === null) {
      try {
        await Promise.race([this.request("shutdown", null), new Promise((r) => setTimeout(r, 2000))]);
        await this.notify("exit", null);
      } catch {
        // the server may already be gone
      }
    }
    await new Promise<void>((resolve) => {
      if (this.process.exitCode !== null || this.process.signalCode !== null) return resolve();
      const timer = setTimeout(() => { this.process.kill(); resolve(); }, 3000);
      this.process.once("exit", () => { clearTimeout(timer); resolve(); });
    });
    this.connection.dispose();
  }
}

export function removeTemp(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
