import { describe, expect, it } from "vitest";
import { isCatalyticError } from "../errors.js";
import { stepId } from "../ids.js";
import { PlanOutputSchema, PlanRequestSchema, PlanStepSchema } from "./plan.js";
import { parsePlanRequest, parsePlanRequestText, schemaProblems, type SchemaProblem } from "./validate.js";

const HASH = "d".repeat(64);
const base = { run_id: "run-1", request_id: "req-1", intent: "implement_feature" };

function requestProblems(value: unknown): SchemaProblem[] {
  try {
    parsePlanRequest(value, "request.json");
  } catch (error) {
    if (!isCatalyticError(error)) throw error;
    expect(error.code).toBe("CAT_SCHEMA_INVALID");
    return error.details.problems as SchemaProblem[];
  }
  throw new Error("expected the request to be rejected");
}

describe("PlanRequestSchema 1.1", () => {
  it("accepts every input kind and op, and keeps them in order", () => {
    const request = {
      schema_version: "1.1",
      ...base,
      inputs: {
        symbols: ["@CANON/guide", { symbol_id: "@TOOLS/cli", slice: "lines[0:20]" }, { symbol_id: "@TOOLS/api" }],
        sections: [HASH],
        files: ["README.md"],
        notes: ["be careful"],
      },
      ops: [
        { op: "WRITE_FILE", file_path: "out/new.md", content: "# New\n" },
        { op: "PATCH_FILE", file_path: "src/a.ts", file_hash: HASH, patch_start_line: 3, patch_end_line: 3, content: "x\n" },
        { op: "RUN_TEST", test_name: "unit" },
        { op: "NOTE", message: "done" },
      ],
      budgets: { max_steps: 20, max_bytes: 1000, max_symbols: 3 },
    };
    expect(parsePlanRequest(request, "request.json")).toEqual(request);
  });

  it("fills absent inputs and ops with empty lists and leaves budgets absent", () => {
    expect(parsePlanRequest(base, "request.json")).toEqual({
      ...base,
      inputs: { symbols: [], sections: [], files: [], notes: [] },
      ops: [],
    });
  });

  it("lists every problem with its JSON path", () => {
    expect(
      requestProblems({
        ...base,
        schema_version: "2.0",
        intent: "",
        inputs: { symbols: ["@CANON/ok", 7, { symbol_id: "@bad/x" }, { symbol_id: "@A/b", slice: "" }], sections: ["abc"], extra: true },
        ops: [
          { op: "PATCH_FILE", file_path: "a.md", file_hash: HASH, patch_start_line: 0, patch_end_line: 1, content: "" },
          { op: "PATCH_FILE", file_path: "a.md", file_hash: HASH, patch_start_line: 4, patch_end_line: 2, content: "" },
          { op: "DELETE_FILE", file_path: "a.md" },
          { op: "RUN_TEST" },
          { op: "NOTE", message: "m", extra: 1 },
        ],
        budgets: { max_steps: 0 },
      }),
    ).toEqual([
      { path: "$.schema_version", message: expect.stringContaining("1.1") },
      { path: "$.intent", message: "must not be empty" },
      { path: "$.inputs.symbols[1]", message: "expected \"@NS/NAME\" or {symbol_id, slice?}" },
      { path: "$.inputs.symbols[2].symbol_id", message: expect.stringContaining("not a symbol id") },
      { path: "$.inputs.symbols[3].slice", message: "must not be empty" },
      { path: "$.inputs.sections[0]", message: "expected 64 lower-case hex digits (sha256)" },
      { path: "$.inputs.extra", message: "unknown field" },
      { path: "$.ops[0].patch_start_line", message: expect.stringContaining(">=1") },
      { path: "$.ops[1].patch_end_line", message: "patch_end_line must not be before patch_start_line" },
      { path: "$.ops[2].op", message: expect.stringContaining("WRITE_FILE") },
      { path: "$.ops[3].test_name", message: "Invalid input: expected string, received undefined" },
      { path: "$.ops[4].extra", message: "unknown field" },
      { path: "$.budgets.max_steps", message: expect.stringContaining(">=1") },
    ]);
  });

  it("names the source and every path in the error message, with a hint", () => {
    expect(() => parsePlanRequest({ ...base, inputs: { symbols: ["nope"] } }, "plans/a.json")).toThrow(
      /^plans\/a\.json is not a valid plan request: \$\.inputs\.symbols\[0\]: not a symbol id/,
    );
    expect(() => parsePlanRequest({}, "x.json")).toThrow(
      expect.objectContaining({ hint: expect.stringContaining("docs/schemas/"), details: expect.objectContaining({ source: "x.json" }) }),
    );
    expect(requestProblems({}).map((p) => p.path)).toEqual(["$.run_id", "$.request_id", "$.intent"]);
  });

  it("rejects a request that is not an object at $", () => {
    expect(requestProblems([base])).toEqual([{ path: "$", message: "Invalid input: expected object, received array" }]);
  });

  it("turns bad JSON text into CAT_JSON_MALFORMED and good text into a request", () => {
    expect(() => parsePlanRequestText("{", "r.json")).toThrow(expect.objectContaining({ code: "CAT_JSON_MALFORMED" }));
    expect(parsePlanRequestText(JSON.stringify(base), "r.json").inputs.files).toEqual([]);
  });

  it("is the type the planner reads: output defaults are present", () => {
    const parsed = PlanRequestSchema.parse({ ...base, inputs: { files: ["a.md"] } });
    expect(parsed.inputs).toEqual({ symbols: [], sections: [], files: ["a.md"], notes: [] });
  });
});

