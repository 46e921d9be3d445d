// Bundles over real workspaces in temp dirs (docs/demo, generated files, the in-repo rust-book and tldr copies):
// refs, search, cutting, greedy fit, budgets, reuse, determinism, hash stability, verification.
import { cpSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { beforeAll, describe, expect, it } from "vitest";
import { type Bundle, type TokenCounter, BundleSchema, CatalyticError, loadTokenCounter } from "@catalytic/core";
import { BUNDLE_DEFAULTS, Index, buildBundle, renderBundleMarkdown, verifyBundle } from "../src/index.js";
import { indexPath } from "../src/db.js";
import { RUST_BOOK, TLDR, copyCorpus } from "./corpora.js";
import { useIndexFixture, writeFile } from "./fixture.js";

const DEMO = path.resolve(__dirname, "../../../docs/demo");
let counter: TokenCounter;
const fixture = useIndexFixture();

beforeAll(async () => {
  counter = await loadTokenCounter();
});

function workspace(files: Record<string, string>, from?: string): string {
  const root = fixture.tempRoot("catalytic-bundle-");
  if (from) cpSync(from, root, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFile(root, file, text);
  return root;
}

function built(root: string): Index {
  const index = fixture.open(root);
  index.build();
  return index;
}

function rows(root: string, table: "expansions" | "retrievals"): number {
  const db = new Database(indexPath(root), { readonly: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

function caught(fn: () => unknown): CatalyticError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CatalyticError) return error;
    throw error;
  }
  throw new Error("expected a CatalyticError");
}

/** Rules every bundle must satisfy, whatever the ranking. */
function expectWellFormed(bundle: Bundle): void {
  BundleSchema.parse(bundle);
  const { budgets } = bundle;
  expect(bundle.items.length).toBeLessThanOrEqual(budgets.max_items);
  expect(bundle.tokens_total).toBe(bundle.items.reduce((sum, item) => sum + item.tokens, 0));
  expect(bundle.tokens_total).toBeLessThanOrEqual(budgets.max_tokens);
  for (const item of bundle.items) {
    expect(item.tokens).toBeLessThanOrEqual(budgets.max_tokens_per_item);
    expect(item.slice.toLowerCase()).not.toBe("all");
  }
  for (const dropped of bundle.dropped) {
    if (dropped.why === "max_tokens") expect(bundle.tokens_total + dropped.tokens).toBeGreaterThan(budgets.max_tokens);
    if (dropped.why === "max_items") expect(bundle.items.length).toBe(budgets.max_items);
    if (dropped.why === "max_tokens_per_item") expect(dropped.tokens).toBeGreaterThan(budgets.max_tokens_per_item);
  }
  expect(bundle.baseline.files).toEqual([...new Set(bundle.items.map((item) => item.file_path))].sort());
}

const FILLER = (n: number, word = "filler"): string => Array.from({ length: n }, (_, i) => `${word} line ${i} with some ordinary prose text.\n`).join("");

describe("refs", () => {
  it("includes @refs of the intent and explicit refs, bounded by their slice, the symbol default or the configured bound", () => {
    const index = built(workspace({}, DEMO));
    const { bundle } = buildBundle(index, { intent: "how to resolve @GUIDE/resolving", refs: ["@CANON/AGREEMENT:lines[0:2]", "@CANON/glossary"] }, counter);
    expectWellFormed(bundle);
    expect(bundle.items.slice(0, 3).map((item) => [item.ref, item.reason, item.slice])).toEqual([
      ["@GUIDE/resolving", "ref", "lines[0:4]"],
      ["@CANON/AGREEMENT", "explicit", "lines[0:2]"],
      ["@CANON/glossary", "explicit", "head(600)"],
    ]);
    expect(bundle.items.slice(3).every((item) => item.reason === "search" && item.score !== null)).toBe(true);
    const first = bundle.items[0]!;
    expect([first.file_path, first.line_start, first.line_end]).toEqual(["guides/getting-started.md", 10, 14]);
    expect(first.score).toBeNull();
  });

  it("fails with a typed error naming every ref and its tokens when the refs alone are over budget, storing nothing", () => {
    const root = workspace({}, DEMO);
    const index = built(root);
    const before = [rows(root, "expansions"), rows(root, "retrievals")];
    const error = caught(() => buildBundle(index, { intent: "budgets @GUIDE/resolving", refs: ["@CANON/glossary"], budget_tokens: 60, run_id: "r" }, counter));
    expect(error.code).toBe("CAT_BUDGET_EXCEEDED");
    expect(error.message).toContain("@GUIDE/resolving (51 tokens)");
    expect(error.message).toContain("@CANON/glossary (");
    expect(error.details.refs).toEqual([
      { ref: "@GUIDE/resolving", tokens: 51 },
      { ref: "@CANON/glossary", tokens: expect.any(Number) },
    ]);
    expect([rows(root, "expansions"), rows(root, "retrievals")]).toEqual(before);
    expect(caught(() => buildBundle(index, { intent: "x @GUIDE/resolving", max_tokens_per_item: 50 }, counter)).details.budget).toBe("max_tokens_per_item");
    expect(caught(() => buildBundle(index, { intent: "x @GUIDE/resolving @CANON/glossary", max_items: 1 }, counter)).details.budget).toBe("max_items");
  });

  it("renders untrusted text without control characters in the pack's header and provenance lines", () => {
    const index = built(workspace({}, DEMO));
    const { bundle, chunks } = buildBundle(index, { intent: "clear \u001b[2J the screen @GUIDE/resolving" }, counter);
    const markdown = renderBundleMarkdown(bundle, chunks);
    expect(markdown.split("\n")[0]).toBe("# Context bundle: clear \\u001b[2J the screen @GUIDE/resolving");
    expect(markdown).not.toContain("\u001b");
  });

  it("every bad input is a typed error", () => {
    const index = built(workspace({}, DEMO));
    const code = (request: Parameters<typeof buildBundle>[1]): string => caught(() => buildBundle(index, request, counter)).code;
    expect(code({ intent: "  " })).toBe("CAT_USAGE");
    expect(code({ intent: "x", budget_tokens: 0 })).toBe("CAT_USAGE");
    expect(code({ intent: "@CANON/glossary", k: 1.5 })).toBe("CAT_USAGE");
    expect(code({ intent: "x", run_id: "" })).toBe("CAT_ID_INVALID");
    expect(code({ intent: "x", run_id: "run\u001b[2J" })).toBe("CAT_ID_INVALID");
    expect(code({ intent: "x", refs: ["CANON/glossary"] })).toBe("CAT_SYMBOL_INVALID");
    expect(code({ intent: "x", refs: ["@CANON/glosary"] })).toBe("CAT_SYMBOL_UNKNOWN");
    expect(code({ intent: "x", refs: ["@CANON/glossary:ALL"] })).toBe("CAT_SLICE_ALL_FORBIDDEN");
    expect(code({ intent: "x", refs: ["@CANON/glossary:lines[0:999]"] })).toBe("CAT_SLICE_OUT_OF_BOUNDS");
  });
});

describe("search items", () => {
  it("cuts a big section to the smallest lines slice covering its matching lines with two lines of context", () => {
    const big = `# Big\n\n${FILLER(300)}the frobnicate switch lives here.\n${FILLER(300)}`;
    const index = built(workspace({ "big.md": big }));
    const { bundle, chunks } = buildBundle(index, { intent: "frobnicate" }, counter);
    expectWellFormed(bundle);
    const item = bundle.items.find((i) => i.file_path === "big.md")!;
    expect(item.reason).toBe("search");
    // Line 302 of the file holds the word: lines 300..304 with two lines of context (the section starts at line 0).
    expect([item.slice, item.line_start, item.line_end]).toEqual(["lines[300:305]", 300, 305]);
    expect(chunks[bundle.items.indexOf(item)]).toMatchObject({ cutBefore: true, cutAfter: true });
    expect(chunks[bundle.items.indexOf(item)]!.text).toContain("frobnicate");
    const markdown = renderBundleMarkdown(bundle, chunks);
    expect(markdown).toContain("✂ cut: the section continues above");
    expect(markdown).toContain("✂ cut: the section continues below");
  });

  it("cuts around the lines search matched (porter stems) even where the bundle's own light stem does not match", () => {
    const big = `# Big\n\n${FILLER(300)}The herd kept running.\n${FILLER(300)}`;
    const index = built(workspace({ "big.md": big }));
    const { bundle, chunks } = buildBundle(index, { intent: "run" }, counter);
    const item = bundle.items.find((i) => i.file_path === "big.md")!;
    expect([item.line_start, item.line_end]).toEqual([300, 305]);
    expect(chunks[bundle.items.indexOf(item)]!.text).toContain("The herd kept running.");
  });

  it("finds and cuts text in scripts without spaces (CJK)", () => {
    const zh = `# 所有权\n\n${"这是一段普通的说明文字，用来填充这一节的内容。\n".repeat(300)}所有权规则决定了值何时被释放。\n${"这是一段普通的说明文字，用来填充这一节的内容。\n".repeat(300)}`;
    const index = built(workspace({ "zh.md": zh, "other.md": "# Other\n\nNothing in Chinese.\n" }));
    const { bundle, chunks } = buildBundle(index, { intent: "所有权规则" }, counter);
    expectWellFormed(bundle);
    const item = bundle.items.find((i) => i.file_path === "zh.md")!;
    expect([item.line_start, item.line_end]).toEqual([300, 305]);
    expect(chunks[bundle.items.indexOf(item)]!.text).toContain("所有权规则决定了值何时被释放。");
  });

  it("bounds a section whose matching lines spread too far by the per-item budget (the window with most matches)", () => {
    const spread = `# Spread\n\nfrobnicate at the top.\n${FILLER(200)}frobnicate again.\nfrobnicate and again.\n${FILLER(200)}frobnicate at the end.\n`;
    const index = built(workspace({ "spread.md": spread }));
    const { bundle, chunks } = buildBundle(index, { intent: "frobnicate", max_tokens_per_item: 100 }, counter);
    expectWellFormed(bundle);
    const item = bundle.items.find((i) => i.file_path === "spread.md")!;
    expect(item.tokens).toBeLessThanOrEqual(100);
    expect(chunks[bundle.items.indexOf(item)]!.text).toContain("frobnicate again.\nfrobnicate and again.\n");
  });

  it("keeps one of a parent and a child section cut to the same lines; the other is dropped as overlap", () => {
    // The parent is too big to cover its own match and the child's: both are cut to the child's dense cluster.
    const nested = `# Parent\n\nThe zebu intro.\n${FILLER(200)}## Child\n\n${FILLER(100)}zebu one.\nzebu two.\nzebu three.\n${FILLER(100)}`;
    const index = built(workspace({ "nested.md": nested, "tiny.md": "# Tiny\n\nzebu.\n" }));
    const { bundle } = buildBundle(index, { intent: "zebu", max_items: 1, min_score_percent: 0 }, counter);
    expectWellFormed(bundle);
    expect(bundle.items.map((i) => i.file_path)).toEqual(["tiny.md"]);
    // The better-ranked of the two is cut by the budget; its twin (same lines) is an overlap, not a second budget cut.
    const cut = bundle.dropped.filter((d) => d.file_path === "nested.md");
    expect(cut.map((d) => d.why).sort()).toEqual(["max_items", "overlap"]);
    expect(cut[0]!.line_start === cut[1]!.line_start && cut[0]!.line_end === cut[1]!.line_end).toBe(true);
  });

  it("fits in rank order; what does not fit is dropped with its tokens and why", () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 6; i++) files[`f${i}.md`] = `# Topic ${i}\n\nThe quokka note ${i}.\n${FILLER(10 + i * 10)}`;
    const root = workspace(files);
    const index = built(root);
    const { bundle } = buildBundle(index, { intent: "quokka", budget_tokens: 500, max_items: 3, min_score_percent: 0 }, counter);
    expectWellFormed(bundle);
    expect(bundle.items.length).toBeGreaterThan(0);
    expect(bundle.dropped.length).toBeGreaterThan(0);
    expect(bundle.items.length + bundle.dropped.length).toBe(6);
    for (const item of bundle.items) expect(item.score).not.toBeNull();
    // Rank order: a candidate dropped for max_tokens did not fit after the better-ranked items already taken.
    for (const d of bundle.dropped.filter((x) => x.why === "max_tokens")) {
      const before = bundle.items.filter((item) => item.score! >= d.score!).reduce((sum, item) => sum + item.tokens, 0);
      expect(before + d.tokens).toBeGreaterThan(500);
    }
  });

  it("drops search candidates under min_score_percent of the top score (score_gap); 0 keeps them", () => {
    const files = {
      "best.md": "# Numbat numbat\n\nThe numbat numbat eats termites; numbat numbat facts.\n",
      "weak.md": `# Weak\n\nA numbat once.\n${FILLER(40)}`,
    };
    const index = built(workspace(files));
    const gap = buildBundle(index, { intent: "numbat" }, counter).bundle;
    expectWellFormed(gap);
    expect(gap.items.map((i) => i.file_path)).toEqual(["best.md"]);
    expect(gap.dropped.map((d) => [d.file_path, d.why])).toEqual([["weak.md", "score_gap"]]);
    const weak = gap.dropped[0]!;
    expect(weak.score! * 100).toBeLessThan(gap.items[0]!.score! * BUNDLE_DEFAULTS.min_score_percent);
    const all = buildBundle(index, { intent: "numbat", min_score_percent: 0 }, counter).bundle;
    expect(all.items.map((i) => i.file_path).sort()).toEqual(["best.md", "weak.md"]);
    for (const bad of [-1, 101, 0.5, Number.NaN]) {
      expect(() => buildBundle(index, { intent: "numbat", min_score_percent: bad }, counter)).toThrow(expect.objectContaining({ code: "CAT_USAGE" }));
    }
  });

  it("cuts a search item to search_item_tokens of its matching lines; refs are not cut by it", () => {
    // Under max_tokens_per_item (taken whole before), over search_item_tokens: cut to the matching line.
    const big = `# Big\n\n${FILLER(20)}The dugong line.\n${FILLER(20)}`;
    const index = built(workspace({ "big.md": big }));
    expect(counter.count(big)).toBeGreaterThan(BUNDLE_DEFAULTS.search_item_tokens);
    expect(counter.count(big)).toBeLessThan(600);
    const { bundle, chunks } = buildBundle(index, { intent: "dugong" }, counter);
    expectWellFormed(bundle);
    const item = bundle.items.find((i) => i.file_path === "big.md")!;
    expect(item.tokens).toBeLessThanOrEqual(BUNDLE_DEFAULTS.search_item_tokens);
    expect(chunks[bundle.items.indexOf(item)]!.text).toContain("The dugong line.");
    const wider = buildBundle(index, { intent: "dugong", search_item_tokens: 600 }, counter).bundle.items.find((i) => i.file_path === "big.md")!;
    expect([wider.line_start, wider.line_end]).toEqual([0, big.split("\n").length - 1]);
    expect(() => buildBundle(index, { intent: "dugong", search_item_tokens: 0 }, counter)).toThrow(expect.objectContaining({ code: "CAT_USAGE" }));
    // A ref is taken as asked, whatever search_item_tokens says.
    const ref = buildBundle(built(workspace({}, DEMO)), { intent: "@GUIDE/resolving", search_item_tokens: 1 }, counter).bundle.items[0]!;
    expect(ref.reason).not.toBe("search");
    expect(ref.tokens).toBeGreaterThan(1);
  });
});

