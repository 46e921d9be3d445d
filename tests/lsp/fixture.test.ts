// The built server over stdio against the fixture workspace (copied to a temp dir per suite).
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type {
  CodeAction,
  CompletionItem,
  Diagnostic,
  DocumentSymbol,
  Hover,
  Location,
  SymbolInformation,
  WorkspaceEdit,
} from "vscode-languageserver-protocol";
import { FIXTURES, LspClient, copyToTemp, removeTemp, uriOf } from "./client.js";

const USAGE = "notes/usage.md";
let root: string;
let client: LspClient;
let usageUri: string;
let usageText: string;

const pos = (line: number, character: number) => ({ line, character });
const range = (l1: number, c1: number, l2: number, c2: number) => ({ start: pos(l1, c1), end: pos(l2, c2) });
const summary = (diagnostics: Diagnostic[]) =>
  diagnostics.map((d) => ({ code: d.code, range: d.range })).sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);

beforeAll(async () => {
  root = copyToTemp(path.join(FIXTURES, "basic"));
  client = await LspClient.start(root);
  await client.waitForReady();
  usageText = readFileSync(path.join(root, USAGE), "utf8");
  usageUri = await client.open(USAGE, usageText);
});

afterAll(async () => {
  await client.stop();
  removeTemp(root);
});

describe("indexing", () => {
  test("advertises the features and reports $/progress from begin to end", () => {
    expect(client.capabilities).toMatchObject({
      hoverProvider: true,
      definitionProvider: true,
      renameProvider: { prepareProvider: true },
      completionProvider: { triggerCharacters: ["@", "/", "#"], resolveProvider: true },
    });
    const kinds = client.progress().map((p) => (p.value as { kind: string }).kind);
    expect(kinds[0]).toBe("begin");
    expect(kinds).toContain("report");
    expect(kinds).toContain("end");
    const begin = client.progress().find((p) => (p.value as { kind: string }).kind === "begin")?.value as { title: string };
    expect(begin.title).toBe("Catalytic: indexing");
  });

  test("announces the ready index with its counts", async () => {
    const status = await client.request<{ state: string; files: number; symbols: number }>("catalytic/indexStatus", {});
    expect(status.state).toBe("ready");
    expect(status.files).toBe(4);
    // @CANON/agreement, plan, tools + registry (3) + front matter @SKILLS/WRITING (@TOOLS/SHARED is in both).
    expect(status.symbols).toBe(7);
  });
});

