// Typed failures of the bundle builder.
import { BudgetError, UsageError } from "@catalytic/core";

export interface RefCost {
  ref: string;
  tokens: number;
}

/** The refs alone break a budget: nothing is stored, and the error names every ref with its tokens. */
export function refsOverBudget(budget: "max_tokens" | "max_items" | "max_tokens_per_item", limit: number, refs: readonly RefCost[], over: readonly RefCost[]): BudgetError {
  const list = refs.map((r) => `${r.ref} (${r.tokens} tokens)`).join(", ");
  const total = refs.reduce((sum, r) => sum + r.tokens, 0);
  const why =
    budget === "max_tokens"
      ? `together ${total} tokens, over max_tokens = ${limit}`
      : budget === "max_items"
        ? `${refs.length} items, over max_items = ${limit}`
        : `${over.map((r) => r.ref).join(", ")} over max_tokens_per_item = ${limit}`;
  return new BudgetError("CAT_BUDGET_EXCEEDED", `the bundle's refs do not fit: ${list}; ${why}`, {
    hint:
      budget === "max_items"
        ? "raise the item budget or pass fewer refs"
        : "raise --budget-tokens, or give a ref a smaller slice (e.g. @NS/NAME:lines[0:40])",
    details: { budget, limit, refs: refs.map((r) => ({ ref: r.ref, tokens: r.tokens })), total_tokens: total },
  });
}

export function badBudget(name: string, value: unknown): UsageError {
  return new UsageError("CAT_USAGE", `${name} must be an integer >= 1, got ${JSON.stringify(value)}`, {
    hint: `pass a positive whole number for ${name}`,
    details: { [name]: value },
  });
}

export function badPercent(name: string, value: unknown): UsageError {
  return new UsageError("CAT_USAGE", `${name} must be an integer from 0 to 100, got ${JSON.stringify(value)}`, {
    hint: `pass a whole percent for ${name} (0 keeps every search candidate)`,
    details: { [name]: value },
  });
}
