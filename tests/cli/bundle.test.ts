// `catalytic bundle`, `bundle verify` and `plan --bundle` end to end with the built CLI as a real process, on copies
// of docs/demo and of the in-repo rust-book and tldr samples.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { Cassette } from "@catalytic/cassette";
import { type CliResult, REPO_ROOT, copyToTemp, runCatalytic } from "./helpers.js";

const DEMO = path.join(REPO_ROOT, "docs", "demo");
const CORPORA = path.join(REPO_ROOT, "fixtures", "corpora");
const dirs: string[] = [];

afterEach(() => {
  while (dirs.length > 0) rmSync(dirs.pop()!, { recursive: true, force: true });
});

function built(source: string): string {
  const dir = copyToTemp(source, "cli-bundle-");
  dirs.push(dir);
  rmSync(path.join(dir, ".catalytic"), { recursive: true, force: true });
  expect(cli(dir, "build").code).toBe(0);
  return dir;
}

function cli(root: string, ...args: string[]): CliResult {
  return runCatalytic(["--root", root, ...args], { cwd: root });
}

function json(run: CliResult): Record<string, any> {
  const lines = run.stdout.trim().split("\n");
  expect(lines, run.stderr).toHaveLength(1);
  return JSON.parse(lines[0]!) as Record<string, any>;
}

