// Indexer commands end to end: the built bundle (apps/cli/dist/catalytic.cjs) as a real process, on a copy
// of docs/demo and on copies of both corpora.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { CLI, type CliResult, REPO_ROOT, copyToTemp, runCatalytic } from "./helpers.js";

const DEMO = path.join(REPO_ROOT, "docs", "demo");
const CORPORA = path.resolve(REPO_ROOT, "fixtures", "corpora");
const dirs: string[] = [];

afterEach(() => {
  while (dirs.length > 0) rmSync(dirs.pop()!, { recursive: true, force: true });
});

function copy(source: string): string {
  const dir = copyToTemp(source, "cli-indexer-");
  dirs.push(dir);
  rmSync(path.join(dir, ".catalytic"), { recursive: true, force: true });
  return dir;
}

function cli(root: string, ...args: string[]): CliResult {
  return runCatalytic(["--root", root, ...args], { cwd: root });
}

function json(run: CliResult): Record<string, any> {
  const lines = run.stdout.trim().split("\n");
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!) as Record<string, any>;
}

function failure(run: CliResult, code: string, exit = 1): void {
  expect(run.code).toBe(exit);
  expect(run.stderr).toContain(`error ${code}:`);
}

describe("catalytic build / verify / extract / get / export", () => {
  test("build prints counts and the hash; --json gives counts, hash and timings; rebuilds are stable", () => {
    const root = copy(DEMO);
    const human = cli(root, "build");
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^indexed 4 files: 15 sections, 6 symbols \(added 4, changed 0, removed 0, unchanged 0\) in [\d.]+ ms\nindex hash [0-9a-f]{64}\n$/);
    const report = json(cli(root, "build", "--json"));
    expect(report).toMatchObject({ ok: true, files: 4, sections: 15, symbols: 6, added: 0, unchanged: 4, problems: 0 });
    expect(human.stdout).toContain(report.index_hash);
    expect(Object.keys(report.timings)).toContain("total_ms");
    const other = copy(DEMO);
    expect(json(cli(other, "build", "--json")).index_hash).toBe(report.index_hash);
    const verify = cli(root, "verify");
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain("OK: the index is deterministic");
    expect(json(cli(root, "verify", "--json"))).toMatchObject({ ok: true, first_hash: report.index_hash, fresh_hash: report.index_hash, differences: [] });
  });

  test("extract lists one file's sections without touching the database", () => {
    const root = copy(DEMO);
    const run = cli(root, "extract", path.join(root, "canon", "AGREEMENT.md"));
    expect(run.code).toBe(0);
    expect(run.stdout.split("\n").filter(Boolean)).toEqual([
      expect.stringMatching(/^[0-9a-f]{64}\s+0-27\s+\(whole file\)$/),
      expect.stringMatching(/^[0-9a-f]{64}\s+6-27\s+# Working agreement$/),
      expect.stringMatching(/^[0-9a-f]{64}\s+11-18\s+## Working agreement > Scope$/),
      expect.stringMatching(/^[0-9a-f]{64}\s+18-23\s+## Working agreement > Budgets$/),
      expect.stringMatching(/^[0-9a-f]{64}\s+23-27\s+## Working agreement > Changes$/),
      "front matter symbol @CANON/scope -> Working agreement > Scope (line 4)",
      "front matter symbol @CANON/budgets -> Working agreement > Budgets (line 5)",
    ]);
    expect(existsSync(path.join(root, ".catalytic"))).toBe(false);
    expect(json(cli(root, "extract", "--json", path.join(root, "README.md"))).sections).toHaveLength(2);
    failure(cli(root, "extract", path.join(root, "missing.md")), "CAT_FILE_NOT_FOUND");
    failure(cli(root, "extract", "/etc/hostname"), "CAT_PATH_OUTSIDE_WORKSPACE");
  });

  test("get prints a section's content (metadata on stderr) and fails closed on unknown ids", () => {
    const root = copy(DEMO);
    cli(root, "build");
    const sectionId = json(cli(root, "extract", "--json", path.join(root, "canon", "glossary.md"))).sections[2].section_id as string;
    const run = cli(root, "get", sectionId);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(readFileSync(path.join(root, "canon", "glossary.md"), "utf8").split("\n").slice(2, 7).join("\n") + "\n");
    expect(run.stderr).toContain(`section ${sectionId}`);
    expect(json(cli(root, "get", sectionId, "--slice", "lines[0:1]", "--json"))).toMatchObject({ ok: true, content: "## Section\n", slice: "lines[0:1]" });
    failure(cli(root, "get", "0".repeat(64)), "CAT_SECTION_NOT_FOUND");
    const broken = cli(root, "get", sectionId, "--slice", "ALL", "--json");
    expect(broken.code).toBe(1);
    expect(json(broken)).toMatchObject({ ok: false, error: { code: "CAT_SLICE_ALL_FORBIDDEN" } });
  });

  test("export --jsonl writes deterministic SECTION_INDEX.jsonl and SYMBOLS.jsonl", () => {
    const a = copy(DEMO);
    const b = copy(DEMO);
    for (const root of [a, b]) {
      cli(root, "build");
      expect(cli(root, "export", "--jsonl", path.join(root, "out")).code).toBe(0);
    }
    for (const name of ["SECTION_INDEX.jsonl", "SYMBOLS.jsonl"]) {
      expect(readFileSync(path.join(b, "out", name), "utf8")).toBe(readFileSync(path.join(a, "out", name), "utf8"));
    }
    const sections = readFileSync(path.join(a, "out", "SECTION_INDEX.jsonl"), "utf8").trim().split("\n");
    expect(sections).toHaveLength(15);
    expect(Object.keys(JSON.parse(sections[0]!))).toEqual(["content_hash", "file_path", "heading_path", "line_end", "line_start", "section_id"]);
    // "# Getting started" spans its whole file: same lines, same text, same id as the file section. Listed once.
    const [file, heading] = json(cli(a, "extract", "--json", path.join(a, "guides", "getting-started.md"))).sections;
    expect(heading.section_id).toBe(file.section_id);
    expect(new Set(sections.map((line) => JSON.parse(line).section_id)).size).toBe(sections.length);
    expect(sections.filter((line) => line.includes(file.section_id)).map((line) => JSON.parse(line).heading_path)).toEqual([[]]);
    expect(cli(a, "get", file.section_id).stderr).toContain("guides/getting-started.md:0-20  (whole file)");
    failure(cli(a, "export"), "CAT_MISSING_ARGUMENT", 2);
  });

  test("verify lists the differing sections and exits 1 when the index disagrees with the files", () => {
    const root = copy(DEMO);
    const file = path.join(root, "canon", "glossary.md");
    utimesSync(file, 1_700_000_000, 1_700_000_000);
    const before = json(cli(root, "extract", "--json", file)).sections as Array<{ section_id: string; line_start: number; line_end: number }>;
    expect(cli(root, "build").code).toBe(0);
    // Same size and mtime, different bytes: builds only stat the file (never read it), so the index keeps the old text.
    writeFileSync(file, readFileSync(file, "utf8").replace("Slice", "Slate"));
    utimesSync(file, 1_700_000_000, 1_700_000_000);
    expect(json(cli(root, "build", "--json"))).toMatchObject({ changed: 0, unchanged: 4 });
    const after = json(cli(root, "extract", "--json", file)).sections as Array<{ section_id: string; line_start: number; line_end: number }>;
    const run = cli(root, "verify");
    expect(run.code).toBe(1);
    const onlyIndex = before.filter((s) => !after.some((a) => a.section_id === s.section_id));
    const onlyFresh = after.filter((s) => !before.some((b) => b.section_id === s.section_id));
    expect(onlyIndex.length).toBeGreaterThan(0);
    for (const s of onlyIndex) expect(run.stdout).toContain(`only in index: ${s.section_id} canon/glossary.md:${s.line_start}-${s.line_end}`);
    for (const s of onlyFresh) expect(run.stdout).toContain(`only in fresh: ${s.section_id} canon/glossary.md:${s.line_start}-${s.line_end}`);
    expect(run.stderr).toContain("error CAT_VERIFY_FAILED:");
    const report = json(cli(root, "verify", "--json"));
    expect(report).toMatchObject({ ok: false });
    expect(report.differences).toHaveLength(onlyIndex.length + onlyFresh.length);
  });

  test("reading commands need a built index", () => {
    const root = copy(DEMO);
    for (const args of [["resolve", "@CANON/scope"], ["search", "cache"], ["symbols", "list"], ["get", "0".repeat(64)]]) {
      const run = cli(root, ...args);
      failure(run, "CAT_INDEX_MISSING");
      expect(run.stderr).toContain("run 'catalytic build' first");
    }
  });

  test("an unusable index.db and an unwritable export folder are typed errors with what to do", () => {
    const root = copy(DEMO);
    mkdirSync(path.join(root, ".catalytic"));
    writeFileSync(path.join(root, ".catalytic", "index.db"), "not a database ".repeat(40));
    for (const args of [["build"], ["resolve", "@CANON/scope"]]) {
      const run = cli(root, ...args);
      failure(run, "CAT_DB_ERROR", 2);
      expect(run.stderr).toContain("delete .catalytic/index.db and run 'catalytic build'");
    }
    rmSync(path.join(root, ".catalytic"), { recursive: true });
    expect(cli(root, "build").code).toBe(0);
    const export_ = cli(root, "export", "--jsonl", "README.md");
    failure(export_, "CAT_FILE_UNWRITABLE");
    expect(export_.stderr).toContain("choose an output folder you can write to");
  });
});

describe("catalytic resolve", () => {
  test("payload on stdout; section, slice, hash, bytes and cache status on stderr", () => {
    const root = copy(DEMO);
    cli(root, "build");
    const miss = cli(root, "resolve", "@CANON/scope", "--slice", "lines[0:3]", "--run-id", "r1");
    expect(miss.code).toBe(0);
    expect(miss.stdout).toBe("## Scope\n\n1. Only files under a configured source are canon.\n");
    expect(miss.stderr).toMatch(/@CANON\/scope -> section [0-9a-f]{64}\n  canon\/AGREEMENT\.md:11-18  Working agreement > Scope\n/);
    expect(miss.stderr).toMatch(/slice lines\[0:3\] \(explicit\), content hash [0-9a-f]{64}, 61 bytes, run r1\n\[CACHE MISS\]\n$/);
    expect(cli(root, "resolve", "@CANON/scope", "--slice", "lines[0:3]", "--run-id", "r1").stderr).toContain("[CACHE HIT]");
    expect(cli(root, "resolve", "@CANON/scope:lines[0:3]", "--run-id", "r2").stderr).toContain("[CACHE MISS]");
    const viaJson = json(cli(root, "resolve", "@CANON/glossary#slice", "--json"));
    expect(viaJson).toMatchObject({ ok: true, symbol_id: "@CANON/glossary", reference: "@CANON/glossary#slice", slice: "head(600)", slice_source: "config_default", cache_hit: false, run_id: "default" });
    expect(viaJson.payload.startsWith("## Slice\n")).toBe(true);
    expect(viaJson.bytes).toBe(Buffer.byteLength(viaJson.payload));
    expect(existsSync(path.join(root, ".catalytic", "cas", viaJson.payload_hash.slice(0, 2), viaJson.payload_hash.slice(2, 4), viaJson.payload_hash))).toBe(true);
  });

  test("a content change misses the cache; an edit without a rebuild is reported as stale", () => {
    const root = copy(DEMO);
    cli(root, "build");
    expect(cli(root, "resolve", "@CANON/budgets").stderr).toContain("[CACHE MISS]");
    expect(cli(root, "resolve", "@CANON/budgets").stderr).toContain("[CACHE HIT]");
    const file = path.join(root, "canon", "AGREEMENT.md");
    writeFileSync(file, readFileSync(file, "utf8").replace("at most 10 symbols", "at most 12 symbols"));
    failure(cli(root, "resolve", "@CANON/budgets"), "CAT_INDEX_STALE");
    cli(root, "build");
    const after = cli(root, "resolve", "@CANON/budgets");
    expect(after.stderr).toContain("[CACHE MISS]");
    expect(after.stdout).toContain("at most 12 symbols");
  });

  test("every failure is typed: unknown symbol with suggestions, bad slices, missing heading", () => {
    const root = copy(DEMO);
    cli(root, "build");
    const unknown = cli(root, "resolve", "@CANON/scop");
    failure(unknown, "CAT_SYMBOL_UNKNOWN");
    expect(unknown.stderr).toContain("did you mean @CANON/scope?");
    expect(json(cli(root, "resolve", "@CANON/scop", "--json"))).toMatchObject({ ok: false, error: { code: "CAT_SYMBOL_UNKNOWN", details: { suggestions: ["@CANON/scope"] } } });
    failure(cli(root, "resolve", "@CANON/scope", "--slice", "ALL"), "CAT_SLICE_ALL_FORBIDDEN");
    failure(cli(root, "resolve", "@CANON/scope", "--slice", "lines[-1:2]"), "CAT_SLICE_NEGATIVE");
    failure(cli(root, "resolve", "@CANON/scope", "--slice", "lines[0:500]"), "CAT_SLICE_OUT_OF_BOUNDS");
    failure(cli(root, "resolve", "@CANON/scope", "--slice", "head(0)"), "CAT_SLICE_ZERO_COUNT");
    failure(cli(root, "resolve", "@CANON/glossary#nothing"), "CAT_HEADING_NOT_FOUND");
    failure(cli(root, "resolve"), "CAT_MISSING_ARGUMENT", 2);
  });
});

describe("catalytic symbols", () => {
  test("add writes a sorted, stable registry; get and list show it; errors are typed", () => {
    const root = copy(DEMO);
    cli(root, "build");
    const added = cli(root, "symbols", "add", "@CANON/terms", "--file", "canon/glossary.md", "--heading", "Glossary > Symbol", "--default-slice", "lines[0:2]");
    expect(added.code).toBe(0);
    expect(added.stdout).toContain("added @CANON/terms -> HEADING canon/glossary.md#Glossary > Symbol");
    expect(cli(root, "symbols", "add", "@AAA/first", "--file", "README.md").code).toBe(0);
    expect(readFileSync(path.join(root, "catalytic.symbols.json"), "utf8")).toBe(
      `${JSON.stringify(
        {
          symbols: {
            "@AAA/first": { target_type: "FILE", target_ref: "README.md" },
            "@CANON/terms": { target_type: "HEADING", target_ref: "canon/glossary.md#Glossary > Symbol", default_slice: "lines[0:2]" },
            "@GUIDE/resolving": { target_type: "HEADING", target_ref: "guides/getting-started.md#Getting started > Resolve a symbol", default_slice: "lines[0:4]" },
          },
        },
        null,
        2,
      )}\n`,
    );
    expect(cli(root, "resolve", "@CANON/terms").stdout).toBe("## Symbol\n\n");
    const got = json(cli(root, "symbols", "get", "@CANON/terms", "--json"));
    expect(got.symbol).toMatchObject({ symbol_id: "@CANON/terms", target_type: "HEADING", default_slice: "lines[0:2]", stale: false });
    expect(got.section).toMatchObject({ file_path: "canon/glossary.md", heading_path: ["Glossary", "Symbol"] });
    expect(cli(root, "symbols", "list", "--prefix", "@CANON/").stdout.split("\n").filter(Boolean).map((l) => l.split(" ")[0])).toEqual([
      "@CANON/AGREEMENT",
      "@CANON/budgets",
      "@CANON/glossary",
      "@CANON/scope",
      "@CANON/terms",
    ]);
    failure(cli(root, "symbols", "add", "@CANON/terms", "--file", "README.md"), "CAT_SYMBOL_EXISTS");
    failure(cli(root, "symbols", "add", "@CANON/scope", "--file", "README.md"), "CAT_SYMBOL_EXISTS");
    failure(cli(root, "symbols", "add", "@canon/lower", "--file", "README.md"), "CAT_SYMBOL_INVALID");
    failure(cli(root, "symbols", "add", "@X/y", "--file", "nope.md"), "CAT_FILE_NOT_FOUND");
    failure(cli(root, "symbols", "add", "@X/y", "--file", "README.md", "--heading", "Nope"), "CAT_HEADING_NOT_FOUND");
    failure(cli(root, "symbols", "add", "@X/y", "--section", "0".repeat(64)), "CAT_SECTION_NOT_FOUND");
    failure(cli(root, "symbols", "add", "@X/y", "--file", "README.md", "--default-slice", "ALL"), "CAT_SLICE_ALL_FORBIDDEN");
    failure(cli(root, "symbols", "add", "@X/y"), "CAT_USAGE", 2);
    failure(cli(root, "symbols", "get", "@CANON/scop"), "CAT_SYMBOL_UNKNOWN");
  });

  test("verify reports a stale pin and a duplicate where they are defined, exit 1", () => {
    const root = copy(DEMO);
    cli(root, "build");
    expect(cli(root, "symbols", "verify").code).toBe(0);
    const budgets = json(cli(root, "symbols", "get", "@CANON/budgets", "--json")).symbol.section_id as string;
    expect(cli(root, "symbols", "add", "@PIN/budgets", "--section", budgets).code).toBe(0);
    const file = path.join(root, "canon", "AGREEMENT.md");
    writeFileSync(file, readFileSync(file, "utf8").replace("fails closed", "fails closed, always"));
    const registry = JSON.parse(readFileSync(path.join(root, "catalytic.symbols.json"), "utf8"));
    registry.symbols["@CANON/glossary"] = { target_type: "FILE", target_ref: "README.md" };
    writeFileSync(path.join(root, "catalytic.symbols.json"), `${JSON.stringify(registry, null, 2)}\n`);
    const build = json(cli(root, "build", "--json"));
    expect(build.problems).toBe(3);
    const run = cli(root, "symbols", "verify");
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^catalytic\.symbols\.json:\d+: CAT_SYMBOL_DUPLICATE @CANON\/glossary is defined 2 times/m);
    expect(run.stdout).toMatch(/^canon\/glossary\.md:1: CAT_SYMBOL_DUPLICATE @CANON\/glossary is defined 2 times/m);
    expect(run.stdout).toMatch(/^catalytic\.symbols\.json:\d+: CAT_SYMBOL_STALE @PIN\/budgets pins section/m);
    expect(run.stderr).toContain("error CAT_VERIFY_FAILED: 3 symbol problem(s)");
    failure(cli(root, "resolve", "@PIN/budgets"), "CAT_SYMBOL_STALE");
  });

  test("verify reports unknown files and headings and invalid default slices at their registry lines", () => {
    const root = copy(DEMO);
    const registryFile = path.join(root, "catalytic.symbols.json");
    const registry = JSON.parse(readFileSync(registryFile, "utf8"));
    registry.symbols["@GUIDE/all"] = { target_type: "FILE", target_ref: "guides/getting-started.md", default_slice: "ALL" };
    registry.symbols["@GUIDE/far"] = { target_type: "HEADING", target_ref: "guides/getting-started.md#Read the rules", default_slice: "lines[0:99]" };
    registry.symbols["@GUIDE/gone"] = { target_type: "FILE", target_ref: "guides/gone.md" };
    registry.symbols["@GUIDE/nohead"] = { target_type: "HEADING", target_ref: "guides/getting-started.md#Getting started > Nowhere" };
    writeFileSync(registryFile, `${JSON.stringify(registry, null, 2)}\n`);
    const lineOf = (id: string): number => readFileSync(registryFile, "utf8").split("\n").findIndex((l) => l.includes(`"${id}"`)) + 1;
    expect(json(cli(root, "build", "--json")).problems).toBe(4);
    const run = cli(root, "symbols", "verify");
    expect(run.code).toBe(1);
    expect(run.stdout.trim().split("\n")).toEqual([
      `catalytic.symbols.json:${lineOf("@GUIDE/all")}: CAT_SLICE_ALL_FORBIDDEN @GUIDE/all: default slice the slice ALL is forbidden: every expansion must be bounded`,
      `catalytic.symbols.json:${lineOf("@GUIDE/far")}: CAT_SLICE_OUT_OF_BOUNDS @GUIDE/far: default slice lines[0:99] is out of bounds: the section has 5 lines`,
      `catalytic.symbols.json:${lineOf("@GUIDE/gone")}: CAT_FILE_NOT_FOUND @GUIDE/gone targets guides/gone.md, which is not an indexed file`,
      `catalytic.symbols.json:${lineOf("@GUIDE/nohead")}: CAT_HEADING_NOT_FOUND @GUIDE/nohead: guides/getting-started.md has no heading "Getting started > Nowhere"`,
    ]);
    expect(run.stderr).toContain("error CAT_VERIFY_FAILED: 4 symbol problem(s) (fix each place listed above)");
    const report = json(cli(root, "symbols", "verify", "--json"));
    expect(report.problems.map((p: { code: string; file: string }) => [p.code, p.file])).toEqual([
      ["CAT_SLICE_ALL_FORBIDDEN", "catalytic.symbols.json"],
      ["CAT_SLICE_OUT_OF_BOUNDS", "catalytic.symbols.json"],
      ["CAT_FILE_NOT_FOUND", "catalytic.symbols.json"],
      ["CAT_HEADING_NOT_FOUND", "catalytic.symbols.json"],
    ]);
  });
});

describe("catalytic search", () => {
  test("ranked hits with symbols and snippets, same order every time, one receipt each", () => {
    const root = copy(DEMO);
    cli(root, "build");
    const first = json(cli(root, "search", "cache hit", "-k", "2", "--json"));
    expect(first.hits.map((h: any) => [h.file_path, h.heading_path.join(" > ")])).toEqual([
      ["canon/glossary.md", "Glossary > Expansion cache"],
      ["guides/getting-started.md", "Getting started > Resolve a symbol"],
    ]);
    expect(first.hits[1].symbols).toEqual(["@GUIDE/resolving"]);
    const second = json(cli(root, "search", "cache hit", "-k", "2", "--json"));
    expect(second.hits).toEqual(first.hits);
    expect(second.receipt_id).toBe(first.receipt_id + 1);
    const human = cli(root, "search", "cache hit", "-k", "1");
    expect(human.stdout).toMatch(/^1\. [\d.]+ {2}canon\/glossary\.md:17-21 {2}Glossary > Expansion cache\n {3}[0-9a-f]{64}\n {3}Resolving the same symbol/);
    expect(human.stderr).toMatch(/retrieval receipt #3 \(run default/);
    failure(cli(root, "search", "!!!"), "CAT_USAGE", 2);
    failure(cli(root, "search", "x", "-k", "zero"), "CAT_USAGE", 2);
  });

  test("--json uses the contract's snake_case names; a question finds its answer; FTS5 syntax is literal", () => {
    const root = copy(DEMO);
    cli(root, "build");
    const result = json(cli(root, "search", "how do I get the same payload again without reading the file?", "-k", "3", "--json"));
    expect(Object.keys(result).sort()).toEqual(["created_at", "hits", "index_hash", "k", "ok", "query", "query_hash", "receipt_id", "run_id", "terms"]);
    expect(result.terms).toEqual(["get", "payload", "without", "reading", "file"]);
    expect(Object.keys(result.hits[0]).sort()).toEqual(["file_path", "heading_path", "line_end", "line_start", "match_lines", "score", "section_id", "snippet", "symbols"]);
    expect(result.hits.map((h: any) => h.heading_path.join(" > "))).toContain("Glossary > Expansion cache");
    for (const query of ["cache AND hit", "NEAR(cache", "body:cache", "cache*", "^cache"]) {
      const run = cli(root, "search", query, "--json");
      expect(run.code, query).toBe(0);
      expect(json(run).hits.length, query).toBeGreaterThan(0);
    }
    failure(cli(root, "search", "*"), "CAT_USAGE", 2);
  });
});

describe("both corpora through the CLI", () => {
  test.each([
    ["rust-book", "BOOK", 112, "@BOOK/ch04-01-what-is-ownership#the-stack-and-the-heap", "### The Stack and the Heap", "ownership borrow"],
    ["tldr-en-sample", "TLDR", 1150, "@TLDR/common/tar", "# tar", "compress archive"],
  ])("%s: build, verify, resolve, search", (name, namespace, files, reference, firstLine, query) => {
    const root = copy(path.join(CORPORA, name));
    writeFileSync(path.join(root, "catalytic.json"), JSON.stringify({ sources: [{ path: ".", namespace }] }));
    const report = json(cli(root, "build", "--json"));
    expect(report).toMatchObject({ ok: true, files, added: files });
    expect(json(cli(root, "build", "--json"))).toMatchObject({ unchanged: files, index_hash: report.index_hash });
    expect(cli(root, "verify").code).toBe(0);
    const resolved = cli(root, "resolve", reference, "--slice", "lines[0:1]");
    expect(resolved.code).toBe(0);
    expect(resolved.stdout.trim().replace(/^> /, "")).toBe(firstLine);
    const hits = json(cli(root, "search", query, "-k", "3", "--json")).hits;
    expect(hits).toHaveLength(3);
  }, 180_000);
});

/** Starts the CLI without waiting, so several processes really run at once. */
function start(root: string, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, "--root", root, ...args], { cwd: root });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe("concurrent processes on one workspace", () => {
  test("four builds of a fresh workspace, then four resolves of one key, all succeed and agree", async () => {
    const root = copy(DEMO);
    const builds = await Promise.all([1, 2, 3, 4].map(() => start(root, "build", "--json")));
    for (const b of builds) expect(b.code, b.stderr).toBe(0);
    const hashes = new Set(builds.map((b) => JSON.parse(b.stdout).index_hash as string));
    expect(hashes.size).toBe(1);
    const resolves = await Promise.all([1, 2, 3, 4].map(() => start(root, "resolve", "@CANON/scope", "--run-id", "shared", "--json")));
    for (const r of resolves) expect(r.code, r.stderr).toBe(0);
    expect(new Set(resolves.map((r) => JSON.parse(r.stdout).payload_hash as string)).size).toBe(1);
    expect(json(cli(root, "resolve", "@CANON/scope", "--run-id", "shared", "--json")).cache_hit).toBe(true);
  });
});

describe("catalytic build --path", () => {
  test("re-checks only the named files, paths relative to the current directory; a path outside is refused", () => {
    const root = copy(DEMO);
    expect(cli(root, "build").code).toBe(0);
    writeFileSync(path.join(root, "canon", "AGREEMENT.md"), "# Agreement\n\nRewritten.\n");
    writeFileSync(path.join(root, "canon", "new.md"), "# New\n");
    const named = runCatalytic(["--root", root, "build", "--path", "AGREEMENT.md", "--json"], { cwd: path.join(root, "canon") });
    expect(named.code, named.stderr).toBe(0);
    expect(json(named)).toMatchObject({ ok: true, changed: 1, added: 0, removed: 0, files: 4 });
    expect(json(cli(root, "build", "--json"))).toMatchObject({ added: 1, changed: 0, files: 5 });
    failure(runCatalytic(["--root", root, "build", "--path", "../outside.md"], { cwd: root }), "CAT_PATH_OUTSIDE_WORKSPACE");
  });
});
