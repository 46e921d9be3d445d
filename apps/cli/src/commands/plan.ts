// `catalytic plan`: compile a request into a deterministic plan (dry run) or post it; `plan verify`.
import path from "node:path";
import { planInWorkspace, readRequestFile, verifyPlanInWorkspace } from "@catalytic/planner";
import { escapeText } from "@catalytic/core";
import { booleanOption, idOption, requiredOption } from "../args.js";
import type { Command } from "../command.js";

const plan: Command = {
  name: "plan",
  summary: "Compile a plan request into deterministic steps and post them as a job (or --dry-run)",
  options: {
    "request-file": { type: "string", description: "plan request JSON, relative to the current folder (schema docs/schemas/plan_request.schema.json)" },
    "dry-run": { type: "boolean", description: "print the plan JSON and write nothing" },
  },
  details: [
    "Budgets (max_steps, max_bytes, max_symbols) fail closed before anything is written.",
    "Posting stores request, job and steps in one transaction; the same (run_id, request_id) returns the same job,",
    "a different plan under the same pair is CAT_PLAN_MISMATCH.",
    "Example: catalytic plan --request-file request.json --dry-run",
  ].join("\n"),
  run(ctx, args) {
    const requestFile = requiredOption(args, "request-file");
    const dryRun = booleanOption(args, "dry-run");
    // A path typed on the command line is relative to the current folder, like every other CLI argument.
    const request = readRequestFile(ctx.root, path.resolve(requestFile));
    const result = planInWorkspace(ctx.root, request, { dryRun });
    ctx.emitJson({ ok: true, dryRun, plan: result.plan, ...(result.posted ? { posted: result.posted } : {}) });
    if (!result.posted) {
      ctx.print(JSON.stringify(result.plan, null, 2));
      return 0;
    }
    const { posted } = result;
    ctx.print(`${posted.created ? "posted" : "already posted"}: job ${posted.jobId} (run ${result.plan.run_id}, request ${result.plan.request_id}): ${escapeText(request.intent)}`);
    ctx.print(`plan hash ${result.plan.plan_hash}, ${posted.stepIds.length} step(s)`);
    for (const step of result.plan.steps) ctx.print(`  ${String(step.ordinal).padStart(4)} ${step.step_id} ${step.op}`);
    return 0;
  },
};

const verify: Command = {
  name: "plan verify",
  summary: "Recompute a posted plan from its stored request and compare plan hashes (exit 0 match, 1 differ)",
  options: {
    "run-id": { type: "string", description: "run of the plan" },
    "request-id": { type: "string", description: "request id the plan was posted with" },
  },
  run(ctx, args) {
    const result = verifyPlanInWorkspace(ctx.root, idOption(args, "run-id"), idOption(args, "request-id"));
    ctx.emitJson(result);
    if (result.ok) {
      ctx.print(`PASS: plan ${result.recomputedPlanHash} of job ${result.jobId} recomputes identically`);
      return 0;
    }
    ctx.print(`FAIL: stored plan hash ${result.storedPlanHash ?? "none"}, recomputed ${result.recomputedPlanHash}`);
    for (const d of result.differences) {
      const stored = d.stored ? `${d.stored.step_id} ${d.stored.op}` : "(none)";
      const fresh = d.recomputed ? `${d.recomputed.step_id} ${d.recomputed.op}` : "(none)";
      ctx.print(`  step ${d.ordinal}: stored ${stored}, recomputed ${fresh}; differs in ${d.fields.join(", ")}`);
    }
    return 1;
  },
};

export const planCommands: readonly Command[] = [plan, verify];
