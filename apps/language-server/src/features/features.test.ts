// Feature logic in memory: the real WorkspaceModel and DocumentStore over buffers, no server.
import { describe, expect, test } from "vitest";
import { loadTokenCounter } from "@catalytic/core";
import { BASIC_FILES, memoryWorkspace } from "../testing/workspace.js";
import type { TokenCounts } from "../token-counts.js";
import { codeActions } from "./code-actions.js";
import { completion, completionContext } from "./completion.js";
import { definition } from "./definition.js";
import { diagnosticsFor, groupProblems } from "./diagnostics.js";
import { documentSymbols } from "./document-symbols.js";
import { hover, preview } from "./hover.js";
import { references } from "./references.js";
import { prepareRename, rename } from "./rename.js";
import { fuzzyScore, workspaceSymbols } from "./workspace-symbols.js";

const pos = (line: number, character: number) => ({ line, character });
const range = (l1: number, c1: number, l2: number, c2: number) => ({ start: pos(l1, c1), end: pos(l2, c2) });
const NOTE = "notes/usage.md";

describe("diagnostics", () => {
  test("malformed and zero-count slices are reported on the slice text", () => {
    const ws = memoryWorkspace({ ...BASIC_FILES, "notes/slices.md": "# Slices\n\nBad @CANON/plan:lines[a:b] and @CANON/plan:head(0).\n" });
    expect(diagnosticsFor(ws.ctx, "notes/slices.md").map((d) => [d.code, d.range])).toEqual([
      ["CAT_SLICE_MALFORMED", range(2, 16, 2, 26)],
      ["CAT_SLICE_ZERO_COUNT", range(2, 43, 2, 50)],
    ]);
  });

  test("each broken reference once, with its code and range; nothing from code spans or fences", () => {
    const ws = memoryWorkspace(BASIC_FILES);
    const diagnostics = diagnosticsFor(ws.ctx, NOTE);
    expect(diagnostics.map((d) => [d.code, d.range])).toEqual([
      ["CAT_SYMBOL_UNKNOWN", range(3, 5, 3, 20)],
      ["CAT_SLICE_EMPTY_RANGE", range(3, 43, 3, 53)],
      ["CAT_SLICE_ALL_FORBIDDEN", range(3, 71, 3, 74)],
      ["CAT_SLICE_OUT_OF_BOUNDS", range(4, 27, 4, 38)],
      ["CAT_HEADING_NOT_FOUND", range(4, 51, 4, 70)],
    ]);
    expect(diagnostics[0]?.data).toEqual({ symbolId: "@CANON/agrement", suggestions: ["@CANON/agreement", "@CANON/plan", "@CANON/tools"] });
  });

  test("duplicate definitions land on the id in the registry and in the front matter", () => {
    const ws = memoryWorkspace(BASIC_FILES);
    const grouped = groupProblems(ws.model.problems());
    const registry = diagnosticsFor(ws.ctx, "catalytic.symbols.json", grouped.get("catalytic.symbols.json"));
    expect(registry.map((d) => [d.code, d.range])).toEqual([["CAT_SYMBOL_DUPLICATE", range(7, 5, 7, 18)]]);
    const agreement = diagnosticsFor(ws.ctx, "canon/agreement.md", grouped.get("canon/agreement.md"));
    expect(agreement.map((d) => [d.code, d.range])).toEqual([["CAT_SYMBOL_DUPLICATE", range(3, 3, 3, 16)]]);
  });

  test("targets are collected, so a document that references itself is known", () => {
    const ws = memoryWorkspace({ ...BASIC_FILES, "canon/self.md": "# Self\n\nSee @CANON/self and @CANON/plan.\n" });
    const targets = new Set<string>();
    diagnosticsFor(ws.ctx, "canon/self.md", [], targets);
    expect([...targets].sort()).toEqual(["canon/plan.md", "canon/self.md"]);
  });
});

