// Job integrity: a job's rows still say what was posted. The message id commits to the request, the job id to the
// intent and plan hash, the plan hash to every step's payload (docs/cassette.md#job-integrity). Claims check it
// once per job and connection, then compare each claimed step's payload with the verified one.
import { CassetteError, canonicalJson, planHash, sha256Hex } from "@catalytic/core";
import { jobIdFor, messageIdFor, messageStepIdFor } from "./ids.js";
import type { Ledger } from "./ledger.js";
import type { JobRow, MessageRow } from "./records.js";

interface IntegrityStep {
  step_id: string;
  ordinal: number;
  op: string;
  payload_json: string;
  depends_on_json: string;
  created_at: string;
}

/** A step of an intact job as verified: its fields that never change (the identity guard keeps them). */
export interface VerifiedStep {
  runId: string;
  ordinal: number;
  op: string;
  payloadJson: string;
  dependsOn: readonly string[];
  createdAt: string;
}

/**
 * The plan hash of steps whose payloads are canonical JSON (as posting stores them), in ordinal order: planHash
 * without parsing them, the payloads joined inside the plan's own canonical frame. When stored payloads hash to the
 * posted plan hash this way, each is byte for byte the payload posted: a JSON text cannot take in the commas that
 * separate it from the next one.
 */
export function planHashOfPayloads(runId: string, requestId: string, payloadJsons: readonly string[]): string {
  const frame = canonicalJson({ run_id: runId, request_id: requestId, steps: [] });
  return sha256Hex(`${frame.slice(0, -"]}".length)}${payloadJsons.join(",")}]}`);
}

function parsed(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return undefined;
  }
}

/** Where a payload names its own step (the planner's PlanStep), the names must be the row's. */
function selfDescriptionProblem(step: IntegrityStep, payload: unknown): string | undefined {
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) return undefined;
  const own = payload as { step_id?: unknown; op?: unknown; ordinal?: unknown; depends_on?: unknown };
  if (own.step_id !== undefined && own.step_id !== step.step_id) return `its payload names step ${JSON.stringify(own.step_id)}`;
  if (own.op !== undefined && own.op !== step.op) return `its payload has op ${JSON.stringify(own.op)}, the row ${step.op}`;
  if (own.ordinal !== undefined && own.ordinal !== step.ordinal) return `its payload has ordinal ${JSON.stringify(own.ordinal)}, the row ${step.ordinal}`;
  if (own.depends_on !== undefined) {
    const declared = Array.isArray(own.depends_on) ? canonicalJson([...new Set(own.depends_on as unknown[])].sort()) : "invalid";
    if (declared !== canonicalJson(JSON.parse(step.depends_on_json) as unknown)) return "its payload's depends_on differs from the stored dependencies";
  }
  return undefined;
}

/** Every way the job's rows contradict each other; [] when intact. */
export function jobIntegrityProblems(ledger: Ledger, jobId: string): string[] {
  return inspectJob(ledger, jobId).problems;
}

/** The job's problems and its steps (read through the claim-order index: steps has no index on job_id). */
function inspectJob(ledger: Ledger, jobId: string): { problems: string[]; steps: IntegrityStep[]; runId: string } {
  const job = ledger.stmt("SELECT * FROM jobs WHERE job_id = ?").get(jobId) as JobRow | undefined;
  if (!job) return { problems: [`job ${jobId} does not exist`], steps: [], runId: "" };
  const message = ledger.stmt("SELECT * FROM messages WHERE message_id = ?").get(job.message_id) as MessageRow | undefined;
  if (!message) return { problems: [`job ${jobId}: its message ${job.message_id} does not exist`], steps: [], runId: job.run_id };
  const steps = ledger
    .stmt(
      `SELECT s.step_id, s.ordinal, s.op, s.payload_json, s.created_at,
         (SELECT json_group_array(depends_on_step_id) FROM (SELECT depends_on_step_id FROM step_deps d WHERE d.step_id = s.step_id ORDER BY 1)) AS depends_on_json
       FROM steps s WHERE s.run_id = ? AND s.message_seq = ? AND s.job_ordinal = ? ORDER BY s.ordinal`,
    )
    .all(job.run_id, job.message_seq, job.ordinal) as IntegrityStep[];
  const problems: string[] = [];
  const payload = parsed(message.payload_json);
  const expectedMessageId = messageIdFor({ runId: message.run_id, source: message.source, payload, idempotencyKey: message.idempotency_key, seq: message.seq });
  if (payload === undefined || expectedMessageId !== message.message_id) problems.push(`message ${message.message_id}: its id does not match its run, source, key and payload (the request was rewritten)`);
  if (jobIdFor(job.message_id, job.ordinal, job.intent, job.plan_hash) !== job.job_id) {
    problems.push(`job ${jobId}: its id does not match its message, intent and plan hash (intent or plan hash was rewritten)`);
  }
  if (job.plan_hash === null) {
    const only = steps[0];
    if (steps.length !== 1 || !only || only.step_id !== messageStepIdFor(jobId) || only.payload_json !== message.payload_json) {
      problems.push(`job ${jobId}: its step no longer carries its message's payload`);
    }
    return { problems, steps, runId: job.run_id };
  }
  const payloads = steps.map((step) => parsed(step.payload_json));
  if (payloads.some((payload) => payload === undefined)) {
    problems.push(`job ${jobId}: a step's payload is not JSON`);
    return { problems, steps, runId: job.run_id };
  }
  const requestId = job.idempotency_key ?? "";
  // Stored as posted, the payloads hash as they are; else they are compared by value, as canonical JSON.
  if (planHashOfPayloads(job.run_id, requestId, steps.map((step) => step.payload_json)) !== job.plan_hash) {
    const recomputed = planHash(job.run_id, requestId, payloads);
    if (recomputed !== job.plan_hash) problems.push(`job ${jobId}: its step payloads hash to ${recomputed}, not the posted plan hash ${job.plan_hash}`);
  }
  steps.forEach((step, i) => {
    const problem = selfDescriptionProblem(step, payloads[i]);
    if (problem) problems.push(`step ${step.step_id} of job ${jobId}: ${problem}`);
  });
  return { problems, steps, runId: job.run_id };
}

