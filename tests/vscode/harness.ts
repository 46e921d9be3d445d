// Real VS Code (code-server) in real Debian Chromium, driven by playwright-core: processes, pages and helpers.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { ensureVsCodeE2eEnvironment } from "./setup.mjs";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const ARTIFACTS = path.join(REPO_ROOT, "tests", "artifacts", "vscode");
export const VSIX = path.join(REPO_ROOT, "apps", "vscode", "catalytic-vscode.vsix");
const CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export interface Environment {
  codeServer: string;
  chromium: string;
}

/** Installs what is missing (apt, code-server, playwright-core check); throws with the fix otherwise. */
export function prepareEnvironment(): Environment {
  const env = ensureVsCodeE2eEnvironment() as Environment;
  if (!existsSync(VSIX)) throw new Error(`${VSIX} is missing: build the extension first (pnpm exec turbo run build --filter=catalytic-vscode).`);
  return env;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export class VsCodeSession {
  readonly dir = mkdtempSync(path.join(tmpdir(), "catalytic-vscode-e2e-"));
  readonly userDataDir = path.join(this.dir, "user-data");
  readonly extensionsDir = path.join(this.dir, "extensions");
  readonly logFile = path.join(this.dir, "code-server.log");
  private server: ChildProcess | undefined;
  private context: BrowserContext | undefined;
  page!: Page;
  port = 0;

  constructor(private readonly env: Environment) {
    mkdirSync(path.join(this.userDataDir, "User"), { recursive: true });
    mkdirSync(this.extensionsDir, { recursive: true });
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(
      path.join(this.userDataDir, "User", "settings.json"),
      JSON.stringify(
        {
          "security.workspace.trust.enabled": false,
          "workbench.startupEditor": "none",
          "workbench.tips.enabled": false,
          "workbench.enableExperiments": false,
          "telemetry.telemetryLevel": "off",
          "extensions.autoCheckUpdates": false,
          "extensions.autoUpdate": false,
          "extensions.ignoreRecommendations": true,
          "update.mode": "none",
          "git.enabled": false,
          "editor.hover.delay": 200,
          "editor.minimap.enabled": false,
          "files.autoSave": "off",
          "window.commandCenter": false,
        },
        null,
        2,
      ),
    );
  }

  private codeServerArgs(): string[] {
    return ["--user-data-dir", this.userDataDir, "--extensions-dir", this.extensionsDir, "--config", path.join(this.dir, "config.yaml")];
  }

  installExtension(vsix: string): string {
    const result = spawnSync(process.execPath, [this.env.codeServer, ...this.codeServerArgs(), "--install-extension", vsix], { encoding: "utf8", timeout: 120_000 });
    const output = `${result.stdout}\n${result.stderr}`;
    if (result.status !== 0 || !/successfully installed/i.test(output)) throw new Error(`code-server --install-extension ${vsix} failed (exit ${result.status}):\n${output}`);
    return output;
  }

  async start(workspace: string): Promise<void> {
    this.port = await freePort();
    const log = openSync(this.logFile, "a");
    this.server = spawn(
      process.execPath,
      [this.env.codeServer, "--auth", "none", "--bind-addr", `127.0.0.1:${this.port}`, "--disable-telemetry", "--disable-update-check", ...this.codeServerArgs(), workspace],
      // Own process group: afterAll kills code-server with its extension host, language server and ants.
      { detached: true, stdio: ["ignore", log, log], env: { ...process.env, CI: "true" } },
    );
    closeSync(log);
    await this.waitForServer();
    this.context = await chromium.launchPersistentContext(path.join(this.dir, "chromium-profile"), {
      executablePath: this.env.chromium,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1600, height: 1000 },
      // Copy Id writes the system clipboard; the test reads it back as a paste would.
      permissions: ["clipboard-read", "clipboard-write"],
      timeout: 60_000,
    });
    this.page = this.context.pages()[0] ?? (await this.context.newPage());
    this.page.setDefaultTimeout(30_000);
    await this.page.goto(`http://127.0.0.1:${this.port}/?folder=${encodeURIComponent(workspace)}`, { waitUntil: "domcontentloaded", timeout: 60_000 });
    await this.page.locator(".monaco-workbench").waitFor({ timeout: 90_000 });
  }

  private async waitForServer(): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (this.server?.exitCode !== null && this.server?.exitCode !== undefined) break;
      try {
        const response = await fetch(`http://127.0.0.1:${this.port}/healthz`);
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`code-server did not start on port ${this.port}:\n${this.logTail()}`);
  }

  logTail(lines = 40): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile, "utf8").split("\n").slice(-lines).join("\n") : "(no log)";
  }

  /** A file of the installed extension, e.g. dist/catalytic.cjs (the CLI bundled in the .vsix). */
  installedExtensionFile(relative: string): string {
    const folder = readdirSync(this.extensionsDir).find((name) => name.startsWith("catalytic.catalytic-vscode-"));
    if (!folder) throw new Error(`the extension is not installed in ${this.extensionsDir}`);
    return path.join(this.extensionsDir, folder, relative);
  }

  /** Pids of the language servers this session's extension started (matched by this session's own extensions dir). */
  languageServerPids(): number[] {
    const listing = spawnSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" }).stdout ?? "";
    const bundle = path.join(this.extensionsDir, "catalytic.catalytic-vscode-");
    return listing
      .split("\n")
      .map((line) => /^\s*(\d+)\s+(.*)$/.exec(line))
      .filter((match): match is RegExpExecArray => match !== null && match[2]!.includes(bundle) && match[2]!.includes("server.cjs"))
      .map((match) => Number(match[1]));
  }

  async screenshot(name: string): Promise<string> {
    const file = path.join(ARTIFACTS, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** Stops Chromium and the whole code-server process group; safe to call twice and after failures. */
  async stop(): Promise<void> {
    await this.context?.close().catch(() => undefined);
    this.context = undefined;
    const server = this.server;
    this.server = undefined;
    if (server?.pid) {
      killGroup(server.pid, "SIGTERM");
      const exited = await new Promise<boolean>((resolve) => {
        if (server.exitCode !== null) return resolve(true);
        const timer = setTimeout(() => resolve(false), 5000);
        server.once("exit", () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      // Children (extension host, language server, ants) may outlive code-server: the group goes down regardless.
      killGroup(server.pid, "SIGKILL");
      if (!exited) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    if (existsSync(this.logFile)) writeFileSync(path.join(ARTIFACTS, "code-server.log"), readFileSync(this.logFile));
    // VS Code's own logs, with the extension host and the "Catalytic" output channel (the language server's log).
    const logs = path.join(this.userDataDir, "logs");
    if (existsSync(logs)) {
      rmSync(path.join(ARTIFACTS, "logs"), { recursive: true, force: true });
      cpSync(logs, path.join(ARTIFACTS, "logs"), { recursive: true });
    }
    rmSync(this.dir, { recursive: true, force: true, maxRetries: 3 });
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}
