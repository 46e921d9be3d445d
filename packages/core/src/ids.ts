// Deterministic ids for plans (docs/planner.md "Ids and hashes").
import { canonicalJson, sha256Hex } from "./canonical.js";

/**
 * `step_id` = "step_" + the first 16 hex digits of sha256 over the canonical JSON of the step
 * without its own `step_id` (ordinal, op, refs, constraints, depends_on, ...).
 */
export function stepId(step: Record<string, unknown>): string {
  const { step_id: _ignored, ...rest } = step;
  return `step_${sha256Hex(canonicalJson(rest)).slice(0, 16)}`;
}

/** `plan_hash` = sha256 of canonical `{run_id, request_id, steps}` with steps in plan order. */
export function planHash(runId: string, requestId: string, steps: readonly unknown[]): string {
  return sha256Hex(canonicalJson({ run_id: runId, request_id: requestId, steps }));
}

/** Index hash: sha256 over the sorted section ids, one per line. Independent of file-system order. */
export function indexHash(sectionIds: Iterable<string>): string {
  return sha256Hex([...sectionIds].sort().join("\n"));
}