describe("diagnostics", () => {
  test("every problem in the note, with its code and exact range, nothing from code", async () => {
    const diagnostics = await client.diagnostics(USAGE, (d) => d.length >= 6);
    expect(summary(diagnostics)).toEqual([
      { code: "CAT_SYMBOL_UNKNOWN", range: range(7, 8, 7, 23) },
      { code: "CAT_SLICE_EMPTY_RANGE", range: range(8, 29, 8, 39) },
      { code: "CAT_SLICE_ALL_FORBIDDEN", range: range(8, 72, 8, 75) },
      { code: "CAT_SLICE_OUT_OF_BOUNDS", range: range(9, 29, 9, 40) },
      { code: "CAT_SYMBOL_STALE", range: range(10, 12, 10, 30) },
      { code: "CAT_HEADING_NOT_FOUND", range: range(11, 19, 11, 38) },
    ]);
    expect(diagnostics.every((d) => d.source === "catalytic")).toBe(true);
    const unknown = diagnostics.find((d) => d.code === "CAT_SYMBOL_UNKNOWN") as Diagnostic;
    expect(unknown.message).toContain("did you mean @CANON/agreement");
    expect(unknown.relatedInformation?.[0]).toMatchObject({ location: { uri: uriOf(path.join(root, "canon/agreement.md")) }, message: "did you mean @CANON/agreement?" });
    expect((diagnostics.find((d) => d.code === "CAT_SYMBOL_STALE") as Diagnostic).severity).toBe(2);
  });

  test("duplicate definitions are reported on each definition, stale pins on the registry", async () => {
    const registry = await client.diagnostics("catalytic.symbols.json", (d) => d.length >= 2);
    expect(summary(registry)).toEqual([
      { code: "CAT_SYMBOL_STALE", range: range(7, 5, 7, 23) },
      { code: "CAT_SYMBOL_DUPLICATE", range: range(11, 5, 11, 18) },
    ]);
    const agreement = await client.diagnostics("canon/agreement.md", (d) => d.length >= 1);
    expect(summary(agreement)).toEqual([{ code: "CAT_SYMBOL_DUPLICATE", range: range(4, 3, 4, 16) }]);
  });

  test("a didChange moves the diagnostics with the text, and fixing a typo clears it", async () => {
    await client.notify("textDocument/didChange", {
      textDocument: { uri: usageUri, version: 2 },
      contentChanges: [{ range: range(0, 0, 0, 0), text: "Intro line.\n\n" }],
    });
    const moved = await client.diagnostics(USAGE, (d) => d.some((x) => x.code === "CAT_SYMBOL_UNKNOWN" && x.range.start.line === 9));
    expect(summary(moved).map((d) => d.range.start.line)).toEqual([9, 10, 10, 11, 12, 13]);
    await client.notify("textDocument/didChange", {
      textDocument: { uri: usageUri, version: 3 },
      contentChanges: [{ range: range(9, 8, 9, 23), text: "@CANON/agreement" }],
    });
    const fixed = await client.diagnostics(USAGE, (d) => !d.some((x) => x.code === "CAT_SYMBOL_UNKNOWN"));
    expect(fixed).toHaveLength(5);
    // Back to the original text for the other tests.
    await client.notify("textDocument/didChange", { textDocument: { uri: usageUri, version: 4 }, contentChanges: [{ text: usageText }] });
    await client.diagnostics(USAGE, (d) => d.some((x) => x.code === "CAT_SYMBOL_UNKNOWN" && x.range.start.line === 7));
  });
});

describe("hover", () => {
  test("a heading reference: target, lines, heading path, default bound, hash, bytes, preview", async () => {
    const hover = await client.request<Hover>("textDocument/hover", { textDocument: { uri: usageUri }, position: pos(2, 10) });
    expect(hover.range).toEqual(range(2, 5, 2, 27));
    const value = (hover.contents as { value: string }).value;
    expect(value).toContain("**@CANON/agreement#scope** — FILE");
    expect(value).toContain("`canon/agreement.md` lines 11–15 · Agreement \\> Scope");
    expect(value).toMatch(/slice `head\(4000\)` \(default bound\) · hash `[0-9a-f]{12}` · 87 bytes/);
    expect(value).toContain("```markdown\n## Scope\n\nCatalytic covers references, slices and receipts.\nNothing else is in scope.\n```");
    expect(value).toContain("_defined in namespace source `canon/agreement.md`_");
  });

  test("a registry symbol shows its own default slice", async () => {
    const hover = await client.request<Hover>("textDocument/hover", { textDocument: { uri: usageUri }, position: pos(3, 20) });
    const value = (hover.contents as { value: string }).value;
    expect(value).toContain("**@CONTRACTS/BUDGETS** — HEADING");
    expect(value).toContain("slice `lines[0:3]` (symbol default)");
    expect(value).toContain("```markdown\n## Budgets\n\nmax_steps bounds the number of steps.\n```");
  });

  test("unknown and stale symbols say so", async () => {
    const unknown = await client.request<Hover>("textDocument/hover", { textDocument: { uri: usageUri }, position: pos(7, 10) });
    expect((unknown.contents as { value: string }).value).toBe("**@CANON/agrement** — unknown symbol (CAT_SYMBOL_UNKNOWN). Did you mean `@CANON/agreement`, `@CANON/plan`, `@CANON/tools`?");
    const stale = await client.request<Hover>("textDocument/hover", { textDocument: { uri: usageUri }, position: pos(10, 15) });
    expect((stale.contents as { value: string }).value).toContain("Stale pin (CAT_SYMBOL_STALE)");
  });

  test("no hover outside references or inside code", async () => {
    expect(await client.request("textDocument/hover", { textDocument: { uri: usageUri }, position: pos(0, 2) })).toBeNull();
    expect(await client.request("textDocument/hover", { textDocument: { uri: usageUri }, position: pos(15, 12) })).toBeNull();
  });
});

