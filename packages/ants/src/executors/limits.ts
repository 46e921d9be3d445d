// The per-step expansion bound (catalytic.json budgets.step.max_bytes_expanded), shared by the read executors.
import { BudgetError } from "@catalytic/core";
import type { ExecutionContext } from "../context.js";

export function checkStepBytes(ctx: ExecutionContext, what: string, bytes: number): void {
  const limit = ctx.config.budgets.step.max_bytes_expanded;
  if (bytes > limit) {
    throw new BudgetError("CAT_BUDGET_EXCEEDED", `${what} is ${bytes} bytes, over the step budget max_bytes_expanded = ${limit}`, {
      hint: "read a smaller slice, or raise budgets.step.max_bytes_expanded in catalytic.json",
      details: { budget: "max_bytes_expanded", limit, actual: bytes },
    });
  }
}
