// index.db follows the files the watcher reports through the indexer's path-limited build: a one-file save is a
// one-file rebuild (the server's log says which build ran and how many files it re-checked), serialised with
// full builds, and the answers that read index.db (bundles) follow, as the live model's answers do.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { Diagnostic, Hover, Location } from "vscode-languageserver-protocol";
import { FIXTURES, LspClient, copyToTemp, removeTemp, uriOf } from "./client.js";

const CLI = path.resolve(FIXTURES, "../../../apps/cli/dist/catalytic.cjs");
const CREATED = 1;
const CHANGED = 2;
const DELETED = 3;

let root: string;
let client: LspClient;

const logs = (): string[] => client.notifications.filter((n) => n.method === "window/logMessage").map((n) => (n.params as { message: string }).message);
const buildLogs = (): string[] => logs().filter((m) => m.includes("index.db"));

/** Waits for the next index.db build log line after the `seen` first ones, and returns it. */
async function nextBuild(seen: number): Promise<string> {
  await client.waitFor(() => buildLogs().length > seen, `index.db build #${seen + 1}`);
  return buildLogs()[seen] as string;
}

async function changeOnDisk(file: string, type: number, text?: string): Promise<void> {
  const absolute = path.join(root, file);
  if (text === undefined) unlinkSync(absolute);
  else writeFileSync(absolute, text);
  await client.notify("workspace/didChangeWatchedFiles", { changes: [{ uri: uriOf(absolute), type }] });
}

interface BundleAnswer { bundle: { items: Array<{ file_path: string; heading_path: string[]; reason: string }> } }
const bundleOf = (ref: string) => client.request<BundleAnswer>("catalytic/bundle", { intent: "context", refs: [ref], budgetTokens: 2000 });

