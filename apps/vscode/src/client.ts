// The language client: checks the Node runtime, starts the bundled server over stdio, restarts it on crash with
// backoff, and forwards the server's custom notifications. Everything the extension shows comes through here.
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import * as vscode from "vscode";
import { CloseAction, ErrorAction, LanguageClient, State, TransportKind, type LanguageClientOptions, type MessageSignature, type ServerOptions } from "vscode-languageclient/node";
import { CatalyticNotifications, type IndexStatus, type JobsChangedParams } from "@catalytic/core/protocol";
import { describeError } from "./commands/args.js";
import { checkNodeVersion, nativeModuleMismatch, restartDelayMs, STABLE_UPTIME_MS, type RuntimeCheck } from "./runtime.js";

const CLIENT_ID = "catalytic";

export class ServerUnavailableError extends Error {}

/** While a server stops or restarts, in-flight editor requests fail: expected, so no "Request … failed" notification. */
class CatalyticLanguageClient extends LanguageClient {
  override handleFailedRequest<T>(type: MessageSignature, token: vscode.CancellationToken | undefined, error: unknown, defaultValue: T, showNotification?: boolean): T {
    if (this.state !== State.Running) return defaultValue;
    return super.handleFailedRequest(type, token, error, defaultValue, showNotification);
  }
}