describe("hover and definition", () => {
  test("hover shows target, lines, heading path, slice, hash, bytes and a preview", async () => {
    const ws = memoryWorkspace(BASIC_FILES);
    const result = await hover(ws.ctx, ws.uri(NOTE), pos(2, 40));
    const value = (result?.contents as { value: string }).value;
    expect(result?.range).toEqual(range(2, 31, 2, 49));
    expect(value).toContain("**@CONTRACTS/BUDGETS** — HEADING");
    expect(value).toContain("`canon/plan.md` lines 5–10 · Plan \\> Budgets");
    expect(value).toMatch(/slice `lines\[0:3\]` \(symbol default\) · hash `[0-9a-f]{12}` · 22 bytes/);
    expect(value).toContain("```markdown\n## Budgets\n\nmax_steps\n```");
    expect(value).toContain("_defined in symbol registry `catalytic.symbols.json`_");
  });

  test("a repeated hover answers from the model revision's cache; any model change, preview size or token counter refreshes it", async () => {
    const ws = memoryWorkspace(BASIC_FILES);
    const value = async () => ((await hover(ws.ctx, ws.uri(NOTE), pos(2, 40)))?.contents as { value: string }).value;
    const first = await value();
    expect(await value()).toBe(first);
    ws.edit("canon/plan.md", BASIC_FILES["canon/plan.md"]!.replace("max_steps", "max_tokens"));
    expect(await value()).toContain("```markdown\n## Budgets\n\nmax_tokens\n```");
    ws.ctx.hoverPreviewChars = 5;
    expect(await value()).toContain("_preview cut: 5 of");
  });

  /** Token counts by the real o200k_base counter, counting each text once (the server counts in another process). */
  const countingTokens = async (counted: string[]): Promise<TokenCounts> => {
    const counter = await loadTokenCounter();
    const known = new Map<string, number>();
    return {
      known: (text) => known.get(text),
      count: async (text) => {
        counted.push(text);
        known.set(text, counter.count(text));
        return known.get(text);
      },
    };
  };

  test("hover shows the expansion's tokens (o200k_base), counted once per text; none without a counter or when counting fails", async () => {
    const ws = memoryWorkspace(BASIC_FILES);
    const valueWith = async (tokens?: TokenCounts) => ((await hover({ ...ws.ctx, ...(tokens ? { tokens } : {}) }, ws.uri(NOTE), pos(2, 40)))?.contents as { value: string }).value;
    expect(await valueWith()).not.toContain("tokens");
    const counted: string[] = [];
    const tokens = await countingTokens(counted);
    expect(await valueWith(tokens)).toMatch(/ · 22 bytes · 7 tokens\n/);
    ws.edit("notes/other.md", "# Other\n");
    expect(await valueWith(tokens)).toMatch(/ · 22 bytes · 7 tokens\n/);
    expect(counted).toEqual(["## Budgets\n\nmax_steps\n"]);
    const failing: TokenCounts = { known: () => undefined, count: async () => undefined };
    const without = await valueWith(failing);
    expect(without).toMatch(/ · 22 bytes\n/);
    expect(without).not.toContain("tokens");
  });

  test("hover on nothing is undefined; definition goes to the section", async () => {
    const ws = memoryWorkspace(BASIC_FILES);
    expect(await hover(ws.ctx, ws.uri(NOTE), pos(0, 2))).toBeUndefined();
    expect(definition(ws.ctx, ws.uri(NOTE), pos(2, 10))).toEqual({ uri: ws.uri("canon/agreement.md"), range: range(7, 0, 11, 0) });
    expect(definition(ws.ctx, ws.uri(NOTE), pos(3, 10))).toBeUndefined();
  });

  test("preview: capped by characters, fenced longer than any backtick run, and says when it is cut", () => {
    expect(preview("a\n```\nb\n", 100, "x.md")).toBe("````markdown\na\n```\nb\n````");
    const cut = preview("x".repeat(50), 10, "x.ts");
    expect(cut).toBe("```\nxxxxxxxxxx\n```\n\n_preview cut: 10 of 50 characters shown_");
    const lines = preview(Array.from({ length: 60 }, (_, i) => `line ${i}`).join("\n"), 10_000, "x.md");
    expect(lines).toContain("line 39\n````".replace("````", "```"));
    expect(lines).not.toContain("line 40");
  });
});

describe("completion", () => {
  test("the context at the cursor", () => {
    expect(completionContext("See @", 5)).toEqual({ kind: "namespace", typed: "", start: 4 });
    expect(completionContext("See @CA", 7)).toEqual({ kind: "namespace", typed: "CA", start: 4 });
    expect(completionContext("See @CANON/pl", 13)).toEqual({ kind: "name", namespace: "CANON", typed: "pl", start: 4 });
    expect(completionContext("@CANON/plan#bu", 14)).toEqual({ kind: "slug", symbolId: "@CANON/plan", typed: "bu", start: 12 });
    expect(completionContext("mail a@b", 8)).toBeUndefined();
    expect(completionContext("no at sign", 5)).toBeUndefined();
  });

  test("names are filtered by what is typed; slugs come from the target file", () => {
    const ws = memoryWorkspace({ ...BASIC_FILES, "notes/scratch.md": "@CANON/t\n@CANON/plan#\n" });
    const names = completion(ws.ctx, ws.uri("notes/scratch.md"), pos(0, 8));
    expect(names && "items" in names ? names.items.map((i) => i.label) : names).toEqual(["@CANON/tools"]);
    const slugs = completion(ws.ctx, ws.uri("notes/scratch.md"), pos(1, 12));
    expect(Array.isArray(slugs) ? slugs.map((i) => i.label) : slugs).toEqual(["plan", "budgets", "steps"]);
  });
});