/** index_hash of a cold `catalytic build` of the same files in a fresh folder. */
function coldIndexHash(): string {
  const copy = mkdtempSync(path.join(os.tmpdir(), "catalytic-cold-"));
  try {
    cpSync(root, copy, { recursive: true, filter: (source) => !source.includes(`${path.sep}.catalytic`) });
    const built = spawnSync(process.execPath, [CLI, "build", "--json", "--root", copy], { encoding: "utf8" });
    expect(built.status, built.stderr).toBe(0);
    return (JSON.parse(built.stdout) as { index_hash: string }).index_hash;
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

beforeEach(async () => {
  root = copyToTemp(path.join(FIXTURES, "basic"), "catalytic-updates-");
  const built = spawnSync(process.execPath, [CLI, "build", "--root", root], { encoding: "utf8" });
  expect(built.status, built.stderr).toBe(0);
  client = await LspClient.start(root);
  await client.waitForReady();
  // An existing index.db is refreshed in full once at start.
  expect(await nextBuild(0)).toMatch(/^built index\.db in full: 4 file\(s\) checked .*builds so far: 1 full, 0 path-limited$/);
});

afterEach(async () => {
  await client.stop();
  removeTemp(root);
});

describe("index.db follows the watcher, one file at a time", () => {
  test("a changed, a created and a deleted file are each a one-file rebuild; hover, definition, diagnostics and bundles follow", async () => {
    const note = "notes/fresh.md";
    const noteText = "# Fresh\n\nSee @CANON/plan#fresh-heading and @CANON/glossary.\n";
    const noteUri = await client.open(note, noteText);
    const unknown = (d: Diagnostic[]) => d.filter((x) => x.code === "CAT_SYMBOL_UNKNOWN" || x.code === "CAT_HEADING_NOT_FOUND").length;
    expect(unknown(await client.diagnostics(note, (d) => unknown(d) === 2))).toBe(2);
    await expect(bundleOf("@CANON/plan#fresh-heading")).rejects.toMatchObject({ data: { code: expect.stringMatching(/^CAT_/) } });

    // Changed: a new heading in canon/plan.md.
    const plan = readFileSync(path.join(root, "canon/plan.md"), "utf8");
    await changeOnDisk("canon/plan.md", CHANGED, `${plan}\n## Fresh heading\n\nJust written.\n`);
    expect(await nextBuild(1)).toMatch(/^updated index\.db for 1 changed path\(s\) without a full walk: 1 file\(s\) re-checked \(0 added, 1 changed, 0 removed\) .*builds so far: 1 full, 1 path-limited$/);
    expect((await bundleOf("@CANON/plan#fresh-heading")).bundle.items.map((i) => [i.file_path, i.heading_path, i.reason])).toEqual([["canon/plan.md", ["Plan", "Fresh heading"], "explicit"]]);
    const hover = await client.request<Hover>("textDocument/hover", { textDocument: { uri: noteUri }, position: { line: 2, character: 10 } });
    expect((hover.contents as { value: string }).value).toContain("Just written.");
    const definition = await client.request<Location>("textDocument/definition", { textDocument: { uri: noteUri }, position: { line: 2, character: 10 } });
    expect(definition.uri).toBe(uriOf(path.join(root, "canon/plan.md")));

    // Created: a new namespaced page is a new symbol.
    await changeOnDisk("canon/glossary.md", CREATED, "# Glossary\n\nTerms.\n");
    expect(await nextBuild(2)).toMatch(/: 1 file\(s\) re-checked \(1 added, 0 changed, 0 removed\) .*builds so far: 1 full, 2 path-limited$/);
    expect((await bundleOf("@CANON/glossary")).bundle.items.map((i) => [i.file_path, i.heading_path, i.reason])).toEqual([["canon/glossary.md", [], "explicit"]]);
    expect(unknown(await client.diagnostics(note, (d) => unknown(d) === 0))).toBe(0);

    // Deleted: the symbol goes from index.db and from the diagnostics.
    await changeOnDisk("canon/glossary.md", DELETED);
    expect(await nextBuild(3)).toMatch(/: 1 file\(s\) re-checked \(0 added, 0 changed, 1 removed\) .*builds so far: 1 full, 3 path-limited$/);
    await expect(bundleOf("@CANON/glossary")).rejects.toMatchObject({ data: { code: expect.stringMatching(/^CAT_/) } });
    expect(unknown(await client.diagnostics(note, (d) => unknown(d) === 1))).toBe(1);

    // The incremental result is the cold build's, byte for byte in its hash, and the server reports it.
    const status = await client.request<{ indexHash?: string }>("catalytic/indexStatus", {});
    expect(status.indexHash).toBe(coldIndexHash());
    expect(buildLogs().filter((m) => m.startsWith("built index.db in full"))).toHaveLength(1);
  });

  test("changes reported together are one path-limited build; a full build asked meanwhile runs in turn, never at once", async () => {
    const files = ["canon/a.md", "canon/b.md", "notes/c.md"];
    for (const file of files) writeFileSync(path.join(root, file), `# ${file}\n`);
    await client.notify("workspace/didChangeWatchedFiles", { changes: files.map((file) => ({ uri: uriOf(path.join(root, file)), type: CREATED })) });
    const [update, full] = await Promise.all([nextBuild(1), client.request<{ indexHash?: string }>("catalytic/buildIndex", {})]);
    // Whichever ran first, each ran alone (SQLite would have answered CAT_DB_BUSY otherwise) and both are logged.
    await nextBuild(2);
    const both = buildLogs().slice(1, 3);
    expect(both.filter((m) => m.startsWith("updated index.db for 3 changed path(s)"))).toHaveLength(1);
    expect(both.filter((m) => m.startsWith("built index.db in full"))).toHaveLength(1);
    expect(update).toMatch(/builds so far: \d full, \d path-limited$/);
    expect(logs().some((m) => m.includes("unavailable") || m.includes("CAT_DB_BUSY"))).toBe(false);
    expect((await client.request<{ indexHash?: string }>("catalytic/indexStatus", {})).indexHash).toBe(coldIndexHash());
    expect(full.indexHash).toMatch(/^[0-9a-f]{64}$/);
  });

  test("without client file watching, the server's own watcher (fs.watch) drives the same one-file rebuild", async () => {
    await client.stop();
    client = await LspClient.start(root, { watchedFilesDynamic: false });
    await client.waitForReady();
    await nextBuild(0);
    writeFileSync(path.join(root, "canon/tools.md"), "# Tools\n\nread, write.\n\n## Added by hand\n\nText.\n");
    expect(await nextBuild(1)).toMatch(/^updated index\.db for 1 changed path\(s\) without a full walk: 1 file\(s\) re-checked \(0 added, 1 changed, 0 removed\) .*builds so far: 1 full, 1 path-limited$/);
    expect((await bundleOf("@CANON/tools#added-by-hand")).bundle.items.map((i) => i.heading_path)).toEqual([["Tools", "Added by hand"]]);
  });

  test("a changed catalytic.symbols.json or a new folder brings a full build (as the indexer's own watcher does)", async () => {
    const registryFile = path.join(root, "catalytic.symbols.json");
    const registry = JSON.parse(readFileSync(registryFile, "utf8")) as { symbols: Record<string, unknown> };
    registry.symbols["@NEW/TOOLS"] = { target_ref: "canon/tools.md", target_type: "FILE" };
    await changeOnDisk("catalytic.symbols.json", CHANGED, `${JSON.stringify(registry, null, 2)}\n`);
    expect(await nextBuild(1)).toMatch(/^built index\.db in full: .*builds so far: 2 full, 0 path-limited$/);
    expect((await bundleOf("@NEW/TOOLS")).bundle.items.map((i) => i.file_path)).toEqual(["canon/tools.md"]);
    mkdirSync(path.join(root, "canon/more"));
    writeFileSync(path.join(root, "canon/more/page.md"), "# Page\n");
    await client.notify("workspace/didChangeWatchedFiles", { changes: [{ uri: uriOf(path.join(root, "canon/more")), type: CREATED }] });
    expect(await nextBuild(2)).toMatch(/^built index\.db in full: .*\(1 added, 0 changed, 0 removed\).*builds so far: 3 full, 0 path-limited$/);
  });
});
