// The built server over a copy of the Rust book with references inserted: real chapters, deep heading
// trees, setext headings and many fenced code blocks.
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { CompletionItem, Diagnostic, DocumentSymbol, Hover, Location, PublishDiagnosticsParams, SymbolInformation } from "vscode-languageserver-protocol";
import { LspClient, copyToTemp, removeTemp, uriOf } from "./client.js";

const CORPUS = path.resolve(import.meta.dirname, "../../fixtures/corpora/rust-book");
const OWNERSHIP = "ch04-01-what-is-ownership";
let root: string;
let client: LspClient;
const pos = (line: number, character: number) => ({ line, character });

// Appended after the last line of each chapter (so the line numbers below are the chapter's length + 1).
const BORROWING_REFS = `\nRecap: @BOOK/${OWNERSHIP}#the-string-type and @BOOK/ch03-02-data-types#the-tuple-type:lines[0:3].\n`;
const SLICES_REFS = `\nSee @BOOK/${OWNERSHIP}#ownership-rules and @BOOK/${OWNERSHIP}#no-such-heading.\n\n\`\`\`text\n@BOOK/not-checked:ALL\n\`\`\`\n`;

beforeAll(async () => {
  root = copyToTemp(CORPUS, "catalytic-lsp-book-");
  writeFileSync(path.join(root, "catalytic.json"), JSON.stringify({ sources: [{ path: ".", include: ["**/*.md"], namespace: "BOOK" }] }));
  appendFileSync(path.join(root, "ch04-02-references-and-borrowing.md"), BORROWING_REFS);
  appendFileSync(path.join(root, "ch04-03-slices.md"), SLICES_REFS);
  client = await LspClient.start(root);
  await client.waitForReady();
});

afterAll(async () => {
  await client.stop();
  removeTemp(root);
});

describe("the Rust book", () => {
  test("every chapter is indexed and becomes a namespace symbol", async () => {
    const chapters = readdirSync(CORPUS).filter((f) => f.endsWith(".md")).length;
    const status = await client.request<{ files: number; symbols: number; sections: number }>("catalytic/indexStatus", {});
    expect(status.files).toBe(chapters);
    expect(status.symbols).toBe(chapters);
    expect(status.sections).toBeGreaterThan(chapters * 5);
  });

  test("after the sweep, the only diagnostic in the whole book is the inserted broken heading", async () => {
    const diagnostics = await client.diagnostics("ch04-03-slices.md", (d) => d.length > 0);
    await client.waitFor(() => client.notifications.filter((n) => n.method === "catalytic/indexStatusChanged").length >= 3, "sweep done");
    const published = client.notifications
      .filter((n) => n.method === "textDocument/publishDiagnostics")
      .map((n) => n.params as PublishDiagnosticsParams)
      .filter((p) => p.diagnostics.length > 0);
    expect(published.map((p) => path.basename(p.uri))).toEqual(["ch04-03-slices.md"]);
    const lines = readFileSync(path.join(CORPUS, "ch04-03-slices.md"), "utf8").split("\n").length;
    expect(diagnostics.map((d: Diagnostic) => [d.code, d.range.start.line])).toEqual([["CAT_HEADING_NOT_FOUND", lines]]);
  });

  test("hover on a heading reference: the section's lines and heading path, with the default bound", async () => {
    const file = "ch04-02-references-and-borrowing.md";
    const text = readFileSync(path.join(root, file), "utf8");
    const uri = await client.open(file, text);
    const line = text.split("\n").length - 2;
    const hover = await client.request<Hover>("textDocument/hover", { textDocument: { uri }, position: pos(line, 12) });
    const value = (hover.contents as { value: string }).value;
    expect(value).toContain(`\`${OWNERSHIP}.md\` lines 134–179 · What Is Ownership? \\> The \\\`String\\\` Type`);
    expect(value).toContain("slice `head(4000)` (default bound)");
    expect(value).toContain("### The `String` Type\n\nTo illustrate the rules of ownership");
    const tuple = await client.request<Hover>("textDocument/hover", { textDocument: { uri }, position: pos(line, 70) });
    expect((tuple.contents as { value: string }).value).toContain("```markdown\n#### The Tuple Type\n\nA _tuple_ is a general way of grouping together a number of values with a\n```");
    const definition = await client.request<Location>("textDocument/definition", { textDocument: { uri }, position: pos(line, 12) });
    expect(definition).toEqual({ uri: uriOf(path.join(root, `${OWNERSHIP}.md`)), range: { start: pos(133, 0), end: pos(179, 0) } });
  });

  test("references across chapters and unsaved buffers", async () => {
    const uri = await client.open("notes-new.md", `# New\n\nUnsaved: @BOOK/${OWNERSHIP}.\n`);
    const uses = await client.request<Location[]>("textDocument/references", { textDocument: { uri }, position: pos(2, 12), context: { includeDeclaration: false } });
    expect(uses.map((l) => path.basename(l.uri)).sort()).toEqual(["ch04-02-references-and-borrowing.md", "ch04-03-slices.md", "ch04-03-slices.md", "notes-new.md"]);
  });

  test("completion of heading slugs, document symbols, workspace symbols", async () => {
    const uri = await client.open("notes-complete.md", "@BOOK/ch03-02-data-types#");
    const slugs = await client.request<CompletionItem[]>("textDocument/completion", { textDocument: { uri }, position: pos(0, 25) });
    expect(slugs.map((i) => i.label)).toEqual(expect.arrayContaining(["data-types", "scalar-types", "integer-types", "the-tuple-type", "the-array-type"]));
    const symbols = await client.request<DocumentSymbol[]>("textDocument/documentSymbol", { textDocument: { uri: uriOf(path.join(root, `${OWNERSHIP}.md`)) } });
    expect(symbols[0]?.name).toBe("What Is Ownership?");
    expect(symbols[0]?.children?.map((c) => c.name).slice(0, 4)).toEqual(["The Stack and the Heap", "Ownership Rules", "Variable Scope", "The `String` Type"]);
    const found = await client.request<SymbolInformation[]>("workspace/symbol", { query: "ch04ownership" });
    expect(found.map((s) => s.name)).toContain(`@BOOK/${OWNERSHIP}`);
  });
});