describe("PlanStepSchema and PlanOutputSchema", () => {
  const read = { ordinal: 1, op: "READ_FILE", refs: { file_path: "README.md" }, depends_on: [] as string[] };
  const step1 = { step_id: stepId(read), ...read };
  const write = { ordinal: 2, op: "WRITE_FILE", refs: { file_path: "out.md", content: "x" }, depends_on: [step1.step_id] };
  const step2 = { step_id: stepId(write), ...write, constraints: { timeout_seconds: 5, extra_rule: true }, expected_outputs: { files_modified: ["out.md"] } };

  it("accepts steps with ids from stepId, loose refs/constraints/expected_outputs, and depends_on", () => {
    expect(PlanStepSchema.parse(step1)).toEqual(step1);
    expect(PlanStepSchema.parse({ ...step2, refs: { ...write.refs, custom: 1 } }).refs).toEqual({ file_path: "out.md", content: "x", custom: 1 });
  });

  it("rejects a bad step id, ordinal 0, an unknown op, a bad dependency and typed refs of the wrong type", () => {
    const result = PlanStepSchema.safeParse({
      step_id: "step_XYZ",
      ordinal: 0,
      op: "DELETE",
      refs: { symbol_id: "nope", patch_start_line: 0 },
      depends_on: ["step_1"],
    });
    expect(result.success ? [] : schemaProblems(result.error.issues)).toEqual([
      { path: "$.step_id", message: "expected step_ followed by 16 lower-case hex digits" },
      { path: "$.ordinal", message: expect.stringContaining(">=1") },
      { path: "$.op", message: expect.stringContaining("READ_FILE") },
      { path: "$.refs.symbol_id", message: expect.stringContaining("not a symbol id") },
      { path: "$.refs.patch_start_line", message: expect.stringContaining(">=1") },
      { path: "$.depends_on[0]", message: "expected step_ followed by 16 lower-case hex digits" },
    ]);
  });

  it("requires the refs each op needs and a patch range in order", () => {
    const problemsOf = (op: string, refs: Record<string, unknown>) => {
      const result = PlanStepSchema.safeParse({ step_id: step1.step_id, ordinal: 1, op, refs, depends_on: [] });
      return result.success ? [] : schemaProblems(result.error.issues);
    };
    expect(problemsOf("READ_SECTION", {})).toEqual([{ path: "$.refs.section_id", message: "READ_SECTION needs refs.section_id" }]);
    expect(problemsOf("READ_SYMBOL", { symbol_id: "@A/b", slice: "ALL" })).toEqual([
      { path: "$.refs.slice", message: expect.stringMatching(/^CAT_SLICE_ALL_FORBIDDEN: /) },
    ]);
    expect(problemsOf("RUN_TEST", { message: "x" })).toEqual([
      { path: "$.refs.test_name", message: "RUN_TEST needs refs.test_name" },
      { path: "$.refs.test_command", message: "RUN_TEST needs refs.test_command" },
    ]);
    expect(problemsOf("PATCH_FILE", { file_path: "a.md", patch_start_line: 9, patch_end_line: 2 }).map((p) => p.path)).toEqual([
      "$.refs.file_hash",
      "$.refs.content",
      "$.refs.patch_end_line",
    ]);
    expect(problemsOf("NOTE", { message: "" })).toEqual([]);
  });

  it("requires depends_on and refs", () => {
    const result = PlanStepSchema.safeParse({ step_id: step1.step_id, ordinal: 1, op: "NOTE" });
    expect(result.success ? [] : schemaProblems(result.error.issues).map((p) => p.path)).toEqual(["$.refs", "$.depends_on"]);
  });

  it("checks plan order: ordinals 1..N, unique step ids, dependencies on earlier steps only", () => {
    const output = { run_id: "r", request_id: "q", planner_version: "1", schema_version: "1.1", plan_hash: HASH };
    const result = PlanOutputSchema.safeParse({
      ...output,
      steps: [{ ...step2, ordinal: 1 }, { ...step1, ordinal: 3 }, { ...step1, ordinal: 3, depends_on: [step1.step_id] }],
    });
    expect(result.success ? [] : schemaProblems(result.error.issues)).toEqual([
      { path: "$.steps[0].depends_on[0]", message: `${step1.step_id} is not an earlier step of this plan` },
      { path: "$.steps[1].ordinal", message: "expected ordinal 2 (plan order)" },
      { path: "$.steps[2].step_id", message: `duplicate step id ${step1.step_id}` },
    ]);
  });

  it("accepts a plan output with schema_version 1.1 and rejects 1.0", () => {
    const output = { run_id: "r", request_id: "q", planner_version: "1.1.0", schema_version: "1.1", steps: [step1, step2], plan_hash: HASH };
    expect(PlanOutputSchema.parse(output)).toEqual(output);
    const result = PlanOutputSchema.safeParse({ ...output, schema_version: "1.0", steps: [{ ...step1, ordinal: -1 }] });
    expect(result.success ? [] : schemaProblems(result.error.issues).map((p) => p.path)).toEqual(["$.schema_version", "$.steps[0].ordinal"]);
  });
});

describe("plan ids are printable", () => {
  it.each([["r\u001b[2K"], ["q\nPASS"], ["bel\u0007"], ["nul\u0000"], ["with space"]])("run_id or request_id %j is refused", (id) => {
    for (const field of ["run_id", "request_id"]) {
      const result = PlanRequestSchema.safeParse({ run_id: "r", request_id: "q", intent: "x", [field]: id });
      expect(result.success).toBe(false);
      expect(schemaProblems(result.error!.issues).map((p) => p.path)).toEqual([`$.${field}`]);
    }
  });
});
