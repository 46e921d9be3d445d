// Plan request, plan step and plan output, version 1.1 (docs/contract.md, docs/schemas/plan_*.schema.json).
import { z } from "zod";
import { PlanBudgetsSchema } from "./budgets.js";
import { countAtLeast, idString, nonEmptyString, sha256Hex, sliceText, StepIdSchema } from "./common.js";
import { SymbolIdSchema } from "./symbol.js";
import { MAX_TEST_TIMEOUT_SECONDS } from "../config.js";

/** Version of the plan request / step / output schemas (1.0 = the reference schemas). */
export const PLAN_SCHEMA_VERSION = "1.1";

const filePath = (what: string) => nonEmptyString(`${what} Workspace-relative POSIX path.`);
const lineNumber = (what: string) => countAtLeast(1, `${what} 1-based, inclusive.`);

export const SymbolInputSchema = z
  .union(
    [
      SymbolIdSchema,
      z
        .object({
          symbol_id: SymbolIdSchema,
          slice: nonEmptyString("Slice to expand, e.g. lines[0:20]; ALL is rejected by the planner.").optional(),
        })
        .strict()
        .describe("A symbol with an explicit slice."),
    ],
    { error: (issue) => (typeof issue.input === "string" ? undefined : "expected \"@NS/NAME\" or {symbol_id, slice?}") },
  )
  .describe("A symbol to read: \"@NS/NAME\" or {symbol_id, slice?}.");

export const PlanInputsSchema = z
  .object({
    symbols: z.array(SymbolInputSchema).default([]).describe("Symbols to resolve (READ_SYMBOL steps). Default: []."),
    sections: z.array(sha256Hex("A section_id.")).default([]).describe("Section ids to read (READ_SECTION steps). Default: []."),
    files: z.array(filePath("A file to read.")).default([]).describe("Files to read (READ_FILE steps). Default: []."),
    notes: z.array(z.string()).default([]).describe("Advisory notes (NOTE steps). Default: []."),
  })
  .strict()
  .describe("Inputs the planner turns into read and note steps.");

const PATCH_ORDER = { path: ["patch_end_line"], message: "patch_end_line must not be before patch_start_line" };

export const RequestOpSchema = z
  .discriminatedUnion("op", [
    z
      .object({
        op: z.literal("WRITE_FILE").describe("Write (create or replace) a whole file."),
        file_path: filePath("File to write."),
        content: z.string().describe("The complete new content."),
      })
      .strict(),
    z
      .object({
        op: z.literal("PATCH_FILE").describe("Replace a line range of an existing file."),
        file_path: filePath("File to patch."),
        file_hash: sha256Hex("sha256 of the file's current content; the patch fails if it differs."),
        patch_start_line: lineNumber("First line replaced,"),
        patch_end_line: lineNumber("Last line replaced,"),
        content: z.string().describe("Replacement text for the line range."),
      })
      .strict()
      .refine((op) => op.patch_start_line <= op.patch_end_line, PATCH_ORDER),
    z
      .object({
        op: z.literal("RUN_TEST").describe("Run a test command named in catalytic.json."),
        test_name: nonEmptyString("Name of the test in catalytic.json `tests`."),
      })
      .strict(),
    z
      .object({
        op: z.literal("NOTE").describe("A non-executable note or checkpoint."),
        message: nonEmptyString("The note."),
      })
      .strict(),
  ])
  .describe("An explicit operation, discriminated by `op`.");

export const PlanBundleInputSchema = z
  .object({
    bundle_hash: sha256Hex("bundle_hash of the bundle the plan reads (recorded in the plan output)."),
    items: z
      .array(
        z
          .object({
            section_id: sha256Hex("Section of the item."),
            ref: SymbolIdSchema.nullable().describe("Symbol whose target is the section (READ_SYMBOL), else null (READ_SECTION)."),
            slice: sliceText("The item's bounded slice of the section."),
            search_k: countAtLeast(1, "k of the search that proposed the item (search items); the READ step records it.").optional(),
          })
          .strict(),
      )
      .min(1, "a bundle plan needs at least one item")
      .describe("The bundle's items, in bundle order: each becomes one READ step."),
  })
  .strict()
  .describe("A bundle to read (catalytic plan --bundle): its items become the first READ steps, exactly.");