export class CatalyticClient implements vscode.Disposable {
  private client: CatalyticLanguageClient | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private restartAttempt = 0;
  private startedAt = 0;
  private stopping = false;
  private readonly jobsChangedEmitter = new vscode.EventEmitter<JobsChangedParams>();
  private readonly indexStatusEmitter = new vscode.EventEmitter<IndexStatus>();
  private readonly runningEmitter = new vscode.EventEmitter<boolean>();
  /** Server -> client `catalytic/jobsChanged`, across restarts. */
  readonly onJobsChanged = this.jobsChangedEmitter.event;
  readonly onIndexStatus = this.indexStatusEmitter.event;
  /** Fires true when a server is up and answering, false when it stopped. */
  readonly onRunningChanged = this.runningEmitter.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly output: vscode.OutputChannel,
  ) {}

  get isRunning(): boolean {
    return this.client?.state === State.Running;
  }

  async start(): Promise<boolean> {
    this.stopping = false;
    const config = vscode.workspace.getConfiguration("catalytic");
    const runtime = config.get<string>("server.runtime", "node").trim() || "node";
    const check = await probeRuntime(runtime);
    if (!check.ok) {
      this.output.appendLine(`[extension] ${check.message}`);
      void this.showRuntimeProblem(check.message);
      return false;
    }
    const serverPath = this.serverPath(config);
    if (!existsSync(serverPath)) {
      const message = `The Catalytic language server was not found at ${serverPath}. Rebuild the extension, or fix "catalytic.server.path".`;
      this.output.appendLine(`[extension] ${message}`);
      void vscode.window.showErrorMessage(message, "Open Settings").then((choice) => choice && vscode.commands.executeCommand("workbench.action.openSettings", "catalytic.server.path"));
      return false;
    }
    this.output.appendLine(`[extension] starting ${serverPath} with ${runtime} (Node ${check.version})`);
    const mismatch = nativeModuleMismatch(runtime, check.version, this.nativeBuildVersion(serverPath));
    if (mismatch) {
      this.output.appendLine(`[extension] ${mismatch}`);
      void vscode.window.showWarningMessage(mismatch, "Open Settings").then((choice) => choice && vscode.commands.executeCommand("workbench.action.openSettings", "catalytic.server.runtime"));
    }
    const client = new CatalyticLanguageClient(CLIENT_ID, "Catalytic Language Server", this.serverOptions(runtime, serverPath), this.clientOptions());
    client.onNotification(CatalyticNotifications.jobsChanged, (params: JobsChangedParams) => this.jobsChangedEmitter.fire(params));
    client.onNotification(CatalyticNotifications.indexStatus, (params: IndexStatus) => this.indexStatusEmitter.fire(params));
    this.client = client;
    try {
      await client.start();
    } catch (error) {
      this.output.appendLine(`[extension] the language server failed to start: ${describeError(error)}`);
      this.scheduleRestart();
      return false;
    }
    this.startedAt = Date.now();
    this.runningEmitter.fire(true);
    return true;
  }

  async restart(): Promise<void> {
    this.clearRestartTimer();
    this.restartAttempt = 0;
    await this.stop();
    await this.start();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.clearRestartTimer();
    const client = this.client;
    this.client = undefined;
    if (client && client.state !== State.Stopped) {
      try {
        await client.stop(5000);
      } catch (error) {
        this.output.appendLine(`[extension] stopping the server: ${describeError(error)}`);
      }
    }
    this.runningEmitter.fire(false);
  }

  /** A custom `catalytic/*` request; rejects with ServerUnavailableError when no server runs. */
  async request<R>(method: string, params: unknown): Promise<R> {
    const client = this.client;
    if (!client || client.state !== State.Running) {
      throw new ServerUnavailableError("The Catalytic language server is not running. Check the Catalytic output, or run \"Catalytic: Restart Language Server\".");
    }
    return client.sendRequest<R>(method, params);
  }

  dispose(): void {
    void this.stop();
    this.jobsChangedEmitter.dispose();
    this.indexStatusEmitter.dispose();
    this.runningEmitter.dispose();
  }

  private serverPath(config: vscode.WorkspaceConfiguration): string {
    const override = config.get<string>("server.path", "").trim();
    return override !== "" ? override : this.context.asAbsolutePath("dist/server.cjs");
  }

  /** The Node version the bundled native module was built for (dist/native.json next to the bundled server). */
  private nativeBuildVersion(serverPath: string): string | undefined {
    try {
      const native = JSON.parse(readFileSync(path.join(path.dirname(serverPath), "native.json"), "utf8")) as { node?: unknown };
      return typeof native.node === "string" ? native.node : undefined;
    } catch {
      return undefined; // a server outside the extension (catalytic.server.path) resolves its own node_modules
    }
  }

  private serverOptions(runtime: string, serverPath: string): ServerOptions {
    const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const options = { cwd, env: { ...process.env } };
    return {
      run: { module: serverPath, runtime, transport: TransportKind.stdio, options },
      // Debug: attach with the "Attach to Catalytic Language Server" launch config (port 6009).
      debug: { module: serverPath, runtime, transport: TransportKind.stdio, options: { ...options, execArgv: ["--nolazy", "--inspect=6009"] } },
    };
  }

  private clientOptions(): LanguageClientOptions {
    return {
      documentSelector: [
        { scheme: "file", language: "markdown" },
        { scheme: "untitled", language: "markdown" },
      ],
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/{*.md,catalytic.json,catalytic.symbols.json}") },
      outputChannel: this.output,
      traceOutputChannel: this.output,
      errorHandler: {
        error: () => ({ action: ErrorAction.Continue }),
        // We restart ourselves, with backoff, instead of the client's fixed 4-restarts-then-give-up rule.
        closed: () => {
          this.runningEmitter.fire(false);
          if (!this.stopping) this.scheduleRestart();
          return { action: CloseAction.DoNotRestart, handled: true };
        },
      },
    };
  }

  private scheduleRestart(): void {
    if (this.stopping || this.restartTimer) return;
    if (this.startedAt > 0 && Date.now() - this.startedAt > STABLE_UPTIME_MS) this.restartAttempt = 0;
    const delay = restartDelayMs(this.restartAttempt);
    this.restartAttempt += 1;
    this.output.appendLine(`[extension] the language server stopped; restarting in ${Math.round(delay / 1000)} s (attempt ${this.restartAttempt})`);
    if (this.restartAttempt === 3) {
      void vscode.window.showWarningMessage("The Catalytic language server keeps stopping. See the Catalytic output for its log.", "Show Output").then((choice) => choice && this.output.show());
    }
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      const previous = this.client;
      this.client = undefined;
      void (async () => {
        if (previous && previous.state !== State.Stopped) await previous.stop(2000).catch(() => undefined);
        previous?.dispose().catch(() => undefined);
        if (!this.stopping) await this.start();
      })();
    }, delay);
  }

  private clearRestartTimer(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
  }

  private async showRuntimeProblem(message: string): Promise<void> {
    const choice = await vscode.window.showErrorMessage(message, "Open Settings", "Show Output");
    if (choice === "Open Settings") await vscode.commands.executeCommand("workbench.action.openSettings", "catalytic.server.runtime");
    if (choice === "Show Output") this.output.show();
  }
}

/** Runs `<runtime> --version` and judges the answer. */
export function probeRuntime(runtime: string): Promise<RuntimeCheck> {
  return new Promise((resolve) => {
    execFile(runtime, ["--version"], { timeout: 10_000, windowsHide: true }, (error, stdout) => {
      if (error) {
        const code = (error as NodeJS.ErrnoException).code;
        resolve(checkNodeVersion(runtime, undefined, typeof code === "string" ? code : error.message));
        return;
      }
      resolve(checkNodeVersion(runtime, stdout));
    });
  });
}
