// The economy's regression guards through the built CLI (docs/economy.md#regression): the section index and the
// symbols are byte-identical for identical trees, budgets fail closed (nothing posted; an over-budget step fails
// with a complete receipt), and every receipt of a run carries every metric, which the report reads.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, copyToTemp, runCatalytic, tempDir } from "./helpers.js";

const RUST_BOOK = path.join(REPO_ROOT, "fixtures", "corpora", "rust-book");
const METRICS = ["bytes_expanded", "cache_hits", "expansions", "reused", "search_k", "tokenizer", "tokens_in", "tokens_out", "tokens_reused"];

function ok(root: string, args: string[]) {
  const result = runCatalytic(["--root", root, ...args]);
  expect(result.code, `${args.join(" ")}: ${result.stderr}`).toBe(0);
  return result;
}
const json = (root: string, args: string[]) => JSON.parse(ok(root, [...args, "--json"]).stdout);

describe("determinism of what the economy counts", () => {
  it("the Rust book copied twice gives byte-identical section index, symbols and index hash", () => {
    const trees = [copyToTemp(RUST_BOOK, "cat-econ-a-"), copyToTemp(RUST_BOOK, "cat-econ-b-")];
    const exports = trees.map((root) => {
      // A namespace gives every file a symbol, so SYMBOLS.jsonl is not empty.
      writeFileSync(path.join(root, "catalytic.json"), JSON.stringify({ sources: [{ path: ".", namespace: "BOOK" }] }));
      const built = json(root, ["build"]);
      const out = tempDir("cat-econ-export-");
      ok(root, ["export", "--jsonl", out]);
      return { hash: built.index_hash, sections: readFileSync(path.join(out, "SECTION_INDEX.jsonl"), "utf8"), symbols: readFileSync(path.join(out, "SYMBOLS.jsonl"), "utf8") };
    });
    expect(exports[0]!.sections.split("\n").length).toBeGreaterThan(400);
    expect(exports[0]!.symbols).toContain("@BOOK/ch03-02-data-types");
    expect(exports[1]).toEqual(exports[0]);
    // Bundles over the two copies: byte-identical JSON for the same intent and budget.
    const bundles = trees.map((root) => ok(root, ["bundle", "what happens when an integer overflows in release mode", "--budget-tokens", "2000", "--json"]).stdout);
    expect(JSON.parse(bundles[0]!).bundle.items.length).toBeGreaterThan(0);
    expect(bundles[1]).toBe(bundles[0]);
  });
});

describe("search_k from bundles", () => {
  it("a bundle plan's search items record the bundle's k in their receipts; its refs record null", () => {
    const root = copyToTemp(path.join(REPO_ROOT, "docs", "demo"), "cat-econ-k-");
    ok(root, ["build"]);
    const { bundle } = json(root, ["bundle", "how does the expansion cache decide a hit @CANON/scope", "--k", "4", "--run-id", "k-run"]);
    expect(bundle.search_k).toBe(4);
    const reasons = bundle.items.map((item: { reason: string }) => item.reason);
    expect(reasons).toContain("ref");
    expect(reasons).toContain("search");
    writeFileSync(path.join(root, "bundle.json"), JSON.stringify(bundle));
    const posted = json(root, ["plan", "--bundle", path.join(root, "bundle.json")]);
    ok(root, ["execute", "--run-id", "k-run", "--job-id", posted.posted.job_id]);
    const { report } = json(root, ["report", "--run-id", "k-run"]);
    // Steps come in commit order (two ants): compare as sorted lists.
    const ks = report.runs[0].steps.map((step: { search_k: number | null }) => String(step.search_k)).sort();
    expect(ks).toEqual(reasons.map((reason: string) => (reason === "search" ? "4" : "null")).sort());
    const refSteps = report.runs[0].steps.filter((step: { search_k: number | null }) => step.search_k === null);
    expect(refSteps.map((step: { op: string }) => step.op)).toEqual(reasons.filter((r: string) => r === "ref").map(() => "READ_SYMBOL"));
  });
});

describe("budgets and receipts", () => {
  function demo() {
    const root = copyToTemp(path.join(REPO_ROOT, "docs", "demo"), "cat-econ-demo-");
    ok(root, ["build"]);
    return root;
  }

  it("a plan over its byte budget fails closed: CAT_BUDGET_EXCEEDED and nothing posted", () => {
    const root = demo();
    writeFileSync(path.join(root, "big.json"), JSON.stringify({ run_id: "b", request_id: "q", intent: "too much", inputs: { files: ["canon/AGREEMENT.md"] }, budgets: { max_steps: 10, max_bytes: 10, max_symbols: 1 } }));
    const result = runCatalytic(["--root", root, "plan", "--request-file", path.join(root, "big.json"), "--json"]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).error.code).toBe("CAT_BUDGET_EXCEEDED");
    expect(runCatalytic(["--root", root, "report", "--run-id", "b"]).stderr).toMatch(/CAT_FILE_NOT_FOUND|CAT_RUN_NOT_FOUND/);
  });

  it("a step over the step byte budget fails with a complete receipt; every receipt has every metric; the report reads them", () => {
    const root = demo();
    const config = JSON.parse(readFileSync(path.join(root, "catalytic.json"), "utf8"));
    writeFileSync(path.join(root, "catalytic.json"), JSON.stringify({ ...config, budgets: { step: { max_bytes_expanded: 300 } } }));
    writeFileSync(path.join(root, "req.json"), JSON.stringify({ run_id: "s", request_id: "q", intent: "read", inputs: { symbols: ["@CANON/scope"], files: ["canon/AGREEMENT.md"], notes: ["n"] } }));
    const posted = json(root, ["plan", "--request-file", path.join(root, "req.json")]);
    const executed = runCatalytic(["--root", root, "execute", "--run-id", "s", "--job-id", posted.posted.job_id, "--continue-on-fail"]);
    expect(executed.code).toBe(1);
    const { receipts } = json(root, ["cassette", "receipts", "--job-id", posted.posted.job_id]);
    expect(receipts).toHaveLength(3);
    for (const record of receipts) expect(Object.keys(record.receipt.metrics).sort()).toEqual(METRICS);
    const failed = receipts.find((r: { outcome: string }) => r.outcome === "FAILURE");
    expect(failed.receipt.error.code).toBe("CAT_BUDGET_EXCEEDED");
    expect(failed.receipt.metrics).toMatchObject({ tokens_in: 0, expansions: 0 });
    const { report } = json(root, ["report", "--run-id", "s"]);
    expect(report.runs[0].totals).toMatchObject({ steps: 3, legacy_steps: 0 });
    expect(report.runs[0].steps.map((s: { status: string }) => s.status).sort()).toEqual(["FAILURE", "SUCCESS", "SUCCESS"]);
    expect(report.runs[0].totals.tokens_expanded).toBeGreaterThan(0);
  });
});
