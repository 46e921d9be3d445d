// `catalytic plan`: compile a request into a deterministic plan (dry run) or post it; `plan verify`.
import path from "node:path";
import { InputError, UsageError, escapeText, type PlanRequest } from "@catalytic/core";
import { bundlePlanRequest, planInWorkspace, readRequestFile, verifyPlanInWorkspace } from "@catalytic/planner";
import { booleanOption, idOption, requiredOption, stringOption } from "../args.js";
import type { Command, CommandContext, ParsedArgs } from "../command.js";
import { readBundleFile, verifyBundleFile } from "./bundle.js";

/** `--bundle F`: a verified bundle's items as the plan's READ steps; stale or broken bundles fail naming each item. */
async function bundleRequest(ctx: CommandContext, file: string): Promise<PlanRequest> {
  const bundle = readBundleFile(file);
  const verification = await verifyBundleFile(ctx, bundle);
  if (!verification.ok) {
    ctx.note(`bundle ${escapeText(file)} does not verify:`);
    for (const problem of verification.problems) ctx.note(`  ${problem.code}: ${escapeText(problem.message)}`);
    throw new InputError("CAT_VERIFY_FAILED", `bundle ${file} is stale or broken (${verification.problems.length} problem(s))`, {
      hint: "run 'catalytic bundle verify' for the list, then build a new bundle",
      details: { file, problems: verification.problems },
    });
  }
  return bundlePlanRequest(bundle);
}

function requestOf(ctx: CommandContext, args: ParsedArgs): Promise<PlanRequest> | PlanRequest {
  const bundleFile = stringOption(args, "bundle");
  if (bundleFile !== undefined && args.options["request-file"] !== undefined) {
    throw new UsageError("CAT_USAGE", "pass either --request-file or --bundle, not both", { hint: "see 'catalytic plan --help'" });
  }
  // A path typed on the command line is relative to the current folder, like every other CLI argument.
  return bundleFile !== undefined ? bundleRequest(ctx, bundleFile) : readRequestFile(ctx.root, path.resolve(requiredOption(args, "request-file")));
}

const plan: Command = {
  name: "plan",
  summary: "Compile a plan request into deterministic steps and post them as a job (or --dry-run)",
  options: {
    "request-file": { type: "string", description: "plan request JSON, relative to the current folder (schema docs/schemas/plan_request.schema.json)" },
    bundle: { type: "string", description: "a bundle JSON file, relative to the current folder: its items become the READ steps (the plan records its hash)" },
    "dry-run": { type: "boolean", description: "print the plan JSON and write nothing" },
  },
  details: [
    "Budgets (max_steps, max_bytes, max_symbols) fail closed before anything is written.",
    "Posting stores request, job and steps in one transaction; the same (run_id, request_id) returns the same job,",
    "a different plan under the same pair is CAT_PLAN_MISMATCH.",
    "--bundle F verifies the bundle first (as 'catalytic bundle verify'); run id: the bundle's, else \"default\"; request id: its bundle_id.",
    "Example: catalytic plan --request-file request.json --dry-run",
  ].join("\n"),
  async run(ctx, args) {
    const dryRun = booleanOption(args, "dry-run");
    const request = await requestOf(ctx, args);
    const result = planInWorkspace(ctx.root, request, { dryRun });
    ctx.emitJson({ ok: true, dryRun, plan: result.plan, ...(result.posted ? { posted: result.posted } : {}) });
    if (!result.posted) {
      ctx.print(JSON.stringify(result.plan, null, 2));
      return 0;
    }
    const { posted } = result;
    ctx.print(`${posted.created ? "posted" : "already posted"}: job ${posted.jobId} (run ${result.plan.run_id}, request ${result.plan.request_id}): ${escapeText(request.intent)}`);
    ctx.print(`plan hash ${result.plan.plan_hash}, ${posted.stepIds.length} step(s)${result.plan.bundle_hash ? `, bundle hash ${result.plan.bundle_hash}` : ""}`);
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
