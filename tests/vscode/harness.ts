// Real VS Code (code-server) in real Debian Chromium, driven by playwright-core: processes, pages and helpers.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type Frame, type Locator, type Page } from "playwright-core";
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
  if (!existsSync(VSIX)) throw new Error(`${VSIX} is missing: build the extension first (pnpm --filter catalytic-vscode... build).`);
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

// ---- Workbench helpers: what a person does with keyboard and mouse ----

/** Opens the quick input with F1 and types into it; retries when a focus change closed it in between. */
export async function quickInput(page: Page, prefixedText: string): Promise<void> {
  const input = page.locator(".quick-input-widget .quick-input-box input");
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press("F1");
    try {
      await input.waitFor({ state: "visible", timeout: 5000 });
      await input.fill(prefixedText, { timeout: 5000 });
      return;
    } catch (error) {
      if (attempt === 3) throw error;
      await page.keyboard.press("Escape");
      await page.waitForTimeout(500);
    }
  }
}

/** Changes a text setting in the Settings editor, as a person would, then closes the editor. */
export async function setTextSetting(page: Page, key: string, value: string): Promise<void> {
  await runCommand(page, "Preferences: Open User Settings");
  await page.locator(".settings-editor").waitFor();
  await page.keyboard.type(key);
  const input = page.locator(`.settings-editor input[aria-label="${key}"]`);
  await input.waitFor({ state: "visible" });
  await input.fill(value);
  await input.press("Tab");
  // The Settings editor writes after a short debounce; closing the editor flushes it.
  await page.waitForTimeout(1000);
  await runCommand(page, "View: Close Editor");
  await page.locator(".settings-editor").waitFor({ state: "detached" });
}

/** Runs a command from the palette by its title, e.g. "Catalytic: Plan and Post Request". */
export async function runCommand(page: Page, title: string): Promise<void> {
  await quickInput(page, `>${title}`);
  const row = page.locator(".quick-input-widget .monaco-list-row", { hasText: title }).first();
  await row.waitFor({ state: "visible" });
  await row.click();
}

/** Picks a row of the open quick pick by its text. */
export async function pickQuickItem(page: Page, text: string | RegExp): Promise<void> {
  const row = page.locator(".quick-input-widget .monaco-list-row", { hasText: text }).first();
  await row.waitFor({ state: "visible" });
  await row.click();
}

export async function openFile(page: Page, relativePath: string): Promise<void> {
  await quickInput(page, relativePath);
  const row = page.locator(".quick-input-widget .monaco-list-row", { hasText: path.basename(relativePath) }).first();
  await row.waitFor({ state: "visible" });
  await page.keyboard.press("Enter");
  await page.locator(`.tabs-container .tab.active[aria-label*="${path.basename(relativePath)}"]`).waitFor();
  await page.locator(".editor-instance .monaco-editor .view-lines").first().waitFor();
}

/** Moves the cursor to a 1-based line and column with "Go to Line/Column". */
export async function goToPosition(page: Page, line: number, column: number): Promise<void> {
  await quickInput(page, `:${line}:${column}`);
  await page.keyboard.press("Enter");
  await page.locator(".quick-input-widget").waitFor({ state: "hidden" });
  await expectCursorAt(page, line, column);
}

export async function cursorPosition(page: Page): Promise<{ line: number; column: number }> {
  const text = (await page.locator("#status\\.editor\\.selection").innerText()).trim();
  const match = /Ln (\d+), Col (\d+)/.exec(text);
  if (!match) throw new Error(`no cursor position in the status bar: ${JSON.stringify(text)}`);
  return { line: Number(match[1]), column: Number(match[2]) };
}

export async function expectCursorAt(page: Page, line: number, column?: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  let last = { line: 0, column: 0 };
  while (Date.now() < deadline) {
    last = await cursorPosition(page).catch(() => last);
    if (last.line === line && (column === undefined || last.column === column)) return;
    await page.waitForTimeout(200);
  }
  throw new Error(`cursor at Ln ${last.line}, Col ${last.column}, expected Ln ${line}${column === undefined ? "" : `, Col ${column}`}`);
}

/** The visible lines of the active editor as plain text (Monaco renders spaces as no-break spaces). */
export async function editorText(page: Page): Promise<string> {
  const lines = await page.locator(".editor-instance .monaco-editor .view-line").allInnerTexts();
  return lines.join("\n").replace(/\u00a0/g, " ");
}

export async function visibleText(locator: Locator): Promise<string> {
  return (await locator.innerText()).replace(/\u00a0/g, " ");
}

/** Hovers the mouse over the editor cursor (the character right after it), as a person pointing at a word would. */
export async function hoverAtCursor(page: Page): Promise<Locator> {
  const cursor = page.locator(".editor-instance .monaco-editor .cursors-layer .cursor").first();
  const box = await cursor.boundingBox();
  if (!box) throw new Error("the editor cursor is not visible");
  await page.mouse.move(box.x + 6, box.y + box.height / 2);
  await page.mouse.move(box.x + 8, box.y + box.height / 2);
  const hover = page.locator(".monaco-hover:not(.hidden)").filter({ hasText: /\S/ }).first();
  await hover.waitFor({ state: "visible" });
  return hover;
}

/** Waits until a webview frame shows `selector`; webviews are iframes inside iframes. */
export async function webviewFrame(page: Page, selector: string, timeoutMs = 60_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      const found = await frame
        .locator(selector)
        .count()
        .catch(() => 0);
      if (found > 0) return frame;
    }
    await page.waitForTimeout(300);
  }
  throw new Error(`no webview shows ${selector}`);
}

/** Polls until `check` returns true (for UI state that changes as ants work). */
export async function waitUntil(page: Page, what: string, check: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await page.waitForTimeout(300);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The Jobs tree rows (their aria labels) currently rendered. */
export async function jobsTreeLabels(page: Page): Promise<string[]> {
  return page.locator('[id="workbench.view.extension.catalytic"] .monaco-list-row').evaluateAll((rows) => rows.map((row) => row.getAttribute("aria-label") ?? ""));
}