describe("catalytic bundle on docs/demo", () => {
  test("--json prints {bundle}, --format json the same bundle, --format md the pack; byte-identical on a rerun", () => {
    const root = built(DEMO);
    const args = ["bundle", "symbol @GUIDE/resolving", "--ref", "@CANON/glossary:lines[0:6]", "--budget-tokens", "500"];
    const first = cli(root, ...args, "--json");
    expect(first.code, first.stderr).toBe(0);
    const { bundle } = json(first);
    expect(Object.keys(json(first))).toEqual(["bundle"]);
    expect(bundle.items.slice(0, 2).map((i: any) => [i.ref, i.reason, i.slice])).toEqual([
      ["@GUIDE/resolving", "ref", "lines[0:4]"],
      ["@CANON/glossary", "explicit", "lines[0:6]"],
    ]);
    expect(bundle.tokenizer).toEqual({ name: "o200k_base", library: "gpt-tokenizer", version: "4.0.0" });
    expect(cli(root, ...args, "--json").stdout).toBe(first.stdout);
    const asFile = cli(root, ...args, "--format", "json");
    expect(JSON.parse(asFile.stdout)).toEqual(bundle);

    const md = cli(root, ...args);
    expect(md.code).toBe(0);
    const lines = md.stdout.split("\n");
    expect(lines[0]).toBe("# Context bundle: symbol @GUIDE/resolving");
    expect(lines[2]).toMatch(new RegExp(`^- \\*\\*${bundle.items.length} item\\(s\\), ${bundle.tokens_total} tokens\\*\\* of 500`));
    expect(md.stdout).toContain(`\`@GUIDE/resolving\` · guides/getting-started.md:10-14 \`lines[0:4]\` · Getting started > Resolve a symbol · ${bundle.items[0].content_hash.slice(0, 8)} · 51 tokens · ref`);
    expect(md.stdout).toContain("> ✂ cut: the section continues below");
  });

  test("refs over budget: exit 1 with CAT_BUDGET_EXCEEDED naming each ref and its tokens; nothing stored", () => {
    const root = built(DEMO);
    const run = cli(root, "bundle", "x @GUIDE/resolving", "--ref", "@CANON/glossary", "--budget-tokens", "100", "--run-id", "r", "--json");
    expect(run.code).toBe(1);
    const { error } = json(run);
    expect(error.code).toBe("CAT_BUDGET_EXCEEDED");
    expect(error.details.refs.map((r: any) => r.ref)).toEqual(["@GUIDE/resolving", "@CANON/glossary"]);
    expect(error.message).toContain("@GUIDE/resolving (51 tokens)");
    // Nothing was recorded under the run: the next bundle in it reuses nothing.
    const next = json(cli(root, "bundle", "x @GUIDE/resolving", "--run-id", "r", "--json"));
    expect(next.bundle.reuse.items).toBe(0);
  });

  test("typed usage errors: bad --format, --budget-tokens, ref syntax, no index", () => {
    const root = built(DEMO);
    expect(json(cli(root, "bundle", "x", "--format", "html", "--json")).error.code).toBe("CAT_USAGE");
    expect(cli(root, "bundle", "x", "--budget-tokens", "0").code).toBe(2);
    expect(json(cli(root, "bundle", "x", "--ref", "CANON/x", "--json")).error.code).toBe("CAT_SYMBOL_INVALID");
    rmSync(path.join(root, ".catalytic"), { recursive: true, force: true });
    expect(json(cli(root, "bundle", "x", "--json")).error.code).toBe("CAT_INDEX_MISSING");
  });

  test("reuse across calls of one run, counted once", () => {
    const root = built(DEMO);
    const args = ["bundle", "@GUIDE/resolving @CANON/glossary", "--run-id", "run-a", "--json"];
    const first = json(cli(root, ...args)).bundle;
    const second = json(cli(root, ...args)).bundle;
    expect(first.reuse).toEqual({ items: 0, tokens: 0 });
    expect(second.reuse).toEqual({ items: 2, tokens: first.tokens_total });
    expect(second.bundle_hash).toBe(first.bundle_hash);
    expect(cli(root, "bundle", "@GUIDE/resolving @CANON/glossary", "--run-id", "run-a").stdout).toContain("*(reused: run run-a already holds this content; not repeated)*");
  });

  test("bundle verify passes a fresh bundle and exits 1 naming each stale item after an edit", () => {
    const root = built(DEMO);
    const file = path.join(root, "bundle.json");
    writeFileSync(file, cli(root, "bundle", "@GUIDE/resolving @CANON/glossary", "--format", "json").stdout);
    const pass = cli(root, "bundle", "verify", "bundle.json");
    expect(pass.code, pass.stdout + pass.stderr).toBe(0);
    expect(pass.stdout).toMatch(/^PASS: bundle_[0-9a-f]{16} \(2 item\(s\)\) is current/);

    const glossary = path.join(root, "canon", "glossary.md");
    writeFileSync(glossary, readFileSync(glossary, "utf8").replace("# Glossary", "# Glossary (edited)"));
    const fail = cli(root, "bundle", "verify", "bundle.json");
    expect(fail.code).toBe(1);
    expect(fail.stdout).toContain("items[1] canon/glossary.md:0-21: stale:");
    expect(fail.stdout).not.toContain("items[0]");
    const asJson = json(cli(root, "bundle", "verify", "bundle.json", "--json"));
    expect(asJson.ok).toBe(false);
    expect(asJson.problems.map((p: any) => [p.item, p.code])).toEqual([[1, "CAT_INDEX_STALE"]]);

    writeFileSync(file, "{");
    expect(json(cli(root, "bundle", "verify", "bundle.json", "--json")).error.code).toBe("CAT_JSON_MALFORMED");
    writeFileSync(file, JSON.stringify({ bundle: { intent: "x" } }));
    expect(json(cli(root, "bundle", "verify", "bundle.json", "--json")).error.code).toBe("CAT_SCHEMA_INVALID");
  });

  test("plan --bundle: READ steps are exactly the items, the plan records the bundle hash, ants execute it", () => {
    const root = built(DEMO);
    writeFileSync(path.join(root, "b.json"), cli(root, "bundle", "symbol @GUIDE/resolving", "--ref", "@CANON/glossary:lines[0:6]", "--run-id", "run-p", "--json").stdout);
    const bundle = JSON.parse(readFileSync(path.join(root, "b.json"), "utf8")).bundle;
    const dry = json(cli(root, "plan", "--bundle", "b.json", "--dry-run", "--json"));
    expect(dry.plan.bundle_hash).toBe(bundle.bundle_hash);
    expect(dry.plan.run_id).toBe("run-p");
    expect(dry.plan.request_id).toBe(bundle.bundle_id);
    expect(dry.plan.steps.map((s: any) => [s.op, s.refs.symbol_id ?? s.refs.section_id, s.refs.slice])).toEqual(
      bundle.items.map((i: any) => [i.ref ? "READ_SYMBOL" : "READ_SECTION", i.ref ?? i.section_id, i.slice]),
    );
    const posted = json(cli(root, "plan", "--bundle", "b.json", "--json"));
    expect(posted.posted.created).toBe(true);
    const jobId = posted.posted.job_id;
    const run = cli(root, "execute", "--run-id", "run-p", "--job-id", jobId, "--workers", "1");
    expect(run.code, run.stderr).toBe(0);
    const cassette = Cassette.openWorkspace(root);
    try {
      const receipts = cassette.listReceipts(jobId).map((r) => r.receipt as any);
      expect(receipts.map((r) => r.status)).toEqual(bundle.items.map(() => "SUCCESS"));
      expect(receipts.map((r) => [r.expanded[0].section_id, r.expanded[0].slice])).toEqual(bundle.items.map((i: any) => [i.section_id, i.slice]));
    } finally {
      cassette.close();
    }
    expect(json(cli(root, "plan", "verify", "--run-id", "run-p", "--request-id", bundle.bundle_id, "--json")).ok).toBe(true);
  });

  test("plan --bundle refuses a stale bundle (exit 1, nothing posted) and --bundle with --request-file", () => {
    const root = built(DEMO);
    writeFileSync(path.join(root, "b.json"), cli(root, "bundle", "@CANON/glossary", "--format", "json").stdout);
    writeFileSync(path.join(root, "canon", "glossary.md"), "# Glossary\n\nGone.\n");
    const run = cli(root, "plan", "--bundle", "b.json", "--json");
    expect(run.code).toBe(1);
    expect(json(run).error.code).toBe("CAT_VERIFY_FAILED");
    expect(run.stderr).toContain("items[0] canon/glossary.md");
    expect(existsSync(path.join(root, ".catalytic", "cassette.db"))).toBe(false);
    expect(json(cli(root, "plan", "--bundle", "b.json", "--request-file", "request.json", "--json")).error.code).toBe("CAT_USAGE");
  });
});