describe("navigation", () => {
  test("definition: the #slug heading's section, and a registry HEADING target", async () => {
    const scope = await client.request<Location>("textDocument/definition", { textDocument: { uri: usageUri }, position: pos(2, 8) });
    expect(scope).toEqual({ uri: uriOf(path.join(root, "canon/agreement.md")), range: range(10, 0, 15, 0) });
    const budgets = await client.request<Location>("textDocument/definition", { textDocument: { uri: usageUri }, position: pos(3, 20) });
    expect(budgets).toEqual({ uri: uriOf(path.join(root, "canon/plan.md")), range: range(4, 0, 11, 0) });
  });

  test("references of a symbol across the workspace, skipping code, with and without the declaration", async () => {
    const uses = await client.request<Location[]>("textDocument/references", { textDocument: { uri: usageUri }, position: pos(8, 20), context: { includeDeclaration: false } });
    expect(uses.map((l) => [l.uri.endsWith(USAGE), l.range])).toEqual([
      [true, range(8, 17, 8, 28)],
      [true, range(8, 60, 8, 71)],
      [true, range(9, 9, 9, 20)],
      [true, range(11, 19, 11, 30)],
    ]);
    const withDeclaration = await client.request<Location[]>("textDocument/references", { textDocument: { uri: usageUri }, position: pos(8, 20), context: { includeDeclaration: true } });
    expect(withDeclaration).toHaveLength(5);
    expect(withDeclaration[0]).toEqual({ uri: uriOf(path.join(root, "canon/plan.md")), range: range(0, 0, 0, 0) });
  });

  test("document symbols: the heading tree and the symbols targeting the file", async () => {
    const symbols = await client.request<DocumentSymbol[]>("textDocument/documentSymbol", { textDocument: { uri: uriOf(path.join(root, "canon/plan.md")) } });
    expect(symbols.map((s) => s.name)).toEqual(["Plan", "@CANON/plan", "@CONTRACTS/BUDGETS"]);
    expect(symbols[0]?.children?.map((c) => [c.name, c.detail, c.range])).toEqual([
      ["Budgets", "#budgets", range(4, 0, 11, 0)],
      ["Steps", "#steps", range(11, 0, 14, 0)],
    ]);
  });

  test("workspace symbols match fuzzily, best first", async () => {
    const symbols = await client.request<SymbolInformation[]>("workspace/symbol", { query: "CANplan" });
    expect(symbols[0]?.name).toBe("@CANON/plan");
    expect(symbols[0]?.location.uri).toBe(uriOf(path.join(root, "canon/plan.md")));
    const all = await client.request<SymbolInformation[]>("workspace/symbol", { query: "" });
    expect(all.map((s) => s.name)).toEqual(["@CANON/agreement", "@CANON/plan", "@CANON/tools", "@CONTRACTS/BUDGETS", "@CONTRACTS/OLD_PIN", "@SKILLS/WRITING", "@TOOLS/SHARED"]);
  });
});