describe("reuse within a run", () => {
  it("marks items a run already expanded as reused, reports them, and keeps the hash", () => {
    const root = workspace({}, DEMO);
    const index = built(root);
    const request = { intent: "@GUIDE/resolving", refs: ["@CANON/glossary"], run_id: "run-1" };
    const first = buildBundle(index, request, counter).bundle;
    expect(first.reuse).toEqual({ items: 0, tokens: 0 });
    const second = buildBundle(index, request, counter);
    expect(second.bundle.items.every((item) => item.reused)).toBe(true);
    expect(second.bundle.reuse).toEqual({ items: 2, tokens: first.tokens_total });
    expect(second.bundle.bundle_hash).toBe(first.bundle_hash);
    expect(second.bundle.bundle_id).toBe(first.bundle_id);
    expect(renderBundleMarkdown(second.bundle, second.chunks)).toContain("reused: run run-1 already holds this content");
    // Another run has expanded nothing; a bundle outside any run records nothing.
    expect(buildBundle(index, { ...request, run_id: "run-2" }, counter).bundle.reuse.items).toBe(0);
    const stored = rows(root, "expansions");
    const outside = buildBundle(index, { intent: "@GUIDE/resolving" }, counter).bundle;
    expect([outside.run_id, outside.reuse.items, rows(root, "expansions")]).toEqual([null, 0, stored]);
    expect(outside.bundle_hash).toBe(buildBundle(index, { intent: "@GUIDE/resolving", run_id: "run-3" }, counter).bundle.bundle_hash);
  });

  it("counts a resolution of the run (READ_SYMBOL through the cache) and expansions the caller passes (receipts)", () => {
    const index = built(workspace({}, DEMO));
    index.resolve("@GUIDE/resolving", { runId: "r" });
    const { bundle } = buildBundle(index, { intent: "@GUIDE/resolving @CANON/glossary", run_id: "r" }, counter);
    expect(bundle.items.map((item) => item.reused)).toEqual([true, false]);
    const glossary = bundle.items[1]!;
    const withPrior = buildBundle(index, { intent: "@CANON/glossary:lines[1:3]", run_id: "r2", prior: [{ section_id: glossary.section_id, slice: "lines[0:5]" }] }, counter);
    expect(withPrior.bundle.items[0]!.reused).toBe(true);
    // A resolution in the run is served from what the bundle recorded.
    expect(index.resolve("@CANON/glossary", { runId: "r" }).cacheHit).toBe(true);
  });
});