export const PlanRequestSchema = z
  .object({
    schema_version: z.literal(PLAN_SCHEMA_VERSION).optional().describe("Plan request schema version. Optional: \"1.1\"."),
    run_id: idString("Run context grouping related operations."),
    request_id: idString("Unique identifier of this plan request."),
    intent: nonEmptyString("High-level intent, e.g. implement_feature. Free text: escaped when printed."),
    bundle: PlanBundleInputSchema.optional().describe("A bundle whose items become READ steps (before inputs). Optional."),
    inputs: PlanInputsSchema.prefault({}).describe("Input references for the planner. Default: no inputs."),
    ops: z.array(RequestOpSchema).default([]).describe("Explicit operations, in order. Default: []."),
    budgets: PlanBudgetsSchema.optional().describe("Plan budgets; when absent the catalytic.json plan defaults apply."),
  })
  .strict()
  .describe("Catalytic Plan Request 1.1: intent, inputs, explicit ops and budgets.");

export const PlanStepOpSchema = z
  .enum(["READ_SECTION", "READ_SYMBOL", "READ_FILE", "WRITE_FILE", "PATCH_FILE", "RUN_TEST", "NOTE"])
  .describe("Operation of the step (READ_FILE is new in 1.1).");

export const PlanStepRefsSchema = z
  .looseObject({
    section_id: sha256Hex("Section to read (READ_SECTION).").optional(),
    symbol_id: SymbolIdSchema.optional(),
    slice: sliceText("Bounded slice to expand (READ_SYMBOL, READ_SECTION, READ_FILE).").optional(),
    file_path: filePath("File to read, write or patch (READ_FILE, WRITE_FILE, PATCH_FILE).").optional(),
    file_hash: sha256Hex("sha256 of the file's current content (PATCH_FILE).").optional(),
    content: z.string().describe("Content to write (WRITE_FILE, PATCH_FILE).").optional(),
    patch_start_line: lineNumber("First line to patch (PATCH_FILE),").optional(),
    patch_end_line: lineNumber("Last line to patch (PATCH_FILE),").optional(),
    test_name: nonEmptyString("Test to run (RUN_TEST).").optional(),
    test_command: z
      .object({
        command: nonEmptyString("Executable (no shell): a name on PATH or a workspace-relative path."),
        args: z.array(z.string()).describe("Arguments, passed as-is."),
        cwd: z.string().describe("Working directory, relative to the workspace root."),
      })
      .strict()
      .describe("The command of test_name as catalytic.json defined it when the plan was made (RUN_TEST; planner 1.2.0 and later): the ant runs this, never a later config.")
      .optional(),
    message: z.string().describe("Note message (NOTE).").optional(),
    search_k: countAtLeast(1, "k of the search that proposed the item read (steps planned from a bundle); recorded in the receipt's metrics.").optional(),
  })
  .describe("References the step acts on; which fields are set depends on op.");

export const PlanStepConstraintsSchema = z
  .looseObject({
    timeout_seconds: countAtLeast(1, "Maximum seconds for this step.").max(MAX_TEST_TIMEOUT_SECONDS).optional(),
    required_outputs: z.array(z.string()).describe("Outputs the step's receipt must contain.").optional(),
  })
  .describe("Constraints on the step.");

export const PlanStepExpectedOutputsSchema = z
  .looseObject({
    sections_read: z.array(z.string()).describe("Section ids the step reads.").optional(),
    symbols_resolved: z.array(z.string()).describe("Symbol ids the step resolves.").optional(),
    files_modified: z.array(z.string()).describe("Files the step writes.").optional(),
    test_passed: z.boolean().describe("Whether the test is expected to pass.").optional(),
  })
  .describe("What the step is expected to produce.");

