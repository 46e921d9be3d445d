import { describe, expect, it } from "vitest";
import { CatalyticError } from "../errors.js";
import { type Bundle, BundleSchema, bundleHash, bundleId } from "./bundle.js";
import { parseBundleText } from "./validate.js";

const H = (c: string) => c.repeat(64);
const item = {
  section_id: H("a"),
  ref: "@CANON/x",
  file_path: "canon/x.md",
  heading_path: ["X"],
  line_start: 0,
  line_end: 4,
  slice: "lines[0:4]",
  content_hash: H("b"),
  tokens: 40,
  score: null,
  reason: "ref" as const,
  reused: false,
};
function make(overrides: Partial<Bundle> = {}): Bundle {
  const body = {
    intent: "x",
    run_id: null,
    tokenizer: { name: "o200k_base", library: "gpt-tokenizer", version: "4.0.0" },
    budgets: { max_tokens: 100, max_items: 5, max_tokens_per_item: 50 },
    items: [item],
    tokens_total: 40,
    reuse: { items: 0, tokens: 0 },
    baseline: { files: ["canon/x.md"], tokens: 90 },
    dropped: [],
    ...overrides,
  };
  const hash = bundleHash(body);
  return { bundle_id: bundleId(hash, body.run_id), ...body, bundle_hash: hash };
}

describe("Bundle", () => {
  it("accepts a bundle and rejects unknown fields, ALL, inverted lines and a malformed id", () => {
    expect(BundleSchema.parse(make())).toEqual(make());
    const bad = (patch: Record<string, unknown>) => BundleSchema.safeParse({ ...make(), ...patch }).success;
    expect(bad({ extra: 1 })).toBe(false);
    expect(bad({ items: [{ ...item, slice: "ALL" }] })).toBe(false);
    expect(bad({ items: [{ ...item, line_start: 4, line_end: 4 }] })).toBe(false);
    expect(bad({ items: [{ ...item, reason: "guess" }] })).toBe(false);
    expect(bad({ bundle_id: "bundle_xyz" })).toBe(false);
  });

  it("hashes content, not run, reuse or scores; the id binds hash and run", () => {
    const base = make();
    const inRun = make({ run_id: "r", items: [{ ...item, reused: true, score: 3.5 }], reuse: { items: 1, tokens: 40 } });
    expect(inRun.bundle_hash).toBe(base.bundle_hash);
    expect(inRun.bundle_id).not.toBe(base.bundle_id);
    expect(make({ items: [{ ...item, content_hash: H("c") }] }).bundle_hash).not.toBe(base.bundle_hash);
    expect(make({ budgets: { ...base.budgets, max_tokens: 101 } }).bundle_hash).not.toBe(base.bundle_hash);
  });

  it("parses the bundle or {bundle} and names every problem", () => {
    const text = JSON.stringify(make());
    expect(parseBundleText(text, "b.json")).toEqual(make());
    expect(parseBundleText(JSON.stringify({ bundle: make() }), "b.json")).toEqual(make());
    try {
      parseBundleText(JSON.stringify({ ...make(), tokens_total: -1 }), "b.json");
      throw new Error("expected a failure");
    } catch (error) {
      expect((error as CatalyticError).code).toBe("CAT_SCHEMA_INVALID");
      expect((error as CatalyticError).message).toContain("$.tokens_total");
    }
  });
});
