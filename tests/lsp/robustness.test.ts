// Degraded conditions: a broken catalytic.json, a locked index database, a 10 MB file, fs.watch
// without client watching, a stale pin re-pinned by a quick fix, URIs outside the workspace, an
// unreadable source file, a multi-root workspace, a cancelled request, stdin closed by the client.
import { spawn } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { CancellationTokenSource } from "vscode-jsonrpc/node.js";
import type { CodeAction, Diagnostic, Hover, Location } from "vscode-languageserver-protocol";
import { FIXTURES, LspClient, copyToTemp, removeTemp, uriOf } from "./client.js";

const BETTER_SQLITE3 = path.resolve(FIXTURES, "../../../apps/language-server/node_modules/better-sqlite3");
const pos = (line: number, character: number) => ({ line, character });

async function withServer(setup: (root: string) => void, run: (client: LspClient, root: string) => Promise<void>, options: Parameters<typeof LspClient.start>[1] = {}): Promise<void> {
  const root = copyToTemp(path.join(FIXTURES, "basic"));
  setup(root);
  const client = await LspClient.start(root, options);
  try {
    await run(client, root);
  } finally {
    await client.stop();
    removeTemp(root);
  }
}

const logs = (client: LspClient): string[] =>
  client.notifications.filter((n) => n.method === "window/logMessage").map((n) => (n.params as { message: string }).message);

describe("a malformed catalytic.json", () => {
  test("becomes a diagnostic on the file; the server keeps serving with the defaults, and recovers when fixed", async () => {
    await withServer(
      (root) => writeFileSync(path.join(root, "catalytic.json"), '{\n  "sources": [\n    { "path": "canon", "namespace": "lower" }\n  ]\n}\n'),
      async (client, root) => {
        await client.waitForReady();
        const config = await client.diagnostics("catalytic.json", (d) => d.length > 0);
        expect(config.map((d) => [d.code, d.range.start.line])).toEqual([["CAT_CONFIG_INVALID", 2]]);
        expect(config[0]?.message).toContain("$.sources[0].namespace");
        const usage = readFileSync(path.join(root, "notes/usage.md"), "utf8");
        const uri = await client.open("notes/usage.md", usage);
        const hover = await client.request<Hover>("textDocument/hover", { textDocument: { uri }, position: pos(3, 20) });
        expect((hover.contents as { value: string }).value).toContain("slice `lines[0:3]` (symbol default)");
        expect(logs(client).some((m) => m.includes("catalytic.json is invalid"))).toBe(true);
        // Fix it in the editor: the namespace symbols come back after the re-index.
        const configUri = await client.open("catalytic.json", readFileSync(path.join(root, "catalytic.json"), "utf8"));
        await client.notify("textDocument/didChange", { textDocument: { uri: configUri, version: 2 }, contentChanges: [{ text: readFileSync(path.join(FIXTURES, "basic/catalytic.json"), "utf8") }] });
        await client.diagnostics("catalytic.json", (d) => d.length === 0);
        const symbols = await pollUntil(() => client.request<Array<{ symbolId: string }>>("catalytic/listSymbols", { prefix: "@CANON/" }), (s) => s.length === 3);
        expect(symbols.map((s) => s.symbolId)).toEqual(["@CANON/agreement", "@CANON/plan", "@CANON/tools"]);
      },
    );
  });
});

