import { describe, expect, it } from "vitest";
import { PlanBudgetsSchema, StepBudgetsSchema } from "./budgets.js";
import { schemaProblems } from "./validate.js";

function problems(schema: typeof StepBudgetsSchema | typeof PlanBudgetsSchema, value: unknown) {
  const result = schema.safeParse(value);
  return result.success ? [] : schemaProblems(result.error.issues);
}

describe("StepBudgetsSchema", () => {
  it("accepts the CONTRACT example and zero limits", () => {
    const example = { max_symbols: 10, max_sections: 5, max_bytes_expanded: 10000, max_expands_per_step: 3 };
    expect(StepBudgetsSchema.parse(example)).toEqual(example);
    expect(StepBudgetsSchema.parse({ max_symbols: 0, max_sections: 0, max_bytes_expanded: 0, max_expands_per_step: 0 }).max_symbols).toBe(0);
  });

  it("requires every limit and rejects negatives and fractions", () => {
    expect(problems(StepBudgetsSchema, { max_symbols: -1, max_sections: 2.5, max_bytes_expanded: 1 }).map((p) => p.path)).toEqual([
      "$.max_symbols",
      "$.max_sections",
      "$.max_expands_per_step",
    ]);
  });
});

describe("PlanBudgetsSchema", () => {
  it("needs only max_steps", () => {
    expect(PlanBudgetsSchema.parse({ max_steps: 1 })).toEqual({ max_steps: 1 });
    expect(PlanBudgetsSchema.parse({ max_steps: 5, max_bytes: 0, max_symbols: 0 })).toEqual({ max_steps: 5, max_bytes: 0, max_symbols: 0 });
  });

  it("rejects max_steps 0, a missing max_steps and unknown limits", () => {
    expect(problems(PlanBudgetsSchema, { max_steps: 0 })).toEqual([{ path: "$.max_steps", message: expect.stringContaining(">=1") }]);
    expect(problems(PlanBudgetsSchema, { max_bytes: 10, max_tokens: 5 })).toEqual([
      { path: "$.max_steps", message: "Invalid input: expected number, received undefined" },
      { path: "$.max_tokens", message: "unknown field" },
    ]);
  });
});
