// Plans from bundles: one READ step per item in bundle order, the bundle hash recorded (and bound through the request id), and
// untrusted items (a moved ref, a section that no longer exists, a bad slice) refused with typed errors.
import { describe, expect, it } from "vitest";
import { type Bundle, bundleId, loadTokenCounter, planHash } from "@catalytic/core";
import { Index, buildBundle } from "@catalytic/indexer";
import { bundlePlanRequest, indexSubstrate, plan, planOptionsFromConfig } from "../src/index.js";
import { failure, makeWorkspace } from "./workspace.js";

async function bundleIn(root: string, intent: string): Promise<{ index: Index; bundle: Bundle }> {
  const index = Index.open(root);
  index.build();
  return { index, bundle: buildBundle(index, { intent }, await loadTokenCounter()).bundle };
}

describe("plan from a bundle", () => {
  it("turns each item into exactly one READ step and records the bundle hash", async () => {
    const root = makeWorkspace();
    const { index, bundle } = await bundleIn(root, "@TEST/example @TEST/usage:lines[0:1]");
    try {
      const options = planOptionsFromConfig(index.config);
      const request = bundlePlanRequest(bundle, "run_b");
      const out = plan(request, indexSubstrate(index, root), options);
      expect(out.steps.map((s) => [s.op, s.refs])).toEqual(bundle.items.map((i) => ["READ_SYMBOL", { symbol_id: i.ref, slice: i.slice }]));
      expect(out.bundle_hash).toBe(bundle.bundle_hash);
      expect(out.plan_hash).toBe(planHash("run_b", bundle.bundle_id, out.steps));
      // The request id is the bundle id, derived from the bundle hash: another bundle changes every step id and the plan hash.
      const otherHash = "0".repeat(64);
      const other = plan(bundlePlanRequest({ ...bundle, bundle_hash: otherHash, bundle_id: bundleId(otherHash, bundle.run_id) }, "run_b"), indexSubstrate(index, root), options);
      expect(other.bundle_hash).toBe(otherHash);
      expect(other.steps.map((s) => s.step_id)).not.toEqual(out.steps.map((s) => s.step_id));
      expect(other.plan_hash).not.toBe(out.plan_hash);

      const sectionOnly = { ...request, bundle: { ...request.bundle!, items: [{ ...request.bundle!.items[0]!, ref: null }] } };
      expect(plan(sectionOnly, indexSubstrate(index, root), options).steps[0]).toMatchObject({ op: "READ_SECTION", refs: { section_id: bundle.items[0]!.section_id } });
    } finally {
      index.close();
    }
  });

  it("refuses items whose ref moved, whose section is gone, or whose slice is out of bounds", async () => {
    const root = makeWorkspace();
    const { index, bundle } = await bundleIn(root, "@TEST/example @TEST/usage");
    try {
      const options = planOptionsFromConfig(index.config);
      const request = bundlePlanRequest(bundle);
      const [first, second] = request.bundle!.items as [any, any];
      const swap = { ...request, bundle: { ...request.bundle!, items: [{ ...first, ref: second.ref }] } };
      expect(failure(() => plan(swap, indexSubstrate(index, root), options))).toMatchObject({ code: "CAT_SECTION_NOT_FOUND", message: expect.stringContaining("bundle.items[0]") });
      const gone = { ...request, bundle: { ...request.bundle!, items: [{ ...first, ref: null, section_id: "a".repeat(64) }] } };
      expect(failure(() => plan(gone, indexSubstrate(index, root), options)).code).toBe("CAT_SECTION_NOT_FOUND");
      const wide = { ...request, bundle: { ...request.bundle!, items: [{ ...first, slice: "lines[0:999]" }] } };
      expect(failure(() => plan(wide, indexSubstrate(index, root), options))).toMatchObject({ code: "CAT_SLICE_OUT_OF_BOUNDS", message: expect.stringContaining("bundle.items[0]") });
      expect(failure(() => plan({ ...request, bundle: { ...request.bundle!, items: [{ ...first, slice: "ALL" }] } }, indexSubstrate(index, root), options)).code).toBe("CAT_SCHEMA_INVALID");
      expect(failure(() => plan({ ...request, budgets: { max_steps: 1, max_bytes: 100000, max_symbols: 10 } }, indexSubstrate(index, root), options)).code).toBe("CAT_BUDGET_EXCEEDED");
    } finally {
      index.close();
    }
  });
});