async function pollUntil<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("a locked index database", () => {
  test("degrades to memory only with a warning; hover and diagnostics still work", async () => {
    let holder: ReturnType<typeof spawn> | undefined;
    await withServer(
      (root) => {
        mkdirSync(path.join(root, ".catalytic"), { recursive: true });
        const script = `const Database = require(${JSON.stringify(BETTER_SQLITE3)});
const db = new Database(${JSON.stringify(path.join(root, ".catalytic/index.db"))});
db.pragma("journal_mode = DELETE"); db.exec("CREATE TABLE IF NOT EXISTS hold(x)"); db.exec("BEGIN EXCLUSIVE"); db.exec("INSERT INTO hold VALUES (1)");
process.stdout.write("locked\\n"); setInterval(() => {}, 1000);`;
        holder = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
      },
      async (client) => {
        await new Promise<void>((resolve) => holder?.stdout?.once("data", () => resolve()));
        await client.waitForReady();
        const uri = await client.open("notes/usage.md", readFileSync(path.join(client.root, "notes/usage.md"), "utf8"));
        const hover = await client.request<Hover>("textDocument/hover", { textDocument: { uri }, position: pos(2, 10) });
        expect((hover.contents as { value: string }).value).toContain("**@CANON/agreement#scope**");
        const diagnostics = await client.diagnostics("notes/usage.md", (d) => d.length >= 6);
        expect(diagnostics.some((d) => d.code === "CAT_SYMBOL_UNKNOWN")).toBe(true);
        // busy_timeout and bounded retries take longer on a loaded machine.
        await client.waitFor(() => logs(client).some((m) => m.includes("running from memory only")), "memory-only warning", 90_000);
        const status = await client.request<{ state: string; message: string; indexHash?: string }>("catalytic/indexStatus", {});
        expect(status.state).toBe("ready");
        expect(status.message).toContain("memory only");
        expect(status.indexHash).toBeUndefined();
        holder?.kill();
      },
    );
  });
});

describe("a 10 MB Markdown file", () => {
  test("is indexed; hover previews are capped and say so; edits still get diagnostics", async () => {
    const paragraph = "Some prose about the big file and @CANON/plan#steps here.\n\n";
    await withServer(
      (root) => {
        let text = "# Huge\n\n";
        for (let i = 0; text.length < 10 * 1024 * 1024; i++) text += `## Part ${i}\n\n${paragraph.repeat(20)}`;
        writeFileSync(path.join(root, "canon/huge.md"), text);
        appendFileSync(path.join(root, "notes/usage.md"), "\nThe whole huge file: @CANON/huge:chars[0:100000] and @CANON/huge.\n");
      },
      async (client, root) => {
        await client.waitForReady();
        const usage = readFileSync(path.join(root, "notes/usage.md"), "utf8");
        const uri = await client.open("notes/usage.md", usage);
        const line = usage.split("\n").length - 2;
        const hover = await client.request<Hover>("textDocument/hover", { textDocument: { uri }, position: pos(line, 25) });
        const value = (hover.contents as { value: string }).value;
        expect(value).toContain("slice `chars[0:100000]` · hash");
        expect(value).toContain("· 100000 bytes");
        expect(value).toMatch(/_preview cut: \d+ of 100000 characters shown_/);
        expect(value.length).toBeLessThan(4000);
        const huge = readFileSync(path.join(root, "canon/huge.md"), "utf8");
        const hugeUri = await client.open("canon/huge.md", huge);
        expect(await client.diagnostics("canon/huge.md")).toEqual([]);
        await client.notify("textDocument/didChange", { textDocument: { uri: hugeUri, version: 2 }, contentChanges: [{ range: { start: pos(4, 34), end: pos(4, 35) }, text: "@CANON/plna " }] });
        const diagnostics = await client.diagnostics("canon/huge.md", (d) => d.length === 1);
        expect(diagnostics.map((d) => [d.code, d.range])).toEqual([["CAT_SYMBOL_UNKNOWN", { start: pos(4, 34), end: pos(4, 45) }]]);
      },
    );
  });
});

