// Requests sent right after `initialized`, while a workspace of thousands of files is still being indexed
// (what a headless Neovim does): they wait for the first index, bounded and cancellable, and never answer
// from an empty model ("unknown symbol").
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { CancellationTokenSource } from "vscode-jsonrpc/node.js";
import type { CompletionItem, CompletionList, Hover, Location } from "vscode-languageserver-protocol";
import { FIXTURES, LspClient, copyToTemp, removeTemp } from "./client.js";

const FILES = 4000;

/** The basic fixture plus FILES generated notes: big enough that the first index takes a while. */
function bigWorkspace(): string {
  const root = copyToTemp(path.join(FIXTURES, "basic"), "catalytic-ready-");
  const dir = path.join(root, "notes/generated");
  mkdirSync(dir, { recursive: true });
  const body = "Some prose that mentions @CANON/plan#steps and @CANON/tools.\n\n".repeat(20);
  for (let i = 0; i < FILES; i++) writeFileSync(path.join(dir, `note-${i}.md`), `# Note ${i}\n\n${body}## Details ${i}\n\n${body}`);
  return root;
}

const readyAnnounced = (client: LspClient): boolean =>
  client.notifications.some((n) => n.method === "catalytic/indexStatusChanged" && (n.params as { state: string }).state === "ready");

async function withBigWorkspace(run: (client: LspClient, uri: string) => Promise<void>, initializationOptions: Record<string, unknown> = {}): Promise<void> {
  const root = bigWorkspace();
  const client = await LspClient.start(root, { initializationOptions });
  try {
    // Straight after `initialized`, as Neovim does: the index cannot be loaded yet.
    const uri = await client.open("notes/usage.md", readFileSync(path.join(root, "notes/usage.md"), "utf8"));
    expect(readyAnnounced(client)).toBe(false);
    await run(client, uri);
  } finally {
    await client.stop();
    removeTemp(root);
  }
}

describe("requests before the first index is loaded", () => {
  test("hover, definition and completion wait for the index and answer correctly", async () => {
    await withBigWorkspace(async (client, uri) => {
      const [hover, definition, completion] = await Promise.all([
        client.request<Hover | null>("textDocument/hover", { textDocument: { uri }, position: { line: 2, character: 10 } }),
        client.request<Location | null>("textDocument/definition", { textDocument: { uri }, position: { line: 2, character: 10 } }),
        client.request<CompletionList | CompletionItem[] | null>("textDocument/completion", { textDocument: { uri }, position: { line: 2, character: 13 } }),
      ]);
      const value = (hover?.contents as { value: string } | undefined)?.value ?? "";
      expect(value).toContain("**@CANON/agreement#scope**");
      expect(value).not.toContain("CAT_SYMBOL_UNKNOWN");
      expect(definition?.uri).toMatch(/canon\/agreement\.md$/);
      const items = Array.isArray(completion) ? completion : (completion?.items ?? []);
      expect(items.map((item) => item.label)).toContain("@CANON/agreement");
      const symbols = await client.request<Array<{ symbolId: string }>>("catalytic/listSymbols", { prefix: "@CANON/" });
      expect(symbols.map((s) => s.symbolId)).toEqual(["@CANON/agreement", "@CANON/plan", "@CANON/tools"]);
    });
  });

  test("a request still waiting can be cancelled", async () => {
    await withBigWorkspace(async (client, uri) => {
      const source = new CancellationTokenSource();
      const pending = client.connection.sendRequest("textDocument/hover", { textDocument: { uri }, position: { line: 2, character: 10 } }, source.token);
      source.cancel();
      await expect(pending).rejects.toMatchObject({ code: -32800 });
      expect(readyAnnounced(client)).toBe(false);
    });
  });

  test("past the bound, features answer null and custom requests CAT_INDEX_NOT_READY, never 'unknown symbol'", async () => {
    await withBigWorkspace(
      async (client, uri) => {
        const hover = await client.request<Hover | null>("textDocument/hover", { textDocument: { uri }, position: { line: 2, character: 10 } });
        expect(hover).toBeNull();
        await expect(client.request("catalytic/listSymbols", { prefix: "@CANON/" })).rejects.toMatchObject({ data: { code: "CAT_INDEX_NOT_READY" } });
        await client.waitForReady();
        const after = await client.request<Hover | null>("textDocument/hover", { textDocument: { uri }, position: { line: 2, character: 10 } });
        expect((after?.contents as { value: string }).value).toContain("**@CANON/agreement#scope**");
      },
      { readyTimeoutMs: 1 },
    );
  });
});