describe("determinism and hashes", () => {
  const files = {
    "a.md": `# Alpha\n\n## Wombat care\n\nFeed the wombat twice.\n\n## Other\n\nNothing here.\n`,
    "b.md": `# Beta\n\nThe wombat sleeps by day.\n`,
    "c.md": `# Gamma\n\nUnrelated text about rivers.\n`,
  };

  it("gives byte-identical bundle JSON for the same intent, corpus and budget, in any folder", () => {
    const one = built(workspace(files));
    const two = built(workspace(files));
    const request = { intent: "wombat", budget_tokens: 300, min_score_percent: 0 };
    const a = JSON.stringify(buildBundle(one, request, counter).bundle);
    expect(JSON.stringify(buildBundle(one, request, counter).bundle)).toBe(a);
    expect(JSON.stringify(buildBundle(two, request, counter).bundle)).toBe(a);
    expect((JSON.parse(a) as Bundle).items.length).toBe(2);
  });

  it("keeps bundle_hash when an unrelated file changes and changes it when a chosen section changes", () => {
    const root = workspace(files);
    const index = built(root);
    const request = { intent: "wombat", budget_tokens: 300, min_score_percent: 0 };
    const before = buildBundle(index, request, counter).bundle;
    writeFile(root, "c.md", `# Gamma\n\nUnrelated text about rivers, lakes and a very long list of other waters.\n\n## More\n\nStill nothing.\n`);
    index.build();
    expect(buildBundle(index, request, counter).bundle.bundle_hash).toBe(before.bundle_hash);
    writeFile(root, "b.md", `# Beta\n\nThe wombat sleeps by day and digs at night.\n`);
    index.build();
    expect(buildBundle(index, request, counter).bundle.bundle_hash).not.toBe(before.bundle_hash);
  });
});

