// The Catalytic extension in a real VS Code (code-server 4.100.3) in real Debian Chromium: every scenario asserts
// what a person sees. Screenshots go to tests/artifacts/vscode/. The setup installs what is missing and fails
// (never skips) when it cannot.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CLI_REQUEST, EXPECTED_STEPS, FAILING_REQUEST, GUIDE_POSITIONS, REQUEST, SCOPE_HEADING_LINE, writeFixtureWorkspace } from "./fixture.js";
import { VSIX, VsCodeSession, prepareEnvironment } from "./harness.js";
import {
  contextMenuEntry,
  cursorPosition,
  editorText,
  goToPosition,
  hidePanel,
  hoverAtCursor,
  jobsTreeLabels,
  openFile,
  pickQuickItem,
  runCommand,
  setTextSetting,
  visibleText,
  waitUntil,
  webviewFrame,
} from "./workbench.js";

const HASH = /\b[0-9a-f]{64}\b/g;

describe("Catalytic extension in VS Code (code-server + Chromium)", () => {
  let session: VsCodeSession;
  let workspace: string;

  // A setup failure fails every test with its message (a throwing beforeAll would only mark them skipped).
  let setupError: unknown;

  beforeAll(async () => {
    try {
      const env = prepareEnvironment();
      session = new VsCodeSession(env);
      workspace = writeFixtureWorkspace(path.join(session.dir, "workspace"));
      mkdirSync(workspace, { recursive: true });
      session.installExtension(VSIX);
      await session.start(workspace);
    } catch (error) {
      setupError = error;
    }
  }, 600_000);

  beforeEach(() => {
    if (setupError) throw setupError;
  });

  afterEach(async (context) => {
    if (context.task.result?.state === "fail" && session?.page) {
      await session.screenshot(`FAILED-${context.task.name.replace(/[^A-Za-z0-9]+/g, "-").slice(0, 60)}`).catch(() => undefined);
    }
  });

  afterAll(async () => {
    await session?.stop();
  }, 60_000);

  it("activates: the status bar shows the index and the Jobs view is there", async () => {
    const page = session.page;
    await openFile(page, "docs/guide.md");
    const status = page.locator('.statusbar-item[aria-label*="sections /"]');
    await status.waitFor({ timeout: 90_000 });
    // 3 symbols: @CANON/agreement and @CANON/glossary (namespace), @SPEC/scope (registry); 1 problem: @CANON/missing-terms.
    // The problem count follows the index once the workspace diagnostics settle, so the label is polled.
    await expect
      .poll(async () => (await status.getAttribute("aria-label")) ?? "", { timeout: 30_000, interval: 250 })
      .toMatch(/^\d+ sections \/ 3 symbols · 1 problem$/);
    await page.locator('.activitybar [aria-label="Catalytic"]').first().waitFor();
    await session.screenshot("01-activated");
    // The item opens the Catalytic output, with the extension's and the server's log.
    await status.click();
    const output = page.locator(".part.panel .output-view, .part.panel [id='workbench.panel.output']").first();
    await output.waitFor({ timeout: 30_000 });
    await expect.poll(() => visibleText(page.locator(".part.panel .monaco-editor .view-lines").first()), { timeout: 30_000 }).toContain("[extension] starting");
    await hidePanel(page);
  });

  it("hovering a reference shows its expansion text", async () => {
    const page = session.page;
    await goToPosition(page, GUIDE_POSITIONS.specScope.line, GUIDE_POSITIONS.specScope.column);
    const hover = await hoverAtCursor(page);
    await expect.poll(() => hover.innerText(), { timeout: 30_000 }).toContain("The scope covers compact references and bounded slices of canonical material.");
    const text = await hover.innerText();
    expect(text).toContain("@SPEC/scope");
    expect(text).toContain("canon/agreement.md");
    await session.screenshot("02-hover");
    await page.keyboard.press("Escape");
  });

  it("F12 on a reference opens the target file at the section", async () => {
    const page = session.page;
    await page.locator(".tabs-container .tab", { hasText: "guide.md" }).first().click();
    await goToPosition(page, GUIDE_POSITIONS.specScope.line, GUIDE_POSITIONS.specScope.column);
    await page.keyboard.press("F12");
    await page.locator('.tabs-container .tab.active[aria-label*="agreement.md"]').waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await cursorPosition(page)).line, { timeout: 15_000 }).toBe(SCOPE_HEADING_LINE);
    expect(await editorText(page)).toContain("## Scope");
    await session.screenshot("03-definition");
  });

  it("an unknown symbol appears in the Problems panel with its code", async () => {
    const page = session.page;
    await runCommand(page, "View: Focus Problems (Errors, Warnings, Infos)");
    const row = page.locator(".markers-panel .monaco-list-row", { hasText: "@CANON/missing-terms" }).first();
    await row.waitFor({ timeout: 60_000 });
    const text = await row.innerText();
    expect(text).toContain("CAT_SYMBOL_UNKNOWN");
    expect(text).toContain(`[Ln ${GUIDE_POSITIONS.unknown.line}, Col ${GUIDE_POSITIONS.unknown.column}]`);
    await expect.poll(() => page.locator(".markers-panel .monaco-list-row", { hasText: "guide.md" }).count()).toBeGreaterThan(0);
    await session.screenshot("04-problems");
  });

  it("Build Index reports the index it built", async () => {
    const page = session.page;
    await runCommand(page, "Catalytic: Build Index");
    const toast = page.locator(".notifications-toasts .notification-toast", { hasText: "Catalytic index built:" }).first();
    await toast.waitFor({ timeout: 60_000 });
    expect(await visibleText(toast)).toMatch(/Catalytic index built: 3 files, \d+ sections, 3 symbols, 1 problem\./);
    await session.screenshot("05-build-index");
    await runCommand(page, "Notifications: Clear All Notifications");
    await toast.waitFor({ state: "hidden" });
  });

  it("Resolve Symbol… shows the bounded expansion in a read-only editor", async () => {
    const page = session.page;
    await runCommand(page, "Catalytic: Resolve Symbol…");
    await pickQuickItem(page, "@SPEC/scope");
    await page.locator('.tabs-container .tab.active[aria-label*="SPEC_scope.md"]').waitFor({ timeout: 30_000 });
    await expect.poll(() => editorText(page)).toContain("The scope covers compact references and bounded slices of canonical material.");
    const text = await editorText(page);
    expect(text).toContain("<!-- @SPEC/scope -> canon/agreement.md lines 5-8 (Agreement > Scope)");
    expect(text).toMatch(/slice head\(4000\) \(config_default\), 89 bytes, content [0-9a-f]{64}/);
    await page.keyboard.type("typed");
    await page.waitForTimeout(500);
    expect(await editorText(page)).not.toContain("typed");
    await session.screenshot("06-resolve-symbol");
  });

  it("Bundle for Intent… opens the context pack for an intent", async () => {
    const page = session.page;
    await runCommand(page, "Catalytic: Bundle for Intent…");
    const input = page.locator(".quick-input-widget .quick-input-box input");
    await input.waitFor();
    await input.fill("bounded slices @SPEC/scope");
    await page.keyboard.press("Enter");
    await page.locator('.tabs-container .tab.active[aria-label*="bundle_"]').waitFor({ timeout: 60_000 });
    await expect.poll(() => editorText(page)).toContain("# Context bundle: bounded slices @SPEC/scope");
    const text = await editorText(page);
    expect(text).toMatch(/`@SPEC\/scope` · canon\/agreement\.md:4-8 `head\(4000\)` · Agreement > Scope · [0-9a-f]{8} · \d+ tokens · ref/);
    expect(text).toContain("The scope covers compact references and bounded slices of canonical material.");
    const toast = page.locator(".notifications-toasts .notification-toast", { hasText: "Catalytic: bundle_" }).first();
    expect(await visibleText(toast)).toMatch(/Catalytic: bundle_[0-9a-f]{16}: \d+ items?, \d+ of 4000 tokens \(whole files: \d+\)\./);
    await session.screenshot("06b-bundle-for-intent");
    await runCommand(page, "Notifications: Clear All Notifications");
  });

  it("Plan Request (dry run) shows the plan and posts nothing", async () => {
    const page = session.page;
    await openFile(page, "requests/summarise.json");
    await runCommand(page, "Catalytic: Plan Request");
    const toast = page.locator(".notifications-toasts .notification-toast", { hasText: "dry run, nothing posted" }).first();
    await toast.waitFor({ timeout: 60_000 });
    expect(await visibleText(toast)).toMatch(new RegExp(`Catalytic: plan [0-9a-f]{12} has ${EXPECTED_STEPS} steps \\(dry run, nothing posted\\)\\.`));
    await page.locator(`.tabs-container .tab.active[aria-label*="${REQUEST.request_id}.plan.json"]`).waitFor();
    const text = await editorText(page);
    expect(text).toContain(`"run_id": "${REQUEST.run_id}"`);
    expect(text).toContain(`"request_id": "${REQUEST.request_id}"`);
    expect(text).toMatch(/"step_id": "step_[0-9a-f]{16}",\s+"ordinal": 1,\s+"op": "READ_SYMBOL"/);
    expect(existsSync(path.join(workspace, ".catalytic", "cassette.db"))).toBe(false);
    await session.screenshot("07-plan-dry-run");
    await runCommand(page, "Notifications: Clear All Notifications");
  });

  it("Plan Request with no request file open asks for one in the open dialog", async () => {
    const page = session.page;
    await openFile(page, "docs/guide.md");
    await runCommand(page, "Catalytic: Plan Request");
    // VS Code's own file dialog (the simple one in a browser), starting in the workspace.
    const input = page.locator(".quick-input-widget .quick-input-box input");
    await waitUntil(page, "the open dialog at the workspace", async () => (await input.inputValue()).startsWith(workspace), 30_000);
    await page.locator(".quick-input-widget", { hasText: "Catalytic: pick a plan request (JSON)" }).waitFor();
    await input.fill(path.join(workspace, "requests") + path.sep);
    // Clicking a file in the dialog's list picks it.
    await page.locator(".quick-input-widget .monaco-list-row", { hasText: "cli-notes.json" }).first().click();
    await page.locator(".quick-input-widget").waitFor({ state: "hidden", timeout: 15_000 });
    const toast = page.locator(".notifications-toasts .notification-toast", { hasText: "has 2 steps (dry run, nothing posted)" }).first();
    await toast.waitFor({ timeout: 60_000 });
    await page.locator(`.tabs-container .tab.active[aria-label*="${CLI_REQUEST.request_id}.plan.json"]`).waitFor();
    expect(await editorText(page)).toContain(`"run_id": "${CLI_REQUEST.run_id}"`);
    expect(existsSync(path.join(workspace, ".catalytic", "cassette.db"))).toBe(false);
    await session.screenshot("07b-plan-picked-file");
    await runCommand(page, "Notifications: Clear All Notifications");
  });

  it("Plan and Post Request adds the job with its steps to the Jobs tree", async () => {
    const page = session.page;
    await openFile(page, "requests/summarise.json");
    await runCommand(page, "Catalytic: Plan and Post Request");
    const jobRow = page.locator(`[id="workbench.view.extension.catalytic"] .monaco-list-row[aria-label^="job ${REQUEST.intent}, ${EXPECTED_STEPS} steps"]`);
    await jobRow.waitFor({ timeout: 60_000 });
    await waitUntil(page, `${EXPECTED_STEPS} step rows in the Jobs tree`, async () => (await jobsTreeLabels(page)).filter((label) => label.startsWith("step ")).length === EXPECTED_STEPS);
    const labels = await jobsTreeLabels(page);
    expect(labels.find((label) => label.startsWith("run "))).toContain(REQUEST.run_id);
    expect(labels.find((label) => label.startsWith("job "))).toBe(`job ${REQUEST.intent}, ${EXPECTED_STEPS} steps, 0/${EXPECTED_STEPS} committed`);
    const steps = labels.filter((label) => label.startsWith("step "));
    expect(steps, JSON.stringify(steps)).toHaveLength(EXPECTED_STEPS);
    expect(steps.every((label) => label.endsWith(", pending"))).toBe(true);
    expect(steps.filter((label) => label.includes("READ_SYMBOL"))).toHaveLength(REQUEST.inputs.symbols.length);
    expect(steps.filter((label) => label.includes("WRITE_FILE out/status.md"))).toHaveLength(1);
    await session.screenshot("08-plan-and-post");
  });

  it("Execute Job turns every step committed in the tree and in the run panel", async () => {
    const page = session.page;
    await runCommand(page, "Catalytic: Execute Job…");
    await pickQuickItem(page, REQUEST.intent);
    const workers = page.locator(".quick-input-widget .quick-input-box input");
    await workers.waitFor({ state: "visible" });
    expect(await workers.inputValue()).toBe("2");
    await page.keyboard.press("Enter");
    const panel = await webviewFrame(page, `#run-panel[data-run="${REQUEST.run_id}"]`, 60_000);
    await waitUntil(page, "the run panel to show the job done", async () => (await panel.locator('#run-panel[data-done="true"]').count()) === 1, 120_000);
    expect(await panel.locator("#committed-count").innerText()).toBe(`${EXPECTED_STEPS} / ${EXPECTED_STEPS}`);
    expect(await panel.locator("#job-state").innerText()).toBe("Job complete: every step committed");
    const statuses = await panel.locator("#steps .step-status").allInnerTexts();
    expect(statuses).toEqual(Array.from({ length: EXPECTED_STEPS }, () => "committed (success)"));
    await waitUntil(page, "the Execute Job result in the run panel", async () => (await panel.locator("#execution").innerText()).includes("exit 0"), 60_000);
    await waitUntil(page, "every step committed in the Jobs tree", async () => {
      const steps = (await jobsTreeLabels(page)).filter((label) => label.startsWith("step "));
      return steps.length === EXPECTED_STEPS && steps.every((label) => label.endsWith(", committed (success)"));
    });
    expect((await jobsTreeLabels(page)).find((label) => label.startsWith("job "))).toBe(`job ${REQUEST.intent}, ${EXPECTED_STEPS} steps, ${EXPECTED_STEPS}/${EXPECTED_STEPS} committed`);
    expect(readFileSync(path.join(workspace, "out/status.md"), "utf8")).toBe("status: done\n");
    await session.screenshot("09-executed");
  });

  it("a receipt shows its expanded items and hashes, and links open the section", async () => {
    const page = session.page;
    await runCommand(page, "Catalytic: Show Receipt…");
    await pickQuickItem(page, REQUEST.intent);
    await pickQuickItem(page, "READ_SYMBOL @SPEC/scope");
    const receipt = await webviewFrame(page, "#receipt #expanded", 60_000);
    const items = receipt.locator("#expanded .expanded-item");
    await expect.poll(() => items.count()).toBeGreaterThan(0);
    const itemText = await items.first().innerText();
    expect(itemText).toContain("@SPEC/scope");
    expect(itemText.match(HASH)?.length ?? 0).toBeGreaterThanOrEqual(1);
    const body = await receipt.locator("#receipt").innerText();
    expect(body).toContain("Receipt hash");
    expect(body).toContain("Previous receipt hash");
    expect(body.match(HASH)?.length ?? 0).toBeGreaterThanOrEqual(3);
    await session.screenshot("10-receipt");
    await receipt.locator("#expanded a[data-location]").first().click();
    await page.locator('.tabs-container .tab.active[aria-label*="agreement.md"]').waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await cursorPosition(page)).line, { timeout: 15_000 }).toBe(SCOPE_HEADING_LINE);
  });

  it("a write's receipt shows before/after hashes and opens the diff", async () => {
    const page = session.page;
    await runCommand(page, "Catalytic: Show Receipt…");
    await pickQuickItem(page, REQUEST.intent);
    await pickQuickItem(page, "WRITE_FILE out/status.md");
    const receipt = await webviewFrame(page, "#receipt #actions button[data-diff]", 60_000);
    const write = await receipt.locator("#actions .action-item", { hasText: "out/status.md" }).first().innerText();
    expect(write).toMatch(/before\s+[0-9a-f]{64}\s+after\s+[0-9a-f]{64}/);
    await receipt.locator("#actions button[data-diff]").first().click();
    const diff = page.locator(".monaco-diff-editor").first();
    await diff.waitFor({ timeout: 30_000 });
    await expect.poll(() => visibleText(diff), { timeout: 30_000 }).toContain("status: done");
    expect(await visibleText(diff)).toContain("status: draft");
    await session.screenshot("11-diff");
  });

  it("the job's context menu opens its stored plan, copies its id and shows its run panel", async () => {
    const page = session.page;
    const jobRow = page.locator(`[id="workbench.view.extension.catalytic"] .monaco-list-row[aria-label^="job ${REQUEST.intent}"]`).first();
    await hidePanel(page);
    await contextMenuEntry(page, jobRow, "Open Plan");
    await page.locator('.tabs-container .tab.active[aria-label*=".plan.json"]').waitFor({ timeout: 30_000 });
    // catalytic/getPlan: the plan as stored in the cassette, its hash re-checked over the stored steps.
    const top = await editorText(page);
    const jobId = /"job_id": "(job_[0-9a-f]+)"/.exec(top)?.[1];
    expect(jobId, top).toBeDefined();
    expect(top).toContain(`"run_id": "${REQUEST.run_id}"`);
    expect(top).toMatch(/"message_id": "\S+"/);
    expect(top).toMatch(/"plan_hash": "[0-9a-f]{64}"/);
    expect(top).toContain('"plan_hash_verified": true');
    expect(top).toMatch(/"plan": \{\s+"run_id": "run_vscode_e2e",\s+"request_id": "req_vscode_e2e",\s+"planner_version": "[^"]+",\s+"schema_version": "?[^",]+"?,\s+"steps": \[/);
    // Steps as stored (canonical JSON, keys sorted).
    expect(top).toMatch(/"op": "READ_SYMBOL",\s+"ordinal": 1,\s+"refs": \{\s+"slice": "head\(4000\)",\s+"symbol_id": "@CANON\/agreement"\s+\},\s+"step_id": "step_[0-9a-f]{16}"/);
    // The request it was posted with closes the document.
    await page.keyboard.press("Control+End");
    await expect.poll(() => editorText(page)).toContain(`"intent": "${REQUEST.intent}"`);
    expect(await editorText(page)).toContain('"content": "status: done\\n"');
    await page.keyboard.type("typed");
    await page.waitForTimeout(500);
    expect(await editorText(page)).not.toContain("typed");
    await session.screenshot("11b-open-plan");

    await contextMenuEntry(page, jobRow, "Copy Id");
    await page.locator(".statusbar-item", { hasText: `Copied ${jobId}` }).first().waitFor({ timeout: 15_000 });
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(jobId);

    await runCommand(page, "View: Close All Editors");
    await contextMenuEntry(page, jobRow, "Show Run Panel");
    const panel = await webviewFrame(page, `#run-panel[data-job="${jobId}"]`, 60_000);
    expect(await panel.locator("#committed-count").innerText()).toBe(`${EXPECTED_STEPS} / ${EXPECTED_STEPS}`);
    expect(await panel.locator("#job-state").innerText()).toBe("Job complete: every step committed");
    // Workers with what each committed (2 ants share the 5 steps), bytes expanded and elapsed time.
    const workers = await panel.locator("#workers tbody tr").evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll("td")].map((cell) => cell.textContent ?? "")));
    expect(workers.length).toBeGreaterThanOrEqual(1);
    for (const [worker] of workers) expect(worker).toMatch(/^ant-/);
    expect(workers.reduce((sum, row) => sum + Number(row[1]), 0)).toBe(EXPECTED_STEPS);
    const summary = await visibleText(panel.locator("#summary"));
    expect(summary).toMatch(/\b[1-9][\d.]* (B|KiB)\s+expanded/);
    expect(await panel.locator("#elapsed").innerText()).toMatch(/^\d+(\.\d)? (ms|s)$|^\d+ min \d+ s$/);
    // The page VS Code shows: our strict CSP, nothing fetched from the network, colours from the theme.
    const shown = await panel.evaluate(() => ({
      csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute("content") ?? "",
      remote: [...document.querySelectorAll("[src],[href]")].map((element) => element.getAttribute("src") ?? element.getAttribute("href") ?? "").filter((url) => /^(https?:)?\/\//.test(url)),
      fetched: performance.getEntriesByType("resource").map((entry) => entry.name).filter((url) => !["127.0.0.1", "localhost"].includes(new URL(url).hostname)),
      color: getComputedStyle(document.body).color,
      themeForeground: getComputedStyle(document.documentElement).getPropertyValue("--vscode-foreground").trim(),
    }));
    // webview.cspSource is the webview's own origin ('self' https://*.vscode-cdn.net here): the only host allowed.
    const own = "'self' https://\\*\\.vscode-cdn\\.net";
    expect(shown.csp).toMatch(
      new RegExp(`^default-src 'none'; img-src ${own} data:; font-src ${own}; style-src ${own} 'nonce-[^']+'; script-src 'nonce-[^']+'; connect-src 'none'; frame-src 'none'; form-action 'none'; base-uri 'none'$`),
    );
    expect(shown.remote).toEqual([]);
    expect(shown.fetched).toEqual([]);
    // The body's text colour is the theme's --vscode-foreground (e.g. #cccccc -> rgb(204, 204, 204)).
    const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(shown.themeForeground);
    expect(hex, shown.themeForeground).not.toBeNull();
    expect(shown.color).toBe(`rgb(${hex!.slice(1).map((part) => parseInt(part, 16)).join(", ")})`);
    await session.screenshot("11c-run-panel-from-menu");
  });

  it("the run panel shows tokens expanded and the savings; Show Report draws the run's charts in a webview", async () => {
    const page = session.page;
    const cli = session.installedExtensionFile("dist/catalytic.cjs");
    const catalytic = (...args: string[]) => {
      const result = spawnSync(process.execPath, [cli, "--root", workspace, "--json", ...args], { encoding: "utf8", timeout: 60_000 });
      expect(result.status, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as { posted?: { job_id: string } };
    };
    const request = { run_id: "run_report", request_id: "req_report", intent: "Report on the scope", inputs: { symbols: ["@SPEC/scope"], files: ["docs/guide.md"] } };
    const requestFile = path.join(workspace, "requests", "report.json");
    writeFileSync(requestFile, JSON.stringify(request));
    catalytic("build");
    const jobId = catalytic("plan", "--request-file", requestFile).posted!.job_id;
    catalytic("execute", "--run-id", request.run_id, "--job-id", jobId, "--workers", "1");

    await runCommand(page, "Catalytic: Show Run Panel");
    await pickQuickItem(page, request.intent);
    const panel = await webviewFrame(page, `#run-panel[data-job="${jobId}"][data-done="true"]`, 60_000);
    expect(Number((await panel.locator("#tokens-expanded").innerText()).replace(/,/g, ""))).toBeGreaterThan(0);
    expect(await panel.locator("#savings").innerText()).toMatch(/^\d+\.\d%$/);

    await runCommand(page, "Catalytic: Show Report");
    await pickQuickItem(page, request.run_id);
    const report = await webviewFrame(page, "body[data-charts=drawn]", 60_000);
    // Two steps: a baseline and an expanded bar each, drawn with a height; the timeline has both lines.
    const bars = await report.$$eval("#chart-bars svg .ct-series line.ct-bar", (lines) => lines.map((line) => line.getBoundingClientRect().height));
    expect(bars).toHaveLength(4);
    expect(bars.filter((height) => height > 0).length).toBeGreaterThanOrEqual(3);
    expect(await report.$$eval("#chart-timeline svg path.ct-line", (paths) => paths.length)).toBe(2);
    expect(await report.locator("#figure-ratio").innerText()).toMatch(/%$/);
    const page_ = await report.evaluate(() => ({
      csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute("content") ?? "",
      remote: [...document.querySelectorAll("[src],[href]")].map((element) => element.getAttribute("src") ?? element.getAttribute("href") ?? ""),
    }));
    expect(page_.csp).toContain("default-src 'none'");
    expect(page_.csp).toMatch(/script-src 'nonce-[^']+'/);
    expect(page_.remote).toEqual([]);
    await session.screenshot("11d-report");
  });

  it("Verify Cassette reports every check passed", async () => {
    const page = session.page;
    await runCommand(page, "Notifications: Clear All Notifications");
    await runCommand(page, "Catalytic: Verify Cassette");
    const toast = page.locator(".notifications-toasts .notification-toast", { hasText: "cassette verified" }).first();
    await toast.waitFor({ timeout: 60_000 });
    expect(await visibleText(toast)).toMatch(/Catalytic: cassette verified, [1-9]\d* checks passed\./);
  });

  it("Restore Run… puts the written file back", async () => {
    const page = session.page;
    await runCommand(page, "Catalytic: Restore Run…");
    await pickQuickItem(page, REQUEST.run_id);
    const dialog = page.locator(".monaco-dialog-box");
    await dialog.waitFor({ timeout: 30_000 });
    expect(await visibleText(dialog)).toContain(`Restore every file run ${REQUEST.run_id} wrote to its content before the run?`);
    await dialog.locator(".monaco-button", { hasText: "Restore" }).first().click();
    const toast = page.locator(".notifications-toasts .notification-toast", { hasText: "restored" }).first();
    await toast.waitFor({ timeout: 60_000 });
    expect(await visibleText(toast)).toContain(`Catalytic: restored 1 file of run ${REQUEST.run_id}.`);
    expect(readFileSync(path.join(workspace, "out/status.md"), "utf8")).toBe("status: draft\n");
    await session.screenshot("12-restored");
  });

  it("jobs posted and executed outside VS Code show up live in the Jobs tree", async () => {
    const page = session.page;
    const cli = session.installedExtensionFile("dist/catalytic.cjs");
    const catalytic = (...args: string[]) => {
      // Command-line paths are relative to the current folder (docs/cli.md), as a user in the workspace types them.
      const result = spawnSync(process.execPath, [cli, "--root", workspace, "--json", ...args], { cwd: workspace, encoding: "utf8", timeout: 60_000 });
      expect(result.status, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as Record<string, unknown>;
    };
    const posted = JSON.stringify(catalytic("plan", "--request-file", "requests/cli-notes.json"));
    const jobId = /"(job_[0-9a-f]+)"/.exec(posted)?.[1];
    expect(jobId, posted).toBeDefined();
    const steps = CLI_REQUEST.inputs.notes.length;
    const jobRow = page.locator(`[id="workbench.view.extension.catalytic"] .monaco-list-row[aria-label="job ${CLI_REQUEST.intent}, ${steps} steps, 0/${steps} committed"]`);
    await jobRow.waitFor({ timeout: 30_000 });
    await jobRow.click();
    await page.keyboard.press("ArrowRight");
    await waitUntil(page, "the CLI job's steps, pending", async () => (await jobsTreeLabels(page)).filter((label) => label.includes("NOTE") && label.endsWith(", pending")).length === steps);
    catalytic("execute", "--run-id", CLI_REQUEST.run_id, "--job-id", jobId!, "--workers", "1");
    // No command, no click: the server's catalytic/jobsChanged alone updates the tree.
    await waitUntil(page, "the CLI job committed in the tree", async () => {
      const labels = await jobsTreeLabels(page);
      return labels.includes(`job ${CLI_REQUEST.intent}, ${steps} steps, ${steps}/${steps} committed`) && labels.filter((label) => label.includes("NOTE") && label.endsWith(", committed (success)")).length === steps;
    });
    await session.screenshot("13-live-cli-job");
  });

  it("the run panel follows ants live and shows a failure with its error", async () => {
    const page = session.page;
    await runCommand(page, "Notifications: Clear All Notifications");
    await openFile(page, "requests/failing.json");
    await runCommand(page, "Catalytic: Plan and Post Request");
    await page.locator(`[id="workbench.view.extension.catalytic"] .monaco-list-row[aria-label^="job ${FAILING_REQUEST.intent}, 2 steps"]`).waitFor({ timeout: 60_000 });
    await runCommand(page, "Catalytic: Execute Job…");
    await pickQuickItem(page, FAILING_REQUEST.intent);
    await page.locator(".quick-input-widget .quick-input-box input").fill("1");
    await page.keyboard.press("Enter");
    const panel = await webviewFrame(page, `#run-panel[data-run="${FAILING_REQUEST.run_id}"]`, 60_000);
    // While the test sleeps an ant holds its lease: the panel shows it without any refresh.
    await waitUntil(page, "the RUN_TEST step leased in the run panel", async () => (await panel.locator(".step-row", { hasText: "RUN_TEST" }).locator(".step-status").innerText()).startsWith("leased by ant-"), 30_000);
    expect(await panel.locator("#execution").innerText()).toBe("Executing with 1 ant…");
    await session.screenshot("14-run-panel-live");
    await waitUntil(page, "the job to finish", async () => (await panel.locator('#run-panel[data-done="true"]').count()) === 1, 60_000);
    expect(await panel.locator("#job-state").innerText()).toBe("Job finished with failures");
    expect(await panel.locator(".step-row", { hasText: "RUN_TEST" }).locator(".step-status").innerText()).toBe("committed (failure)");
    const failure = await panel.locator("#failures tbody tr").first().innerText();
    expect(failure).toContain("RUN_TEST");
    expect(failure).toContain("CAT_TEST_FAILED");
    await waitUntil(page, "the failed execution in the run panel", async () => /failed|exit 1/.test(await panel.locator("#execution").innerText()), 30_000);
    await waitUntil(page, "the failed step in the Jobs tree", async () => (await jobsTreeLabels(page)).some((label) => label.includes("RUN_TEST slow-fail") && label.endsWith(", committed (failure)")));
    expect((await jobsTreeLabels(page)).find((label) => label.startsWith(`job ${FAILING_REQUEST.intent}`))).toBe(`job ${FAILING_REQUEST.intent}, 2 steps, 2/2 committed · 1 failed`);
    await session.screenshot("15-run-panel-failure");
  });

  it("restarts the language server after it crashes", async () => {
    const page = session.page;
    const before = session.languageServerPids();
    expect(before).toHaveLength(1);
    process.kill(before[0]!, "SIGKILL");
    await page.locator('.statusbar-item[aria-label="Catalytic: server stopped"]').waitFor({ timeout: 30_000 });
    await session.screenshot("16-server-stopped");
    await page.locator('.statusbar-item[aria-label*="sections /"]').waitFor({ timeout: 60_000 });
    const after = session.languageServerPids();
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(before[0]);
    // The new server answers: hover works again.
    await openFile(page, "docs/guide.md");
    await goToPosition(page, GUIDE_POSITIONS.specScope.line, GUIDE_POSITIONS.specScope.column);
    const hover = await hoverAtCursor(page);
    await expect.poll(() => visibleText(hover), { timeout: 30_000 }).toContain("bounded slices of canonical material");
    await page.keyboard.press("Escape");
  });

  it("a missing Node runtime shows a notification with the fix", async () => {
    const page = session.page;
    await runCommand(page, "Notifications: Clear All Notifications");
    const missing = path.join(session.dir, "no-such-node");
    await setTextSetting(page, "catalytic.server.runtime", missing);
    const toast = page.locator(".notifications-toasts .notification-toast", { hasText: "could not start the Node.js runtime" }).first();
    await toast.waitFor({ timeout: 60_000 });
    const text = await visibleText(toast);
    expect(text).toContain(`"${missing}"`);
    expect(text).toContain('Install Node.js 20 or newer, or set "catalytic.server.runtime"');
    await toast.getByRole("button", { name: "Open Settings" }).waitFor();
    expect(session.languageServerPids()).toEqual([]);
    // Requests cut off by the stop are expected: no "Request … failed" noise next to the real message.
    expect(await page.locator(".notifications-toasts .notification-toast", { hasText: /Request .* failed/ }).count()).toBe(0);
    await session.screenshot("17-runtime-missing");
    await runCommand(page, "Notifications: Clear All Notifications");
    await setTextSetting(page, "catalytic.server.runtime", "node");
    await page.locator('.statusbar-item[aria-label*="sections /"]').waitFor({ timeout: 60_000 });
    expect(session.languageServerPids()).toHaveLength(1);
  });

  it("an old Node runtime is refused, another major gets a warning", async () => {
    const page = session.page;
    const fakeNode = (name: string, version: string) => {
      // Answers --version like the given Node; anything else runs the real Node (so a server can start).
      const file = path.join(session.dir, name);
      writeFileSync(file, `#!/bin/sh\nif [ "$1" = "--version" ]; then echo v${version}; exit 0; fi\nexec "${process.execPath}" "$@"\n`, { mode: 0o755 });
      return file;
    };
    await runCommand(page, "Notifications: Clear All Notifications");
    const old = fakeNode("node18", "18.19.0");
    await setTextSetting(page, "catalytic.server.runtime", old);
    const refused = page.locator(".notifications-toasts .notification-toast", { hasText: "needs Node.js 20 or newer" }).first();
    await refused.waitFor({ timeout: 60_000 });
    expect(await visibleText(refused)).toContain(`The Catalytic language server needs Node.js 20 or newer; "${old}" is 18.19.0.`);
    expect(session.languageServerPids()).toEqual([]);
    await session.screenshot("18-runtime-too-old");

    await runCommand(page, "Notifications: Clear All Notifications");
    const newer = fakeNode("node22", "22.1.0");
    await setTextSetting(page, "catalytic.server.runtime", newer);
    const warned = page.locator(".notifications-toasts .notification-toast", { hasText: "was built for Node 20" }).first();
    await warned.waitFor({ timeout: 60_000 });
    expect(await visibleText(warned)).toContain(`"${newer}" is Node 22.1.0, so the index and the cassette may fail to open.`);
    await page.locator('.statusbar-item[aria-label*="sections /"]').waitFor({ timeout: 60_000 });
    expect(session.languageServerPids()).toHaveLength(1);

    await runCommand(page, "Notifications: Clear All Notifications");
    await setTextSetting(page, "catalytic.server.runtime", "node");
    await page.locator('.statusbar-item[aria-label*="sections /"]').waitFor({ timeout: 60_000 });
  });
});
