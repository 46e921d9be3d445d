// Public API of @catalytic/planner.
export { PLANNER_VERSION, plan, planOptionsFromConfig } from "./plan.js";
export type { PlanOptions } from "./plan.js";
export type { PlanSubstrate, SubstrateSymbol, SubstrateSection, SubstrateFile } from "./substrate.js";
export { modelSubstrate } from "./model-substrate.js";
export { indexSubstrate, workspaceSubstrate } from "./index-substrate.js";
export { postPlan, storePlan, verifyPlan } from "./post.js";
export type { PostedPlan, PlanVerification, StepDifference } from "./post.js";
export { readRequestFile, planInWorkspace, verifyPlanInWorkspace } from "./workspace.js";
export type { WorkspacePlanResult } from "./workspace.js";
export { bundlePlanRequest } from "./bundle-steps.js";
export { receiptExpansionsOfRun } from "./run-expansions.js";