describe("verifyBundle", () => {
  it("passes a fresh bundle and names each stale or broken item", () => {
    const root = workspace({}, DEMO);
    const index = built(root);
    const { bundle } = buildBundle(index, { intent: "@GUIDE/resolving @CANON/glossary" }, counter);
    expect(verifyBundle(index, bundle, counter)).toMatchObject({ ok: true, problems: [] });

    // Edited on disk, not re-indexed: the first item is stale; the second is untouched.
    writeFile(root, "guides/getting-started.md", `# Getting started\n\nChanged.\n`);
    const stale = verifyBundle(index, bundle, counter);
    expect(stale.ok).toBe(false);
    expect(stale.problems.map((p) => [p.item, p.code])).toEqual([[0, "CAT_INDEX_STALE"]]);
    index.build();
    const gone = verifyBundle(index, bundle, counter).problems;
    expect(gone.map((p) => p.item)).toEqual([0, 0]);
    expect(gone.map((p) => p.code).sort()).toEqual(["CAT_HEADING_NOT_FOUND", "CAT_SECTION_NOT_FOUND"]);
  });

  it("checks budgets, hash, id, slices and token counts of an edited bundle", () => {
    const index = built(workspace({}, DEMO));
    const { bundle } = buildBundle(index, { intent: "@CANON/glossary" }, counter);
    const tampered: Bundle = {
      ...bundle,
      budgets: { ...bundle.budgets, max_tokens: 10 },
      items: [{ ...bundle.items[0]!, slice: "lines[0:400]" }],
    };
    const codes = verifyBundle(index, tampered, counter).problems.map((p) => p.code);
    expect(codes).toContain("CAT_VERIFY_FAILED"); // hash
    expect(codes).toContain("CAT_BUDGET_EXCEEDED");
    expect(codes).toContain("CAT_SLICE_OUT_OF_BOUNDS");
    const miscounted: Bundle = { ...bundle, items: [{ ...bundle.items[0]!, tokens: bundle.items[0]!.tokens + 1 }], tokens_total: bundle.tokens_total + 1 };
    expect(verifyBundle(index, miscounted, counter).problems.map((p) => p.message).join("\n")).toMatch(/tokens: recorded \d+, counted \d+/);
  });
});