describe("completion", () => {
  const complete = async (text: string): Promise<CompletionItem[]> => {
    const uri = await client.open("notes/scratch.md", `# Scratch\n\n${text}`, 1);
    const result = await client.request<CompletionItem[] | { isIncomplete: boolean; items: CompletionItem[] } | null>("textDocument/completion", { textDocument: { uri }, position: pos(2, text.length) });
    await client.notify("textDocument/didClose", { textDocument: { uri } });
    return Array.isArray(result) ? result : (result?.items ?? []);
  };

  test("after @: the namespaces", async () => {
    const items = await complete("See @");
    expect(items.map((i) => i.label)).toEqual(["@CANON/", "@CONTRACTS/", "@SKILLS/", "@TOOLS/"]);
    expect(items[0]?.textEdit).toEqual({ range: range(2, 4, 2, 5), newText: "@CANON/" });
  });

  test("after @NS/: the names starting with what is typed, with target and preview", async () => {
    expect((await complete("See @CANON/")).map((i) => i.label)).toEqual(["@CANON/agreement", "@CANON/plan", "@CANON/tools"]);
    const items = await complete("See @CANON/pl");
    expect(items.map((i) => i.label)).toEqual(["@CANON/plan"]);
    const plan = items[0] as CompletionItem;
    expect(plan.detail).toBe("FILE canon/plan.md");
    expect((plan.documentation as { value: string }).value).toContain("`canon/plan.md` lines 1–14");
    expect((plan.documentation as { value: string }).value).toContain("# Plan\n\nA plan turns a request into steps.");
  });

  test("after #: the heading slugs of the target file", async () => {
    const items = await complete("See @CANON/plan#bu");
    expect(items.map((i) => [i.label, i.detail])).toEqual([
      ["plan", "Plan"],
      ["budgets", "Plan > Budgets"],
      ["steps", "Plan > Steps"],
    ]);
    expect(items[1]?.textEdit).toEqual({ range: range(2, 16, 2, 18), newText: "budgets" });
  });
});

describe("code actions and rename", () => {
  test("an unknown symbol gets replace quick fixes, the nearest preferred", async () => {
    const diagnostics = await client.diagnostics(USAGE, (d) => d.some((x) => x.code === "CAT_SYMBOL_UNKNOWN"));
    const unknown = diagnostics.filter((d) => d.code === "CAT_SYMBOL_UNKNOWN");
    const actions = await client.request<CodeAction[]>("textDocument/codeAction", { textDocument: { uri: usageUri }, range: unknown[0]?.range, context: { diagnostics: unknown } });
    expect(actions.map((a) => [a.title, a.isPreferred])).toEqual([
      ["Replace with @CANON/agreement", true],
      ["Replace with @CANON/plan", false],
      ["Replace with @CANON/tools", false],
    ]);
    expect(actions[0]?.edit?.changes?.[usageUri]).toEqual([{ range: range(7, 8, 7, 23), newText: "@CANON/agreement" }]);
  });

  test("rename a front-matter symbol: the definition key and every use", async () => {
    const prepared = await client.request<{ range: unknown; placeholder: string }>("textDocument/prepareRename", { textDocument: { uri: usageUri }, position: pos(3, 70) });
    expect(prepared).toEqual({ range: range(3, 60, 3, 75), placeholder: "@SKILLS/WRITING" });
    const edit = await client.request<WorkspaceEdit>("textDocument/rename", { textDocument: { uri: usageUri }, position: pos(3, 70), newName: "@SKILLS/STYLE" });
    expect(edit.changes).toEqual({
      [uriOf(path.join(root, "canon/agreement.md"))]: [{ range: range(3, 3, 3, 18), newText: "@SKILLS/STYLE" }],
      [usageUri]: [{ range: range(3, 60, 3, 75), newText: "@SKILLS/STYLE" }],
    });
  });

  test("rename from the registry key; a namespace symbol or a bad name is refused with a typed error", async () => {
    const registryUri = uriOf(path.join(root, "catalytic.symbols.json"));
    const edit = await client.request<WorkspaceEdit>("textDocument/rename", { textDocument: { uri: registryUri }, position: pos(2, 10), newName: "@CONTRACTS/LIMITS" });
    expect(edit.changes?.[registryUri]).toEqual([{ range: range(2, 5, 2, 23), newText: "@CONTRACTS/LIMITS" }]);
    expect(edit.changes?.[usageUri]).toEqual([{ range: range(3, 16, 3, 34), newText: "@CONTRACTS/LIMITS" }]);
    await expect(client.request("textDocument/rename", { textDocument: { uri: usageUri }, position: pos(8, 20), newName: "@CANON/other" })).rejects.toMatchObject({
      data: { code: "CAT_SYMBOL_INVALID" },
    });
    await expect(client.request("textDocument/rename", { textDocument: { uri: usageUri }, position: pos(3, 70), newName: "not a symbol" })).rejects.toMatchObject({
      data: { code: "CAT_SYMBOL_INVALID" },
    });
    await expect(client.request("textDocument/rename", { textDocument: { uri: usageUri }, position: pos(3, 70), newName: "@CANON/plan" })).rejects.toMatchObject({
      data: { code: "CAT_SYMBOL_EXISTS" },
    });
  });
});