describe("catalytic bundle on the corpora", () => {
  test("rust-book: a pack far smaller than the whole files, verifiable", () => {
    const root = built(path.join(CORPORA, "rust-book"));
    const run = cli(root, "bundle", "borrowing references ownership", "--budget-tokens", "2500", "--json");
    expect(run.code, run.stderr).toBe(0);
    const { bundle } = json(run);
    expect(bundle.items.length).toBeGreaterThan(1);
    expect(bundle.tokens_total).toBeLessThanOrEqual(2500);
    expect(bundle.baseline.tokens).toBeGreaterThan(3 * bundle.tokens_total);
    writeFileSync(path.join(root, "b.json"), run.stdout);
    expect(cli(root, "bundle", "verify", "b.json").code).toBe(0);
    // The defaults drop weak candidates (score_gap) and cut search items to 200 tokens; the flags override both.
    for (const item of bundle.items) expect(item.tokens).toBeLessThanOrEqual(200);
    expect(bundle.dropped.some((d: any) => d.why === "score_gap")).toBe(true);
    const wide = json(cli(root, "bundle", "borrowing references ownership", "--budget-tokens", "2500", "--min-score-percent", "0", "--search-item-tokens", "1000", "--json")).bundle;
    expect(wide.dropped.some((d: any) => d.why === "score_gap")).toBe(false);
    expect(wide.items.some((i: any) => i.tokens > 200)).toBe(true);
    expect(cli(root, "bundle", "x", "--min-score-percent", "101").code).toBe(2);
  });

  test("tldr sample: pages as items", () => {
    const root = built(path.join(CORPORA, "tldr-en-sample"));
    const { bundle } = json(cli(root, "bundle", "extract tar archive", "--budget-tokens", "1200", "--json"));
    expect(bundle.items.length).toBeGreaterThan(0);
    expect(bundle.items.every((i: any) => i.reason === "search")).toBe(true);
    expect(bundle.tokens_total).toBeLessThanOrEqual(1200);
  });
});
