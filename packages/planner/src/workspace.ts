// The workspace-level entry points the CLI and the language server call: file in, plan (and job) out.
import { readFileSync } from "node:fs";
import path from "node:path";
import { InputError, loadConfig, parsePlanRequest, parsePlanRequestText, type PlanOutput, type PlanRequest } from "@catalytic/core";
import { Cassette, type PostPlanResult } from "@catalytic/cassette";
import { workspaceSubstrate } from "./index-substrate.js";
import { plan, planOptionsFromConfig } from "./plan.js";
import { storePlan, verifyPlan, type PlanVerification } from "./post.js";

/** Reads and validates a request file (absolute, or relative to the workspace root). */
export function readRequestFile(root: string, requestFile: string): PlanRequest {
  const file = path.resolve(root, requestFile);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code === "ENOENT" ? "CAT_FILE_NOT_FOUND" : "CAT_FILE_UNREADABLE";
    throw new InputError(code, `cannot read request file ${requestFile}: ${(error as Error).message}`, {
      hint: "pass the path of a plan request JSON file (docs/schemas/plan_request.schema.json)",
      details: { file: requestFile },
    });
  }
  return parsePlanRequestText(text, requestFile);
}

export interface WorkspacePlanResult {
  plan: PlanOutput;
  /** Absent for a dry run. */
  posted?: PostPlanResult;
}

/**
 * Plans a request against the workspace's index and config. A dry run only reads (it never opens
 * the cassette); otherwise the plan is posted in one transaction.
 */
export function planInWorkspace(root: string, raw: unknown, options: { dryRun: boolean }): WorkspacePlanResult {
  const request = parsePlanRequest(raw, "plan request");
  const planOptions = planOptionsFromConfig(loadConfig(root));
  const { substrate, close } = workspaceSubstrate(root);
  try {
    // Planned before the cassette is opened (which creates it), so a failing request writes nothing.
    const planned = plan(request, substrate, planOptions);
    if (options.dryRun) return { plan: planned };
    const cassette = Cassette.openWorkspace(root);
    try {
      return storePlan(cassette, request, planned, planOptions);
    } finally {
      cassette.close();
    }
  } finally {
    close();
  }
}

/** Recomputes the stored plan of (runId, requestId) against the workspace as it is now. */
export function verifyPlanInWorkspace(root: string, runId: string, requestId: string): PlanVerification {
  const planOptions = planOptionsFromConfig(loadConfig(root));
  const { substrate, close } = workspaceSubstrate(root);
  const cassette = Cassette.openWorkspace(root);
  try {
    return verifyPlan(cassette, runId, requestId, substrate, planOptions);
  } finally {
    cassette.close();
    close();
  }
}