describe("file watching without the client", () => {
  test("fs.watch picks up a change on disk and definitions follow", async () => {
    await withServer(
      () => undefined,
      async (client, root) => {
        await client.waitForReady();
        expect(client.notifications.some((n) => n.method === "client/registerCapability")).toBe(false);
        const uri = await client.open("notes/usage.md", readFileSync(path.join(root, "notes/usage.md"), "utf8"));
        const planFile = path.join(root, "canon/plan.md");
        writeFileSync(planFile, readFileSync(planFile, "utf8").replace("# Plan\n", "# Plan\n\nOne more line.\n"));
        const moved = await pollUntil(
          () => client.request<Location>("textDocument/definition", { textDocument: { uri }, position: pos(3, 20) }),
          (location) => location.range.start.line === 6,
        );
        expect(moved.range).toEqual({ start: pos(6, 0), end: pos(13, 0) });
      },
      { watchedFilesDynamic: false },
    );
  });
});

describe("stale SECTION pins", () => {
  test("editing the pinned section makes the pin stale; the quick fix re-pins it to the current section", async () => {
    await withServer(
      () => undefined,
      async (client, root) => {
        await client.waitForReady();
        const tools = await client.request<{ sectionId: string }>("catalytic/resolveSymbol", { reference: "@CANON/tools" });
        const registryFile = path.join(root, "catalytic.symbols.json");
        const registry = JSON.parse(readFileSync(registryFile, "utf8")) as { symbols: Record<string, unknown> };
        registry.symbols["@CONTRACTS/TOOLS_PIN"] = { target_ref: tools.sectionId, target_type: "SECTION" };
        writeFileSync(registryFile, JSON.stringify(registry, null, 2));
        await client.notify("workspace/didChangeWatchedFiles", { changes: [{ uri: uriOf(registryFile), type: 2 }] });
        const uri = await client.open("notes/pin.md", "# Pin\n\nPinned: @CONTRACTS/TOOLS_PIN.\n");
        const fresh = await client.diagnostics("notes/pin.md");
        expect(fresh).toEqual([]);
        appendFileSync(path.join(root, "canon/tools.md"), "\nA new tool: search.\n");
        await client.notify("workspace/didChangeWatchedFiles", { changes: [{ uri: uriOf(path.join(root, "canon/tools.md")), type: 2 }] });
        await client.notify("textDocument/didChange", { textDocument: { uri, version: 2 }, contentChanges: [{ text: "# Pin\n\nPinned: @CONTRACTS/TOOLS_PIN.\n" }] });
        const stale = await client.diagnostics("notes/pin.md", (d) => d.length === 1);
        expect(stale.map((d: Diagnostic) => [d.code, d.range])).toEqual([["CAT_SYMBOL_STALE", { start: pos(2, 8), end: pos(2, 28) }]]);
        const actions = await client.request<CodeAction[]>("textDocument/codeAction", { textDocument: { uri }, range: stale[0]?.range, context: { diagnostics: stale } });
        const current = await client.request<{ sectionId: string }>("catalytic/resolveSymbol", { reference: "@CANON/tools" });
        expect(current.sectionId).not.toBe(tools.sectionId);
        expect(actions.map((a) => a.title)).toEqual(["Re-pin @CONTRACTS/TOOLS_PIN to the current section"]);
        const edits = actions[0]?.edit?.changes?.[uriOf(registryFile)] ?? [];
        expect(edits.map((e) => e.newText)).toEqual([current.sectionId]);
        const text = readFileSync(registryFile, "utf8").split("\n");
        const edit = edits[0] as { range: { start: { line: number; character: number }; end: { character: number } } };
        expect(text[edit.range.start.line]?.slice(edit.range.start.character, edit.range.end.character)).toBe(tools.sectionId);
      },
    );
  });
});

describe("requests the server cannot place", () => {
  test("URIs outside the workspace or not files get empty answers, not errors", async () => {
    await withServer(
      () => undefined,
      async (client) => {
        await client.waitForReady();
        expect(await client.request("textDocument/hover", { textDocument: { uri: "untitled:Untitled-1" }, position: pos(0, 0) })).toBeNull();
        expect(await client.request("textDocument/definition", { textDocument: { uri: "file:///elsewhere/x.md" }, position: pos(0, 0) })).toBeNull();
        expect(await client.request("textDocument/completion", { textDocument: { uri: "file:///elsewhere/x.md" }, position: pos(0, 0) })).toBeNull();
        const status = await client.request<{ state: string }>("catalytic/indexStatus", {});
        expect(status.state).toBe("ready");
      },
    );
  });
});

