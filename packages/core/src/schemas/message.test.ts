import { describe, expect, it } from "vitest";
import { ExpansionSchema } from "./expansion.js";
import { MessageSchema } from "./message.js";
import { schemaProblems } from "./validate.js";

const budgets = { max_symbols: 10, max_sections: 5, max_bytes_expanded: 10000, max_expands_per_step: 3 };
const message = {
  intent: "summarise the guide",
  refs: ["@CANON/guide", "@TOOLS/cli"],
  ops: [{ type: "READ", target: "@CANON/guide", params: { slice: "lines[0:20]" } }],
  budgets,
  required_outputs: ["summary"],
};

function problems(schema: typeof MessageSchema | typeof ExpansionSchema, value: unknown) {
  const result = schema.safeParse(value);
  return result.success ? [] : schemaProblems(result.error.issues);
}

describe("MessageSchema", () => {
  it("accepts the CONTRACT shape and defaults op params to {}", () => {
    expect(MessageSchema.parse(message)).toEqual(message);
    const parsed = MessageSchema.parse({ ...message, ops: [{ type: "EXECUTE", target: "unit" }] });
    expect(parsed.ops[0]).toEqual({ type: "EXECUTE", target: "unit", params: {} });
  });

  it("fails closed on an empty intent, a bad ref, a bad op type and missing budgets", () => {
    const { budgets: _omitted, ...withoutBudgets } = message;
    expect(problems(MessageSchema, { ...withoutBudgets, intent: "", refs: ["@CANON/guide", "guide"], ops: [{ type: "DELETE", target: "x" }] })).toEqual([
      { path: "$.intent", message: "must not be empty" },
      { path: "$.refs[1]", message: expect.stringContaining("not a symbol id") },
      { path: "$.ops[0].type", message: expect.stringContaining("READ") },
      { path: "$.budgets", message: "Invalid input: expected object, received undefined" },
    ]);
  });

  it("reports a bad budget inside the message", () => {
    expect(problems(MessageSchema, { ...message, budgets: { ...budgets, max_sections: -2 } })).toEqual([
      { path: "$.budgets.max_sections", message: expect.stringContaining(">=0") },
    ]);
  });
});

describe("ExpansionSchema", () => {
  const expansion = {
    run_id: "run-1",
    symbol_or_section_id: "@CANON/guide",
    slice: "lines[0:100]",
    content_hash: "b".repeat(64),
    payload_ref: "cas/bb/bb/" + "b".repeat(64),
  };

  it("accepts a symbol id or a section id", () => {
    expect(ExpansionSchema.parse(expansion)).toEqual(expansion);
    expect(ExpansionSchema.parse({ ...expansion, symbol_or_section_id: "c".repeat(64) }).symbol_or_section_id).toBe("c".repeat(64));
  });

  it("rejects an unbounded or malformed slice with the slice parser's code", () => {
    expect(problems(ExpansionSchema, { ...expansion, slice: "ALL" })).toEqual([
      { path: "$.slice", message: expect.stringMatching(/^CAT_SLICE_ALL_FORBIDDEN: /) },
    ]);
    expect(problems(ExpansionSchema, { ...expansion, slice: "lines[5:5]" })).toEqual([
      { path: "$.slice", message: expect.stringMatching(/^CAT_SLICE_EMPTY_RANGE: /) },
    ]);
  });

  it("rejects an id that is neither, an empty slice and a missing payload_ref", () => {
    const { payload_ref: _omitted, ...rest } = expansion;
    expect(problems(ExpansionSchema, { ...rest, symbol_or_section_id: "guide.md", slice: "" })).toEqual([
      { path: "$.symbol_or_section_id", message: "Invalid input" },
      { path: "$.slice", message: expect.stringMatching(/^CAT_SLICE_MALFORMED: /) },
      { path: "$.payload_ref", message: "Invalid input: expected string, received undefined" },
    ]);
  });
});