/** The refs each op cannot do without (docs/planner.md "From request to steps"). */
const REQUIRED_REFS: Record<z.infer<typeof PlanStepOpSchema>, readonly (keyof z.infer<typeof PlanStepRefsSchema>)[]> = {
  READ_SECTION: ["section_id"],
  READ_SYMBOL: ["symbol_id"],
  READ_FILE: ["file_path"],
  WRITE_FILE: ["file_path", "content"],
  PATCH_FILE: ["file_path", "file_hash", "patch_start_line", "patch_end_line", "content"],
  RUN_TEST: ["test_name", "test_command"],
  NOTE: ["message"],
};

export const PlanStepSchema = z
  .object({
    step_id: StepIdSchema,
    ordinal: countAtLeast(1, "Position of the step in the plan, 1-based."),
    op: PlanStepOpSchema,
    refs: PlanStepRefsSchema,
    constraints: PlanStepConstraintsSchema.optional(),
    expected_outputs: PlanStepExpectedOutputsSchema.optional(),
    depends_on: z
      .array(StepIdSchema)
      .describe("Step ids that must commit successfully before this step may be claimed (new in 1.1)."),
  })
  .strict()
  .superRefine((step, ctx) => {
    for (const field of REQUIRED_REFS[step.op]) {
      if (step.refs[field] === undefined) ctx.addIssue({ code: "custom", path: ["refs", field], message: `${step.op} needs refs.${field}` });
    }
    const { patch_start_line: start, patch_end_line: end } = step.refs;
    if (start !== undefined && end !== undefined && start > end) ctx.addIssue({ code: "custom", path: ["refs", ...PATCH_ORDER.path], message: PATCH_ORDER.message });
  })
  .describe("Catalytic Plan Step 1.1: one deterministic, executable step.");

export const PlanOutputSchema = z
  .object({
    run_id: idString("Run context of the plan."),
    request_id: idString("Request that produced the plan."),
    planner_version: nonEmptyString("Version of the planner that produced the plan."),
    schema_version: z.literal(PLAN_SCHEMA_VERSION).describe("Plan schema version: \"1.1\"."),
    steps: z.array(PlanStepSchema).describe("Steps in plan order."),
    bundle_hash: sha256Hex("bundle_hash of the bundle the plan reads, when it was planned from one (as in the request).").optional(),
    plan_hash: sha256Hex("sha256 of canonical {run_id, request_id, steps}."),
  })
  .strict()
  .superRefine((plan, ctx) => {
    // Ordinals are the 1-based plan order; a step may only wait for a distinct, earlier step.
    const earlier = new Set<string>();
    plan.steps.forEach((step, i) => {
      if (step.ordinal !== i + 1) ctx.addIssue({ code: "custom", path: ["steps", i, "ordinal"], message: `expected ordinal ${i + 1} (plan order)` });
      step.depends_on.forEach((dependency, j) => {
        if (!earlier.has(dependency)) {
          ctx.addIssue({ code: "custom", path: ["steps", i, "depends_on", j], message: `${dependency} is not an earlier step of this plan` });
        }
      });
      if (earlier.has(step.step_id)) ctx.addIssue({ code: "custom", path: ["steps", i, "step_id"], message: `duplicate step id ${step.step_id}` });
      earlier.add(step.step_id);
    });
  })
  .describe("Catalytic Plan Output 1.1: the compiled, hashed plan.");

export type PlanBundleInput = z.infer<typeof PlanBundleInputSchema>;
export type SymbolInput = z.infer<typeof SymbolInputSchema>;
export type PlanInputs = z.infer<typeof PlanInputsSchema>;
export type RequestOp = z.infer<typeof RequestOpSchema>;
export type PlanRequest = z.infer<typeof PlanRequestSchema>;
export type PlanRequestInput = z.input<typeof PlanRequestSchema>;
export type PlanStepOp = z.infer<typeof PlanStepOpSchema>;
export type PlanStepRefs = z.infer<typeof PlanStepRefsSchema>;
export type PlanStep = z.infer<typeof PlanStepSchema>;
export type PlanOutput = z.infer<typeof PlanOutputSchema>;