describe("an unreadable source file", () => {
  test("is a logged warning naming it; the rest of the workspace is indexed and served", async () => {
    await withServer(
      // A symlink to itself: listed like a file, every read fails (ELOOP), even for root.
      (root) => symlinkSync("loop.md", path.join(root, "canon/loop.md")),
      async (client) => {
        await client.waitForReady();
        await client.waitFor(() => logs(client).some((m) => m.includes("canon/loop.md")), "warning about canon/loop.md");
        expect(logs(client).find((m) => m.includes("canon/loop.md"))).toMatch(/ELOOP|cannot read|skipped/);
        const uri = await client.open("notes/usage.md", readFileSync(path.join(client.root, "notes/usage.md"), "utf8"));
        const definition = await client.request<Location>("textDocument/definition", { textDocument: { uri }, position: pos(2, 10) });
        expect(definition.uri).toBe(uriOf(path.join(client.root, "canon/agreement.md")));
        const status = await client.request<{ state: string }>("catalytic/indexStatus", {});
        expect(status.state).toBe("ready");
      },
    );
  });
});

describe("a multi-root workspace", () => {
  test("the first folder is served and a warning names the folders that are not", async () => {
    const other = mkdtempSync(path.join(os.tmpdir(), "catalytic-lsp-other-"));
    try {
      await withServer(
        () => undefined,
        async (client) => {
          await client.waitForReady();
          const warning = logs(client).find((m) => m.includes("only the first workspace folder is served"));
          expect(warning).toContain(client.root);
          expect(warning).toContain(`not served: ${other}`);
          const uri = await client.open("notes/usage.md", readFileSync(path.join(client.root, "notes/usage.md"), "utf8"));
          const hover = await client.request<Hover>("textDocument/hover", { textDocument: { uri }, position: pos(2, 10) });
          expect((hover.contents as { value: string }).value).toContain("**@CANON/agreement#scope**");
        },
        { extraFolders: [other] },
      );
    } finally {
      removeTemp(other);
    }
  });
});

describe("cancellation", () => {
  test("a cancelled workspace/symbol answers RequestCancelled, and the server goes on serving", async () => {
    const symbols: Record<string, { target_type: string; target_ref: string }> = {};
    for (let i = 0; i < 5000; i++) symbols[`@BULK/s${i}`] = { target_type: "FILE", target_ref: "canon/tools.md" };
    await withServer(
      (root) => writeFileSync(path.join(root, "catalytic.symbols.json"), JSON.stringify({ symbols }, null, 2)),
      async (client) => {
        await client.waitForReady();
        const source = new CancellationTokenSource();
        const pending = client.connection.sendRequest("workspace/symbol", { query: "" }, source.token);
        source.cancel();
        await expect(pending).rejects.toMatchObject({ code: -32800 });
        const found = await client.request<Array<{ name: string }>>("workspace/symbol", { query: "@BULK/s4999" });
        expect(found[0]?.name).toBe("@BULK/s4999");
      },
    );
  });
});

describe("the client closing the server's stdin", () => {
  const exitOf = (client: LspClient) =>
    new Promise<number | null>((resolve) => {
      if (client.process.exitCode !== null) return resolve(client.process.exitCode);
      client.process.once("exit", (code) => resolve(code));
    });

  test("ends the server: exit code 1 without a shutdown request, 0 after one", async () => {
    await withServer(
      () => undefined,
      async (client) => {
        await client.waitForReady();
        client.process.stdin.end();
        expect(await exitOf(client)).toBe(1);
      },
    );
    await withServer(
      () => undefined,
      async (client) => {
        await client.waitForReady();
        await client.request("shutdown", null);
        client.process.stdin.end();
        expect(await exitOf(client)).toBe(0);
      },
    );
  });
});
