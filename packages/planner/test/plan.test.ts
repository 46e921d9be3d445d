import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { canonicalJson, parsePlanRequestText, planHash, sha256Hex, stepId } from "@catalytic/core";
import { PLANNER_VERSION, plan } from "../src/index.js";
import { copyWorkspace, FIXTURES, failure, fixture, GUIDE, makeWorkspace, planningFor } from "./workspace.js";

function planIn(root: string, request: unknown) {
  const { substrate, options } = planningFor(root);
  return plan(request, substrate, options);
}

const base = { run_id: "run_a", request_id: "req_a", intent: "test" };

describe("plan: determinism", () => {
  const request = {
    ...base,
    inputs: { symbols: ["@TEST/example", { symbol_id: "@TEST/install", slice: "LINES[0:2]" }], files: ["README.md"], notes: ["be careful"] },
    ops: [{ op: "WRITE_FILE", file_path: "out.md", content: "hello\n" }, { op: "RUN_TEST", test_name: "unit" }],
  };

  it("gives identical bytes and hash for the same request twice and in a copied tree", () => {
    const root = makeWorkspace();
    const first = planIn(root, request);
    const second = planIn(root, structuredClone(request));
    const copied = planIn(copyWorkspace(root), request);
    expect(canonicalJson(second)).toBe(canonicalJson(first));
    expect(canonicalJson(copied)).toBe(canonicalJson(first));
    expect(first.plan_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("derives step ids and plan hash exactly from the canonical steps", () => {
    const out = planIn(makeWorkspace(), request);
    expect(out.planner_version).toBe(PLANNER_VERSION);
    expect(out.planner_version).toBe("1.2.0");
    expect(out.schema_version).toBe("1.1");
    for (const step of out.steps) {
      expect(step.step_id).toBe(stepId({ run_id: "run_a", request_id: "req_a", ...step }));
    }
    expect(out.plan_hash).toBe(planHash("run_a", "req_a", out.steps));
    expect(out.plan_hash).toBe(sha256Hex(canonicalJson({ run_id: "run_a", request_id: "req_a", steps: out.steps })));
  });

  it("changes step ids with the request id, so two plans never share a step id", () => {
    const root = makeWorkspace();
    const a = planIn(root, request);
    const b = planIn(root, { ...request, request_id: "req_b" });
    expect(b.steps.map((s) => s.step_id)).not.toEqual(a.steps.map((s) => s.step_id));
    expect(b.steps.map((s) => s.refs)).toEqual(a.steps.map((s) => s.refs));
  });
});

describe("plan: steps, order and dependencies", () => {
  it("turns every input into a step: reads first (symbols, sections, files), notes, then ops in order", () => {
    const root = makeWorkspace();
    const { model, substrate, options } = planningFor(root);
    const install = model.getSymbol("@TEST/install")!.sectionId!;
    const hash = sha256Hex(readFileSync(path.join(root, "README.md")));
    const out = plan(
      {
        ...base,
        inputs: { symbols: ["@TEST/example", { symbol_id: "@TEST/usage", slice: "head(5)" }, "@TEST/install"], sections: [install], files: ["./LICENSE"], notes: ["n1"] },
        ops: [
          { op: "WRITE_FILE", file_path: "a.md", content: "A" },
          { op: "PATCH_FILE", file_path: "README.md", file_hash: hash, patch_start_line: 1, patch_end_line: 1, content: "# New" },
          { op: "WRITE_FILE", file_path: "a.md", content: "B" },
          { op: "NOTE", message: "checkpoint" },
          { op: "RUN_TEST", test_name: "unit" },
        ],
      },
      substrate,
      options,
    );
    expect(out.steps.map((s) => [s.ordinal, s.op])).toEqual([
      [1, "READ_SYMBOL"],
      [2, "READ_SYMBOL"],
      [3, "READ_SYMBOL"],
      [4, "READ_SECTION"],
      [5, "READ_FILE"],
      [6, "NOTE"],
      [7, "WRITE_FILE"],
      [8, "PATCH_FILE"],
      [9, "WRITE_FILE"],
      [10, "NOTE"],
      [11, "RUN_TEST"],
    ]);
    const s = out.steps;
    expect(s[0]!.refs).toEqual({ symbol_id: "@TEST/example", slice: "lines[0:4]" });
    expect(s[1]!.refs).toEqual({ symbol_id: "@TEST/usage", slice: "head(5)" });
    expect(s[2]!.refs).toEqual({ symbol_id: "@TEST/install", slice: "head(4000)" });
    expect(s[3]!.refs).toEqual({ section_id: install, slice: "head(4000)" });
    expect(s[4]!.refs).toEqual({ file_path: "LICENSE" });
    expect(s[5]!.refs).toEqual({ message: "n1" });
    expect(s[10]!.constraints).toEqual({ timeout_seconds: 30 });
    // Reads and notes depend on nothing.
    for (const step of s.slice(0, 6)) expect(step.depends_on).toEqual([]);
    expect(s[6]!.depends_on).toEqual([]);
    expect(s[7]!.depends_on).toEqual([]);
    expect(s[8]!.depends_on).toEqual([s[6]!.step_id]);
    expect(s[9]!.depends_on).toEqual([]);
    expect(s[10]!.depends_on).toEqual([s[6]!.step_id, s[7]!.step_id, s[8]!.step_id]);
  });

  it("makes a write wait for earlier reads of the same file", () => {
    const out = planIn(makeWorkspace(), {
      ...base,
      inputs: { files: ["README.md", "AGENTS.md"] },
      ops: [{ op: "WRITE_FILE", file_path: "README.md", content: "x" }],
    });
    expect(out.steps[2]!.depends_on).toEqual([out.steps[0]!.step_id]);
  });

  it("allows a PATCH of a file an earlier WRITE of the plan creates", () => {
    const out = planIn(makeWorkspace(), {
      ...base,
      ops: [
        { op: "WRITE_FILE", file_path: "new/file.md", content: "a\nb\n" },
        { op: "PATCH_FILE", file_path: "new/file.md", file_hash: sha256Hex("a\nb\n"), patch_start_line: 2, patch_end_line: 2, content: "c" },
      ],
    });
    expect(out.steps[1]!.depends_on).toEqual([out.steps[0]!.step_id]);
  });
});

describe("plan: budgets fail closed", () => {
  it("max_steps: names the budget and the numbers", () => {
    const error = failure(() => planIn(makeWorkspace(), { ...base, inputs: { files: ["README.md", "AGENTS.md"] }, budgets: { max_steps: 1 } }));
    expect(error.code).toBe("CAT_BUDGET_EXCEEDED");
    expect(error.details).toMatchObject({ budget: "max_steps", limit: 1, actual: 2 });
    expect(error.message).toContain("budgets.max_steps = 1");
  });

  it("max_symbols counts distinct symbols", () => {
    const root = makeWorkspace();
    const ok = planIn(root, { ...base, inputs: { symbols: ["@TEST/example", "@TEST/example"] }, budgets: { max_steps: 5, max_symbols: 1 } });
    expect(ok.steps).toHaveLength(2);
    const error = failure(() => planIn(root, { ...base, inputs: { symbols: ["@TEST/example", "@TEST/usage"] }, budgets: { max_steps: 5, max_symbols: 1 } }));
    expect(error.code).toBe("CAT_BUDGET_EXCEEDED");
    expect(error.details).toMatchObject({ budget: "max_symbols", limit: 1, actual: 2 });
  });

  it("max_bytes counts file sizes and bounded expansions, and names the input that crossed it", () => {
    const root = makeWorkspace();
    const readme = readFileSync(path.join(root, "README.md")).length;
    const example = Buffer.byteLength(GUIDE.split("\n").slice(0, 4).join("\n") + "\n");
    const request = { ...base, inputs: { symbols: ["@TEST/example"], files: ["README.md"] } };
    expect(planIn(root, { ...request, budgets: { max_steps: 5, max_bytes: readme + example } }).steps).toHaveLength(2);
    const error = failure(() => planIn(root, { ...request, budgets: { max_steps: 5, max_bytes: readme + example - 1 } }));
    expect(error.code).toBe("CAT_BUDGET_EXCEEDED");
    expect(error.details).toMatchObject({ budget: "max_bytes", limit: readme + example - 1, actual: readme + example, input: "inputs.files[0]" });
  });

  it("uses catalytic.json budgets.plan when the request has none", () => {
    const root = makeWorkspace();
    writeFileSync(path.join(root, "catalytic.json"), JSON.stringify({ budgets: { plan: { max_steps: 1, max_bytes: 100, max_symbols: 5 } } }));
    const error = failure(() => planIn(root, { ...base, inputs: { notes: ["a", "b"] } }));
    expect(error.details).toMatchObject({ budget: "max_steps", limit: 1, actual: 2 });
  });
});

describe("plan: bad inputs are typed errors naming the input", () => {
  const root = makeWorkspace();
  const cases: Array<[string, unknown, string, string]> = [
    ["unknown symbol", { ...base, inputs: { symbols: ["@TEST/exampel"] } }, "CAT_SYMBOL_UNKNOWN", "inputs.symbols[0]"],
    ["slice ALL", { ...base, inputs: { symbols: [{ symbol_id: "@TEST/example", slice: "all" }] } }, "CAT_SLICE_ALL_FORBIDDEN", "inputs.symbols[0]"],
    ["malformed slice", { ...base, inputs: { symbols: [{ symbol_id: "@TEST/example", slice: "lines[2]" }] } }, "CAT_SLICE_MALFORMED", "inputs.symbols[0]"],
    ["out-of-bounds slice", { ...base, inputs: { symbols: [{ symbol_id: "@TEST/install", slice: "lines[0:99]" }] } }, "CAT_SLICE_OUT_OF_BOUNDS", "inputs.symbols[0]"],
    ["unknown section", { ...base, inputs: { sections: ["0".repeat(64)] } }, "CAT_SECTION_NOT_FOUND", "inputs.sections[0]"],
    ["missing file", { ...base, inputs: { files: ["README.md", "NOPE.md"] } }, "CAT_FILE_NOT_FOUND", "inputs.files[1]"],
    ["directory as file", { ...base, inputs: { files: ["."] } }, "CAT_FILE_NOT_FOUND", "inputs.files[0]"],
    ["dot-dot file", { ...base, inputs: { files: ["../../etc/passwd"] } }, "CAT_PATH_OUTSIDE_WORKSPACE", "inputs.files[0]"],
    ["absolute file", { ...base, inputs: { files: ["/etc/passwd"] } }, "CAT_PATH_OUTSIDE_WORKSPACE", "inputs.files[0]"],
    ["write outside", { ...base, ops: [{ op: "WRITE_FILE", file_path: "../x.md", content: "" }] }, "CAT_PATH_OUTSIDE_WORKSPACE", "ops[0]"],
    [
      "patch of a missing file",
      { ...base, ops: [{ op: "PATCH_FILE", file_path: "nope.md", file_hash: "a".repeat(64), patch_start_line: 1, patch_end_line: 1, content: "" }] },
      "CAT_FILE_NOT_FOUND",
      "ops[0]",
    ],
    ["unconfigured test", { ...base, ops: [{ op: "RUN_TEST", test_name: "unit; rm -rf /" }] }, "CAT_TEST_NOT_CONFIGURED", "ops[0]"],
    ["bad schema", { ...base, inputs: { symbols: ["NO_AT"] } }, "CAT_SCHEMA_INVALID", "$.inputs.symbols[0]"],
  ];
  it.each(cases)("%s", (_name, request, code, input) => {
    const error = failure(() => planIn(root, request));
    expect(error.code).toBe(code);
    expect(error.message).toContain(input);
    expect(error.hint.length).toBeGreaterThan(0);
  });

  it("suggests the nearest symbol ids", () => {
    const error = failure(() => planIn(root, { ...base, inputs: { symbols: ["@TEST/exampel"] } }));
    expect((error.details.suggestions as string[])[0]).toBe("@TEST/example");
  });

  it("lists the configured tests", () => {
    const error = failure(() => planIn(root, { ...base, ops: [{ op: "RUN_TEST", test_name: "e2e" }] }));
    expect(error.details).toMatchObject({ test_name: "e2e", configured: ["unit"] });
  });
});

describe("plan: reference fixtures, adapted to the test workspace", () => {
  const root = makeWorkspace();

  it("plan_request_min: one READ_SYMBOL of @TEST/example with its default slice", () => {
    const out = planIn(root, fixture("plan_request_min.json"));
    expect(out.run_id).toBe("test_plan_001");
    expect(out.steps).toHaveLength(1);
    expect(out.steps[0]).toMatchObject({ ordinal: 1, op: "READ_SYMBOL", refs: { symbol_id: "@TEST/example", slice: "lines[0:4]" }, depends_on: [] });
  });

  it("plan_request_files: README.md becomes a READ_FILE step (never ignored)", () => {
    const out = planIn(root, fixture("plan_request_files.json"));
    expect(out.steps.map((s) => [s.op, s.refs.file_path])).toEqual([["READ_FILE", "README.md"]]);
  });

  it("plan_request_parallel: four independent READ_FILE steps", () => {
    const out = planIn(root, fixture("plan_request_parallel.json"));
    expect(out.steps.map((s) => s.refs.file_path)).toEqual(["README.md", "AGENTS.md", "LICENSE", "CHANGELOG.md"]);
    expect(out.steps.every((s) => s.depends_on.length === 0)).toBe(true);
  });

  it("plan_request_no_symbols: an empty plan with a stable hash", () => {
    const out = planIn(root, fixture("plan_request_no_symbols.json"));
    expect(out.steps).toEqual([]);
    expect(out.plan_hash).toBe(planHash("test_plan_verify", "req_verify", []));
  });

  it("plan_request_max_steps_exceeded: max_steps 1 with the workspace's two files is CAT_BUDGET_EXCEEDED", () => {
    // The fixture has no inputs; adapted by giving it two of the workspace's files so it can exceed max_steps = 1.
    const request = fixture("plan_request_max_steps_exceeded.json") as { inputs: { files: string[] } };
    expect(planIn(root, request).steps).toEqual([]);
    request.inputs.files = ["README.md", "AGENTS.md"];
    const error = failure(() => planIn(root, request));
    expect(error.code).toBe("CAT_BUDGET_EXCEEDED");
    expect(error.details).toMatchObject({ budget: "max_steps", limit: 1, actual: 2 });
  });

  it.each(["plan_request_invalid_symbol.json", "plan_request_slice_all_forbidden.json"])("%s has a stray } and is CAT_JSON_MALFORMED", (name) => {
    const error = failure(() => parsePlanRequestText(readFileSync(path.join(FIXTURES, name), "utf8"), name));
    expect(error.code).toBe("CAT_JSON_MALFORMED");
  });

  it("the two malformed fixtures, with the stray } removed, fail as their names say", () => {
    const repaired = (name: string) => JSON.parse(readFileSync(path.join(FIXTURES, name), "utf8").trimEnd().replace(/}\s*$/, ""));
    expect(failure(() => planIn(root, repaired("plan_request_invalid_symbol.json"))).code).toBe("CAT_SCHEMA_INVALID");
    expect(failure(() => planIn(root, repaired("plan_request_slice_all_forbidden.json"))).code).toBe("CAT_SLICE_ALL_FORBIDDEN");
  });
});
