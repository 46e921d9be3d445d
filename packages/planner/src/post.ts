// Posting a plan into the cassette, and verifying a stored plan against a fresh compilation.
import { CassetteError, parsePlanRequest, type PlanOutput, type PlanRequest, type PlanStep } from "@catalytic/core";
import type { Cassette, PostPlanResult } from "@catalytic/cassette";
import { effectiveBudgets, plan, type PlanOptions } from "./plan.js";
import type { PlanSubstrate } from "./substrate.js";

export interface PostedPlan {
  plan: PlanOutput;
  posted: PostPlanResult;
}

/**
 * Compiles the request and stores request, job, steps, dependencies and the job budget in one
 * transaction. The same (run_id, request_id) returns the same job and steps; a different plan under
 * that pair is CAT_PLAN_MISMATCH and writes nothing.
 */
export function postPlan(cassette: Cassette, raw: unknown, substrate: PlanSubstrate, options: PlanOptions): PostedPlan {
  const request = parsePlanRequest(raw, "plan request");
  return storePlan(cassette, request, plan(request, substrate, options), options);
}

/** Stores an already compiled plan of `request` (one transaction). */
export function storePlan(cassette: Cassette, request: PlanRequest, output: PlanOutput, options: PlanOptions): PostedPlan {
  const budgets = effectiveBudgets(request, options);
  const posted = cassette.postPlan({
    runId: output.run_id,
    idempotencyKey: output.request_id,
    request,
    intent: request.intent,
    planHash: output.plan_hash,
    plannerVersion: output.planner_version,
    steps: output.steps.map((step) => ({
      stepId: step.step_id,
      ordinal: step.ordinal,
      op: step.op,
      payload: step,
      dependsOn: step.depends_on,
    })),
    budget: { maxBytes: budgets.max_bytes, maxSymbols: budgets.max_symbols },
  });
  return { plan: output, posted };
}

export interface StepDifference {
  ordinal: number;
  stored?: { step_id: string; op: string };
  recomputed?: { step_id: string; op: string };
  /** Top-level step fields that differ (refs, constraints, depends_on, ...). */
  fields: string[];
}

export interface PlanVerification {
  ok: boolean;
  runId: string;
  requestId: string;
  jobId: string;
  storedPlanHash: string | null;
  recomputedPlanHash: string;
  differences: StepDifference[];
}

function differingFields(stored: Record<string, unknown>, recomputed: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(stored), ...Object.keys(recomputed)])].sort();
  return keys.filter((key) => JSON.stringify(stored[key]) !== JSON.stringify(recomputed[key]));
}

/** Recomputes the plan from the stored request and compares plan hash and steps with what was stored. */
export function verifyPlan(cassette: Cassette, runId: string, requestId: string, substrate: PlanSubstrate, options: PlanOptions): PlanVerification {
  const job = cassette.findJobByRequest(runId, requestId);
  const message = job ? cassette.getMessage(job.messageId) : undefined;
  if (!job || !message) {
    throw new CassetteError("CAT_JOB_NOT_FOUND", `no plan posted for run ${runId} request ${requestId}`, {
      hint: "post it first with 'catalytic plan --request-file F', or check the ids with 'catalytic cassette status'",
      details: { runId, requestId },
    });
  }
  const recomputed = plan(message.payload, substrate, options);
  const storedSteps = new Map(cassette.listSteps(job.jobId).map((step) => [step.ordinal, step.payload as PlanStep]));
  const freshSteps = new Map(recomputed.steps.map((step) => [step.ordinal, step]));
  const ordinals = [...new Set([...storedSteps.keys(), ...freshSteps.keys()])].sort((a, b) => a - b);
  const differences: StepDifference[] = [];
  for (const ordinal of ordinals) {
    const stored = storedSteps.get(ordinal);
    const fresh = freshSteps.get(ordinal);
    if (stored && fresh && stored.step_id === fresh.step_id) continue;
    differences.push({
      ordinal,
      ...(stored ? { stored: { step_id: stored.step_id, op: stored.op } } : {}),
      ...(fresh ? { recomputed: { step_id: fresh.step_id, op: fresh.op } } : {}),
      fields: stored && fresh ? differingFields(stored, fresh) : ["step"],
    });
  }
  return {
    ok: job.planHash === recomputed.plan_hash && differences.length === 0,
    runId,
    requestId,
    jobId: job.jobId,
    storedPlanHash: job.planHash,
    recomputedPlanHash: recomputed.plan_hash,
    differences,
  };
}