describe("files changing on disk", () => {
  test("definitions follow an edit made outside the editor (workspace/didChangeWatchedFiles)", async () => {
    const planFile = path.join(root, "canon/plan.md");
    const before = readFileSync(planFile, "utf8");
    writeFileSync(planFile, before.replace("# Plan\n", "# Plan\n\nTwo new\nlines.\n"));
    await client.notify("workspace/didChangeWatchedFiles", { changes: [{ uri: uriOf(planFile), type: 2 }] });
    const moved = await client.request<Location>("textDocument/definition", { textDocument: { uri: usageUri }, position: pos(3, 20) });
    expect(moved.range).toEqual(range(7, 0, 14, 0));
    writeFileSync(planFile, before);
    await client.notify("workspace/didChangeWatchedFiles", { changes: [{ uri: uriOf(planFile), type: 2 }] });
    const back = await client.request<Location>("textDocument/definition", { textDocument: { uri: usageUri }, position: pos(3, 20) });
    expect(back.range).toEqual(range(4, 0, 11, 0));
  });

  test("an open buffer wins over the disk until it closes", async () => {
    const planFile = path.join(root, "canon/plan.md");
    const onDisk = readFileSync(planFile, "utf8");
    const budgetsAt = async () =>
      (await client.request<Location>("textDocument/definition", { textDocument: { uri: usageUri }, position: pos(3, 20) })).range;
    // Unsaved buffer: one line more above Budgets.
    const planUri = await client.open("canon/plan.md", onDisk.replace("# Plan\n", "# Plan\n\nUnsaved.\n"));
    expect(await budgetsAt()).toEqual(range(6, 0, 13, 0));
    // The disk changes under the open buffer (three lines more): the buffer still decides.
    writeFileSync(planFile, onDisk.replace("# Plan\n", "# Plan\n\nA\nB\nC\n"));
    await client.notify("workspace/didChangeWatchedFiles", { changes: [{ uri: uriOf(planFile), type: 2 }] });
    expect(await budgetsAt()).toEqual(range(6, 0, 13, 0));
    // Closed: the disk is the truth again.
    await client.notify("textDocument/didClose", { textDocument: { uri: planUri } });
    expect(await budgetsAt()).toEqual(range(8, 0, 15, 0));
    writeFileSync(planFile, onDisk);
    await client.notify("workspace/didChangeWatchedFiles", { changes: [{ uri: uriOf(planFile), type: 2 }] });
    expect(await budgetsAt()).toEqual(range(4, 0, 11, 0));
  });

  test("registers file watching dynamically with the client", () => {
    const registration = client.notifications.find((n) => n.method === "client/registerCapability")?.params as { registrations: Array<{ method: string }> };
    expect(registration.registrations[0]?.method).toBe("workspace/didChangeWatchedFiles");
  });
});
