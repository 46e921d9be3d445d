// Workbench helpers: what a person does with keyboard and mouse in VS Code (code-server) pages.
import path from "node:path";
import type { Frame, Locator, Page } from "playwright-core";

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

/** Right-clicks a row and runs a context menu entry, as a person would (hover, then Enter). */
export async function contextMenuEntry(page: Page, row: Locator, entry: string): Promise<void> {
  await row.click({ button: "right" });
  const item = page.locator(".context-view .monaco-menu .action-item", { hasText: entry }).first();
  await item.hover();
  await waitUntil(page, `the context menu entry "${entry}" focused`, () => item.evaluate((element) => element.classList.contains("focused")), 15_000);
  await page.keyboard.press("Enter");
  await page.locator(".context-view .monaco-menu").waitFor({ state: "detached", timeout: 15_000 }).catch(() => undefined);
}

/** Hides the bottom panel (Problems, Output…) when it is open, so editors get the whole height. */
export async function hidePanel(page: Page): Promise<void> {
  if (!(await page.locator(".part.panel").first().isVisible())) return;
  await runCommand(page, "View: Hide Panel");
  await page.locator(".part.panel").first().waitFor({ state: "hidden", timeout: 15_000 });
}