describe("references, symbols, rename, code actions", () => {
  test("references include the declaration on request", async () => {
    const ws = memoryWorkspace(BASIC_FILES);
    const uses = await references(ws.ctx, ws.uri(NOTE), pos(2, 60), false);
    expect(uses).toEqual([{ uri: ws.uri(NOTE), range: range(2, 54, 2, 69) }]);
    const all = await references(ws.ctx, ws.uri(NOTE), pos(2, 60), true);
    expect(all?.[0]).toEqual({ uri: ws.uri("canon/agreement.md"), range: range(2, 3, 2, 18) });
  });

  test("a cancellation that arrives while references are collected stops the work between chunks", async () => {
    const notes: Record<string, string> = {};
    for (let i = 0; i < 300; i++) notes[`notes/n${String(i).padStart(3, "0")}.md`] = `# N${i}

See @CANON/plan.
`;
    const ws = memoryWorkspace({ ...BASIC_FILES, ...notes });
    expect((await references(ws.ctx, ws.uri("notes/n000.md"), pos(2, 6), false))?.length).toBe(304); // 300 notes + 4 uses in usage.md
    let cancelled = false;
    setImmediate(() => (cancelled = true)); // as a $/cancelRequest read while the handler yields
    const token = { get isCancellationRequested() { return cancelled; } };
    expect(await references(ws.ctx, ws.uri("notes/n000.md"), pos(2, 6), false, token)).toBeUndefined();
  });

  test("rename edits the front-matter key and every use; prepareRename gives the id's range", async () => {
    const ws = memoryWorkspace(BASIC_FILES);
    expect(prepareRename(ws.ctx, ws.uri("canon/agreement.md"), pos(2, 8))).toEqual({ range: range(2, 3, 2, 18), placeholder: "@SKILLS/WRITING" });
    const edit = await rename(ws.ctx, ws.uri(NOTE), pos(2, 60), "@SKILLS/STYLE");
    expect(edit?.changes).toEqual({
      [ws.uri("canon/agreement.md")]: [{ range: range(2, 3, 2, 18), newText: "@SKILLS/STYLE" }],
      [ws.uri(NOTE)]: [{ range: range(2, 54, 2, 69), newText: "@SKILLS/STYLE" }],
    });
    await expect(rename(ws.ctx, ws.uri(NOTE), pos(2, 10), "@CANON/x")).rejects.toMatchObject({ code: "CAT_SYMBOL_INVALID" });
  });

  test("document symbols nest headings; workspace symbols match fuzzily", async () => {
    const ws = memoryWorkspace(BASIC_FILES);
    const symbols = documentSymbols(ws.ctx, ws.uri("canon/plan.md")) ?? [];
    expect(symbols.map((s) => [s.name, s.children?.map((c) => c.name)])).toEqual([
      ["Plan", ["Budgets", "Steps"]],
      ["@CANON/plan", undefined],
      ["@CONTRACTS/BUDGETS", undefined],
    ]);
    expect(fuzzyScore("cpl", "@CANON/plan")).toBeLessThan(fuzzyScore("cpl", "@CONTRACTS/BUDGETS_PLAN") as number);
    expect(fuzzyScore("zz", "@CANON/plan")).toBeUndefined();
    expect((await workspaceSymbols(ws.ctx, "wri"))?.map((s) => s.name)).toEqual(["@SKILLS/WRITING"]);
  });

  test("a HEADING symbol on an H1 spanning its file is the heading (its own range and path), not the file section", async () => {
    const registry = JSON.stringify({ symbols: { "@TOOLS/HEAD": { target_type: "HEADING", target_ref: "canon/tools.md#Tools" } } });
    const ws = memoryWorkspace({ ...BASIC_FILES, "catalytic.symbols.json": registry });
    const head = (documentSymbols(ws.ctx, ws.uri("canon/tools.md")) ?? []).find((s) => s.name === "@TOOLS/HEAD");
    expect(head?.range).toEqual(range(0, 0, 3, 0));
    expect(head?.selectionRange).toEqual(range(0, 0, 1, 0));
    const found = (await workspaceSymbols(ws.ctx, "TOOLS/HEAD"))?.find((s) => s.name === "@TOOLS/HEAD");
    expect(found?.containerName).toBe("Tools");
    expect(found?.location).toEqual({ uri: ws.uri("canon/tools.md"), range: range(0, 0, 3, 0) });
  });

  test("an unknown symbol's quick fixes replace it with each suggestion", () => {
    const ws = memoryWorkspace(BASIC_FILES);
    const unknown = diagnosticsFor(ws.ctx, NOTE).filter((d) => d.code === "CAT_SYMBOL_UNKNOWN");
    const actions = codeActions(ws.ctx, ws.uri(NOTE), unknown, () => undefined);
    expect(actions.map((a) => a.title)).toEqual(["Replace with @CANON/agreement", "Replace with @CANON/plan", "Replace with @CANON/tools"]);
    expect(actions[0]?.edit?.changes?.[ws.uri(NOTE)]).toEqual([{ range: range(3, 5, 3, 20), newText: "@CANON/agreement" }]);
  });
});
