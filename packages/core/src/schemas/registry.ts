// Every published contract schema and the JSON Schema files generated from them (docs/schemas/).
import { z } from "zod";
import { ConfigSchema } from "../config.js";
import { PlanBudgetsSchema, StepBudgetsSchema } from "./budgets.js";
import { BundleSchema } from "./bundle.js";
import { ExpansionSchema } from "./expansion.js";
import { MessageSchema } from "./message.js";
import { PlanOutputSchema, PlanRequestSchema, PlanStepSchema } from "./plan.js";
import { ReceiptSchema } from "./receipt.js";
import { SectionSchema } from "./section.js";
import { SymbolSchema } from "./symbol.js";

export interface PublishedSchema {
  /** File name under docs/schemas/. */
  file: string;
  title: string;
  schema: z.ZodType;
}

const BudgetsSchema = z
  .object({ step: StepBudgetsSchema, plan: PlanBudgetsSchema })
  .strict()
  .describe("Catalytic budgets: the per-step and per-plan limit objects (each is used on its own).");

export const PUBLISHED_SCHEMAS: readonly PublishedSchema[] = [
  { file: "section.schema.json", title: "Catalytic Section", schema: SectionSchema },
  { file: "symbol.schema.json", title: "Catalytic Symbol", schema: SymbolSchema },
  { file: "message.schema.json", title: "Catalytic Message", schema: MessageSchema },
  { file: "expansion.schema.json", title: "Catalytic Expansion", schema: ExpansionSchema },
  { file: "receipt.schema.json", title: "Catalytic Receipt", schema: ReceiptSchema },
  { file: "budgets.schema.json", title: "Catalytic Budgets", schema: BudgetsSchema },
  { file: "plan_request.schema.json", title: "Catalytic Plan Request", schema: PlanRequestSchema },
  { file: "plan_step.schema.json", title: "Catalytic Plan Step", schema: PlanStepSchema },
  { file: "plan_output.schema.json", title: "Catalytic Plan Output", schema: PlanOutputSchema },
  { file: "bundle.schema.json", title: "Catalytic Bundle", schema: BundleSchema },
  { file: "catalytic.config.schema.json", title: "Catalytic Configuration (catalytic.json)", schema: ConfigSchema },
];

/** JSON Schema (draft-07) of each published schema, keyed by file name. Describes what an author may write (zod input). */
export function generateJsonSchemas(): Record<string, object> {
  const out: Record<string, object> = {};
  for (const { file, title, schema } of PUBLISHED_SCHEMAS) {
    const generated = z.toJSONSchema(schema, { target: "draft-7", io: "input", override: dropSafeIntegerBounds }) as Record<
      string,
      unknown
    >;
    out[file] = { ...generated, title };
  }
  return out;
}

// zod adds +-MAX_SAFE_INTEGER bounds to every int; they say nothing to a reader of the schema.
function dropSafeIntegerBounds(ctx: { jsonSchema: Record<string, unknown> }): void {
  if (ctx.jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete ctx.jsonSchema.maximum;
  if (ctx.jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete ctx.jsonSchema.minimum;
}

/** The committed text of a schema file: keys sorted recursively, 2-space indent, trailing newline. */
export function jsonSchemaFileText(schema: object): string {
  return `${JSON.stringify(sortKeys(schema), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((key) => [key, sortKeys(record[key])]),
  );
}