describe("corpora", () => {
  it("rust-book: bounded, deterministic, far below the whole files, verifiable", () => {
    const index = built(copyCorpus(RUST_BOOK));
    fixture.removeAfter(path.dirname(index.root));
    const request = { intent: "borrowing references ownership", budget_tokens: 3000 };
    const { bundle, chunks } = buildBundle(index, request, counter);
    expectWellFormed(bundle);
    expect(bundle.items.length).toBeGreaterThan(1);
    expect(chunks.some((c) => c.cutBefore || c.cutAfter)).toBe(true);
    expect(bundle.baseline.tokens).toBeGreaterThan(2 * bundle.tokens_total);
    expect(JSON.stringify(buildBundle(index, request, counter).bundle)).toBe(JSON.stringify(bundle));
    expect(verifyBundle(index, bundle, counter).ok).toBe(true);
  });

  it("tldr sample: small pages fit whole", () => {
    const index = built(copyCorpus(TLDR));
    fixture.removeAfter(path.dirname(index.root));
    const { bundle, chunks } = buildBundle(index, { intent: "extract tar archive", budget_tokens: 1500 }, counter);
    expectWellFormed(bundle);
    expect(bundle.items.length).toBeGreaterThan(0);
    expect(chunks.every((c) => !c.cutBefore)).toBe(true);
    expect(verifyBundle(index, bundle, counter).ok).toBe(true);
  });
});
