// Budgets: per-step expansion limits and per-plan limits (docs/contract.md "Budgets"). Any breach fails closed.
import { z } from "zod";
import { countAtLeast } from "./common.js";

export const StepBudgetsSchema = z
  .object({
    max_symbols: countAtLeast(0, "Distinct symbols one step may resolve (de-duplicated)."),
    max_sections: countAtLeast(0, "Distinct sections one step may expand."),
    max_bytes_expanded: countAtLeast(0, "Total bytes one step may expand."),
    max_expands_per_step: countAtLeast(0, "Expansion operations one step may make."),
  })
  .strict()
  .describe("Catalytic step budgets: limits for one message step.");

export const PlanBudgetsSchema = z
  .object({
    max_steps: countAtLeast(1, "Maximum number of steps in the plan."),
    max_bytes: countAtLeast(0, "Maximum total bytes referenced (file sizes + bounded symbol expansions). Optional.").optional(),
    max_symbols: countAtLeast(0, "Maximum distinct @Symbols referenced. Optional.").optional(),
  })
  .strict()
  .describe("Catalytic plan budgets: limits the planner enforces before anything is written.");

export type StepBudgets = z.infer<typeof StepBudgetsSchema>;
export type PlanBudgets = z.infer<typeof PlanBudgetsSchema>;