function tampered(jobId: string, stepId: string | null, problems: string[]): CassetteError {
  const what = stepId === null ? `job ${jobId}` : `step ${stepId} of job ${jobId}`;
  return new CassetteError("CAT_PLAN_TAMPERED", `${what} was changed after the plan was posted: ${problems.join("; ")}`, {
    hint: "nothing was claimed or run; the ledger file was edited behind Catalytic: run 'catalytic cassette verify' and plan again under a new request id",
    details: { job_id: jobId, step_id: stepId, problems },
  });
}

/** Throws CAT_PLAN_TAMPERED when the job's rows contradict each other (what a front end asks before starting ants). */
export function requireIntactJob(ledger: Ledger, jobId: string): void {
  const problems = jobIntegrityProblems(ledger, jobId);
  if (problems.length > 0) throw tampered(jobId, null, problems);
}

// Per connection: each step of an intact job as it was verified (a job's rows never legitimately change).
const verifiedSteps = new WeakMap<Ledger, Map<string, Map<string, VerifiedStep>>>();

function verifiedJobs(ledger: Ledger): Map<string, Map<string, VerifiedStep>> {
  let jobs = verifiedSteps.get(ledger);
  if (!jobs) verifiedSteps.set(ledger, (jobs = new Map()));
  return jobs;
}

/** Whether this connection has verified the job: its claims then only compare each step's payload with the verified one. */
export function isJobVerified(ledger: Ledger, jobId: string): boolean {
  return verifiedJobs(ledger).has(jobId);
}

/** Verifies the whole job (its steps as they are now) for this connection; CAT_PLAN_TAMPERED, naming `stepId`, when it is not intact. */
function verifyJob(ledger: Ledger, jobId: string, stepId: string): Map<string, VerifiedStep> {
  const { problems, steps, runId } = inspectJob(ledger, jobId);
  if (problems.length > 0) throw tampered(jobId, stepId, problems);
  const verified = new Map(
    steps.map((step) => [
      step.step_id,
      {
        runId,
        ordinal: step.ordinal,
        op: step.op,
        payloadJson: step.payload_json,
        dependsOn: JSON.parse(step.depends_on_json) as string[],
        createdAt: step.created_at,
      },
    ]),
  );
  verifiedJobs(ledger).set(jobId, verified);
  return verified;
}

/**
 * requireIntactStep in a read transaction of its own (one snapshot, no write lock): how a job new to this connection
 * is verified before a claim's write transaction, so other connections keep writing while the whole plan is hashed
 * (docs/cassette.md "Job integrity"). The caller holds no transaction.
 */
export function requireIntactStepUnlocked(ledger: Ledger, step: { job_id: string; step_id: string; payload_json: string }): void {
  ledger.db.transaction(() => void requireIntactStep(ledger, step.job_id, step.step_id, step.payload_json)).deferred();
}

/**
 * Throws CAT_PLAN_TAMPERED unless the job is intact and `payloadJson` is the step's verified payload; returns the
 * verified step, so a claim needs only the lease fields from the row it updates.
 */
export function requireIntactStep(ledger: Ledger, jobId: string, stepId: string, payloadJson: string): VerifiedStep {
  const verified = verifiedJobs(ledger).get(jobId) ?? verifyJob(ledger, jobId, stepId);
  const step = verified.get(stepId);
  if (step?.payloadJson !== payloadJson) throw tampered(jobId, stepId, [`its payload differs from the one verified against the plan hash`]);
  return step;
}

/** requireIntactStep as a boolean, for callers that must not abort their transaction. */
export function isIntactStep(ledger: Ledger, candidate: { job_id: string; step_id: string; payload_json: string }): boolean {
  try {
    requireIntactStep(ledger, candidate.job_id, candidate.step_id, candidate.payload_json);
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === "CAT_PLAN_TAMPERED") return false;
    throw error;
  }
}
