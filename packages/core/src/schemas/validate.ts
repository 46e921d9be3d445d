// Turning zod failures into typed errors that list every problem with its JSON path.
import type { z } from "zod";
import { parseJson } from "../canonical.js";
import { formatJsonPath } from "../config.js";
import { InputError } from "../errors.js";
import { BundleSchema, type Bundle } from "./bundle.js";
import { PlanRequestSchema, type PlanRequest } from "./plan.js";

export interface SchemaProblem {
  /** JSON path of the offending value, e.g. `$.inputs.symbols[0]`. */
  path: string;
  message: string;
}

/** Every problem of a failed parse, one per unknown key, with union failures narrowed to the branch that fit. */
export function schemaProblems(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  for (const issue of issues) {
    const at = [...prefix, ...issue.path];
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) problems.push({ path: formatJsonPath([...at, key]), message: "unknown field" });
    } else if (issue.code === "invalid_union" && issue.errors.length > 0) {
      // The branch whose root type matched is the one the author meant; among several (two object shapes), the one
      // with the fewest problems. Report its problems.
      const meant = issue.errors
        .filter((branch) => !branch.some((b) => b.code === "invalid_type" && b.path.length === 0))
        .map((branch) => schemaProblems(branch, at));
      const fewest = Math.min(...meant.map((branch) => branch.length));
      const closest = meant.filter((branch) => branch.length === fewest);
      if (closest.length === 1) problems.push(...closest[0]!);
      else problems.push({ path: formatJsonPath(at), message: issue.message });
    } else {
      problems.push({ path: formatJsonPath(at), message: issue.message });
    }
  }
  return problems;
}

/** Parses `raw` with `schema`; throws CAT_SCHEMA_INVALID naming `source`, `what`, and every problem. */
export function parseWithSchema<S extends z.ZodType>(schema: S, raw: unknown, source: string, what: string): z.infer<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const problems = schemaProblems(result.error.issues);
  throw new InputError(
    "CAT_SCHEMA_INVALID",
    `${source} is not a valid ${what}: ${problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`,
    { hint: `fix each listed path (the ${what} schema is in docs/schemas/)`, details: { source, problems } },
  );
}

/** Validates a plan request (schema 1.1). Budgets and slices are checked later by the planner. */
export function parsePlanRequest(raw: unknown, source: string): PlanRequest {
  return parseWithSchema(PlanRequestSchema, raw, source, "plan request");
}

/** Parses plan request JSON text: CAT_JSON_MALFORMED for bad JSON, CAT_SCHEMA_INVALID for bad content. */
export function parsePlanRequestText(text: string, source: string): PlanRequest {
  return parsePlanRequest(parseJson(text, source), source);
}

/** Validates a bundle (structure only; `verifyBundle` in the indexer checks it against the workspace). */
export function parseBundle(raw: unknown, source: string): Bundle {
  return parseWithSchema(BundleSchema, raw, source, "bundle");
}

/** Parses bundle JSON text: the bundle itself, or `{"bundle": ...}` as `catalytic bundle --json` prints it. */
export function parseBundleText(text: string, source: string): Bundle {
  const raw = parseJson(text, source);
  const wrapped = raw !== null && typeof raw === "object" && !Array.isArray(raw) && "bundle" in raw && !("bundle_id" in raw);
  return parseBundle(wrapped ? (raw as { bundle: unknown }).bundle : raw, source);
}
