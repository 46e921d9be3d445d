// Message: model output asking for work with explicit references and budgets (CONTRACT "Message").
import { z } from "zod";
import { StepBudgetsSchema } from "./budgets.js";
import { nonEmptyString } from "./common.js";
import { SymbolIdSchema } from "./symbol.js";

export const MessageOpSchema = z
  .object({
    type: z.enum(["READ", "WRITE", "EXECUTE"]).describe("What the operation does."),
    target: nonEmptyString("What it acts on: a symbol id, section id or workspace-relative path."),
    params: z.record(z.string(), z.unknown()).default({}).describe("Operation parameters. Default: {}."),
  })
  .strict()
  .describe("One requested operation.");

export const MessageSchema = z
  .object({
    intent: nonEmptyString("What the work is for; must not be empty."),
    refs: z.array(SymbolIdSchema).describe("Symbols the message refers to."),
    ops: z.array(MessageOpSchema).describe("Requested operations."),
    budgets: StepBudgetsSchema.describe("Step budgets; required (a message without budgets fails)."),
    required_outputs: z.array(nonEmptyString("Output identifier.")).describe("Outputs the receipt must contain."),
  })
  .strict()
  .describe("Catalytic Message: a request for work with explicit references and budgets.");

export type MessageOp = z.infer<typeof MessageOpSchema>;
export type Message = z.infer<typeof MessageSchema>;
