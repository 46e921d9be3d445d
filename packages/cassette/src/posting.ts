// Posting work: a plain message (one job, one step, docs/cassette.md "Tables") or a plan (one job, its steps and dependencies, its budget).
import { CassetteError, PlannerError, canonicalJson } from "@catalytic/core";
import { writeTransaction } from "./connection.js";
import { jobIdFor, messageIdFor, messageStepIdFor } from "./ids.js";
import { planHashOfPayloads } from "./integrity.js";
import { JOB_STEPS, isoNow, type Ledger } from "./ledger.js";
import { MESSAGE_SOURCES, toJob, type JobRecord, type JobRow, type MessageRow, type MessageSource } from "./records.js";
import { requireNonEmpty } from "./validate.js";

export interface PostMessageInput {
  runId: string;
  source: MessageSource;
  payload: unknown;
  idempotencyKey?: string;
}

export interface PostMessageResult {
  messageId: string;
  jobId: string;
  stepId: string;
  created: boolean;
}

export interface PlanStepInput {
  stepId: string;
  ordinal: number;
  op: string;
  payload: unknown;
  dependsOn: string[];
}

export interface PostPlanInput {
  runId: string;
  idempotencyKey: string;
  request: unknown;
  intent: string;
  planHash: string;
  plannerVersion: string;
  steps: PlanStepInput[];
  budget?: { maxBytes: number | null; maxSymbols: number | null };
}

export interface PostPlanResult {
  messageId: string;
  jobId: string;
  stepIds: string[];
  created: boolean;
}

interface NewStep {
  stepId: string;
  ordinal: number;
  op: string;
  payloadJson: string;
  dependsOn: string[];
}

function nextSeq(ledger: Ledger, runId: string): number {
  const row = ledger.stmt("SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM messages WHERE run_id = ?").get(runId) as { seq: number };
  return row.seq;
}

function findMessageByKey(ledger: Ledger, runId: string, key: string): MessageRow | undefined {
  return ledger.stmt("SELECT * FROM messages WHERE run_id = ? AND idempotency_key = ?").get(runId, key) as MessageRow | undefined;
}

/** Jobs are keyed by their message's (run_id, seq) (migration 4). */
function jobsOfMessage(ledger: Ledger, message: MessageRow): JobRow[] {
  return ledger.stmt("SELECT * FROM jobs WHERE run_id = ? AND message_seq = ? ORDER BY ordinal").all(message.run_id, message.seq) as JobRow[];
}

function stepIdsOfJob(ledger: Ledger, jobId: string): string[] {
  return (ledger.stmt(`SELECT s.step_id FROM ${JOB_STEPS} WHERE j.job_id = ? ORDER BY s.ordinal`).all(jobId) as Array<{ step_id: string }>).map(
    (row) => row.step_id,
  );
}

/** Inserts message, job, budget, steps and dependencies; the caller holds the write transaction. */
function insertJob(
  ledger: Ledger,
  message: { runId: string; source: MessageSource; key: string | null; payloadJson: string; payload: unknown },
  job: { intent: string; planHash: string | null; plannerVersion: string | null; maxBytes: number | null; maxSymbols: number | null },
  makeSteps: (jobId: string) => NewStep[],
): { messageId: string; jobId: string; stepIds: string[] } {
  const seq = nextSeq(ledger, message.runId);
  const messageId = messageIdFor({ runId: message.runId, source: message.source, payload: message.payload, idempotencyKey: message.key, seq });
  const createdAt = isoNow(ledger);
  ledger
    .stmt("INSERT INTO messages (message_id, run_id, seq, source, idempotency_key, payload_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
    .run(messageId, message.runId, seq, message.source, message.key, message.payloadJson, createdAt);
  const jobId = jobIdFor(messageId, 1, job.intent, job.planHash);
  const steps = makeSteps(jobId);
  ledger
    .stmt(
      `INSERT INTO jobs (job_id, message_id, run_id, message_seq, ordinal, intent, plan_hash, planner_version, idempotency_key, step_count, created_at)
       VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)`,
    )
    .run(jobId, messageId, message.runId, seq, job.intent, job.planHash, job.plannerVersion, message.key, steps.length, createdAt);
  ledger.stmt("INSERT INTO job_budgets (job_id, max_bytes, max_symbols) VALUES (?, ?, ?)").run(jobId, job.maxBytes, job.maxSymbols);
  const insertStep = ledger.stmt(
    `INSERT INTO steps (step_id, job_id, run_id, message_seq, job_ordinal, ordinal, op, payload_json, status, fencing_token, created_at)
     VALUES (?, ?, ?, ?, 1, ?, ?, ?, 'PENDING', 0, ?)`,
  );
  const insertDep = ledger.stmt("INSERT INTO step_deps (step_id, depends_on_step_id) VALUES (?, ?)");
  const clash = ledger.stmt("SELECT job_id FROM steps WHERE step_id = ?");
  for (const step of steps) {
    const existing = clash.get(step.stepId) as { job_id: string } | undefined;
    if (existing) {
      throw new PlannerError("CAT_PLAN_INVALID", `step id ${step.stepId} already belongs to job ${existing.job_id}`, {
        hint: "step ids are unique across the cassette: derive them from content that includes the run and request ids",
        details: { stepId: step.stepId, jobId: existing.job_id },
      });
    }
    insertStep.run(step.stepId, jobId, message.runId, seq, step.ordinal, step.op, step.payloadJson, createdAt);
  }
  for (const step of steps) for (const dep of step.dependsOn) insertDep.run(step.stepId, dep);
  return { messageId, jobId, stepIds: steps.map((step) => step.stepId) };
}

interface CheckedMessage {
  runId: string;
  source: MessageSource;
  key: string | null;
  payloadJson: string;
  payload: unknown;
  intent: string;
  op: string;
}

function checkMessage(input: PostMessageInput): CheckedMessage {
  const runId = requireNonEmpty(input.runId, "runId");
  if (!MESSAGE_SOURCES.includes(input.source)) {
    throw new CassetteError("CAT_SCHEMA_INVALID", `source must be one of ${MESSAGE_SOURCES.join(", ")}, got ${JSON.stringify(input.source)}`, {
      hint: "pass USER, PLANNER, SYSTEM or WORKER",
    });
  }
  const key = input.idempotencyKey === undefined ? null : requireNonEmpty(input.idempotencyKey, "idempotencyKey");
  if (input.payload === undefined) {
    throw new CassetteError("CAT_SCHEMA_INVALID", "payload is required", { hint: "pass a JSON value as the message payload" });
  }
  const payloadJson = canonicalJson(input.payload);
  const payload = JSON.parse(payloadJson) as unknown;
  const intentValue = (payload as { intent?: unknown } | null)?.intent;
  const intent = typeof intentValue === "string" && intentValue.length > 0 ? intentValue : "message";
  const opValue = (payload as { op?: unknown } | null)?.op;
  const op = typeof opValue === "string" && opValue.length > 0 ? opValue : "MESSAGE";
  return { runId, source: input.source, key, payloadJson, payload, intent, op };
}

/** Inserts one checked message (or finds its idempotent repeat); the caller holds the write transaction. */
function insertMessage(ledger: Ledger, message: CheckedMessage): PostMessageResult {
  const { runId, key, payloadJson } = message;
  if (key !== null) {
    const existing = findMessageByKey(ledger, runId, key);
    if (existing) {
      if (existing.payload_json !== payloadJson || existing.source !== message.source) {
        throw new CassetteError("CAT_IDEMPOTENCY_CONFLICT", `run ${runId} already has a different message with idempotency key ${key}`, {
          hint: "use a new idempotency key for a different message, or repeat the original payload and source",
          details: { messageId: existing.message_id },
        });
      }
      const job = jobsOfMessage(ledger, existing)[0]!;
      return { messageId: existing.message_id, jobId: job.job_id, stepId: stepIdsOfJob(ledger, job.job_id)[0]!, created: false };
    }
  }
  const ids = insertJob(
    ledger,
    { runId, source: message.source, key, payloadJson, payload: message.payload },
    { intent: message.intent, planHash: null, plannerVersion: null, maxBytes: null, maxSymbols: null },
    (jobId) => [{ stepId: messageStepIdFor(jobId), ordinal: 1, op: message.op, payloadJson, dependsOn: [] }],
  );
  return { messageId: ids.messageId, jobId: ids.jobId, stepId: ids.stepIds[0]!, created: true };
}

export function postMessage(ledger: Ledger, input: PostMessageInput): PostMessageResult {
  const message = checkMessage(input);
  return writeTransaction(ledger.db, ledger.logger, () => insertMessage(ledger, message));
}

/** The most messages one postMessages call writes: bounds how long one process holds the write lock. */
const MAX_POST_BATCH = 1000;

/**
 * postMessage for each input, in order, in one transaction: the same rows and ids as posting them one by one;
 * all are written or, on the first error, none is.
 */
export function postMessages(ledger: Ledger, inputs: PostMessageInput[]): PostMessageResult[] {
  if (!Array.isArray(inputs) || inputs.length > MAX_POST_BATCH) {
    throw new CassetteError("CAT_SCHEMA_INVALID", `messages must be an array of at most ${MAX_POST_BATCH}`, { hint: "split the batch" });
  }
  const messages = inputs.map(checkMessage);
  if (messages.length === 0) return [];
  return writeTransaction(ledger.db, ledger.logger, () => messages.map((message) => insertMessage(ledger, message)));
}

function planError(message: string, hint: string): PlannerError {
  return new PlannerError("CAT_PLAN_INVALID", message, { hint });
}

function budgetLimit(value: unknown, name: string): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw planError(`budget.${name} must be a non-negative integer or null, got ${JSON.stringify(value)}`, `fix budget.${name}`);
  }
  return value;
}

function validatePlanSteps(steps: unknown): NewStep[] {
  if (!Array.isArray(steps)) throw planError("steps must be an array", "pass the plan's steps");
  const byId = new Map<string, number>();
  const ordinals = new Set<number>();
  const result: NewStep[] = [];
  for (const [index, raw] of steps.entries()) {
    const step = raw as Partial<PlanStepInput> | null;
    const where = `steps[${index}]`;
    if (typeof step?.stepId !== "string" || step.stepId.length === 0) throw planError(`${where}.stepId must be a non-empty string`, "give every step its id");
    if (typeof step.ordinal !== "number" || !Number.isSafeInteger(step.ordinal) || step.ordinal < 1 || step.ordinal > steps.length) {
      throw planError(`${where}.ordinal must be an integer in 1..${steps.length}, got ${JSON.stringify(step.ordinal)}`, "number the steps 1..n in plan order");
    }
    if (typeof step.op !== "string" || step.op.length === 0) throw planError(`${where}.op must be a non-empty string`, "name the step's operation");
    if (step.payload === undefined) throw planError(`${where}.payload is required`, "pass the step's payload (null if none)");
    if (!Array.isArray(step.dependsOn) || step.dependsOn.some((dep) => typeof dep !== "string")) {
      throw planError(`${where}.dependsOn must be an array of step ids`, "pass [] when the step depends on nothing");
    }
    if (byId.has(step.stepId)) throw planError(`${where}.stepId ${step.stepId} is duplicated`, "step ids are unique within a plan");
    if (ordinals.has(step.ordinal)) throw planError(`${where}.ordinal ${step.ordinal} is duplicated`, "ordinals are unique within a plan");
    byId.set(step.stepId, step.ordinal);
    ordinals.add(step.ordinal);
    result.push({ stepId: step.stepId, ordinal: step.ordinal, op: step.op, payloadJson: canonicalJson(step.payload), dependsOn: [...new Set(step.dependsOn)] });
  }
  for (const step of result) {
    for (const dep of step.dependsOn) {
      const depOrdinal = byId.get(dep);
      if (depOrdinal === undefined) throw planError(`step ${step.stepId} depends on unknown step ${dep}`, "list only step ids of the same plan");
      if (depOrdinal >= step.ordinal) {
        throw planError(`step ${step.stepId} depends on ${dep}, which is not earlier in the plan`, "a step may depend only on steps with a lower ordinal");
      }
    }
  }
  return result.sort((a, b) => a.ordinal - b.ordinal);
}

export function postPlan(ledger: Ledger, input: PostPlanInput): PostPlanResult {
  const runId = requireNonEmpty(input.runId, "runId");
  const key = requireNonEmpty(input.idempotencyKey, "idempotencyKey");
  const intent = requireNonEmpty(input.intent, "intent");
  const planHash = requireNonEmpty(input.planHash, "planHash");
  const plannerVersion = requireNonEmpty(input.plannerVersion, "plannerVersion");
  if (input.request === undefined) throw planError("request is required", "pass the request the plan was made from");
  const steps = validatePlanSteps(input.steps);
  // The plan hash is what claims check each step against (integrity.ts): it must be the hash of these steps.
  const stepsHash = planHashOfPayloads(runId, key, steps.map((step) => step.payloadJson));
  if (stepsHash !== planHash) {
    throw planError(`planHash ${planHash} is not the hash of the plan's steps (${stepsHash})`, "pass planHash(run_id, request_id, steps) of the steps posted");
  }
  const maxBytes = budgetLimit(input.budget?.maxBytes, "maxBytes");
  const maxSymbols = budgetLimit(input.budget?.maxSymbols, "maxSymbols");
  const payloadJson = canonicalJson(input.request);
  const payload = JSON.parse(payloadJson) as unknown;
  return writeTransaction(ledger.db, ledger.logger, () => {
    const existing = findMessageByKey(ledger, runId, key);
    if (existing) {
      const job = jobsOfMessage(ledger, existing)[0];
      if (!job || job.plan_hash !== planHash) {
        throw new PlannerError("CAT_PLAN_MISMATCH", `run ${runId} request ${key} was posted with plan hash ${job?.plan_hash ?? "none"}, not ${planHash}`, {
          hint: "a request id names one plan: use a new request id (idempotency key) for a changed plan",
          details: { jobId: job?.job_id, storedPlanHash: job?.plan_hash ?? null, planHash },
        });
      }
      return { messageId: existing.message_id, jobId: job.job_id, stepIds: stepIdsOfJob(ledger, job.job_id), created: false };
    }
    const ids = insertJob(
      ledger,
      { runId, source: "PLANNER", key, payloadJson, payload },
      { intent, planHash, plannerVersion, maxBytes, maxSymbols },
      () => steps,
    );
    return { ...ids, created: true };
  });
}

export function findJobByRequest(ledger: Ledger, runId: string, idempotencyKey: string): JobRecord | undefined {
  const row = ledger
    .stmt(
      `SELECT j.* FROM messages m JOIN jobs j ON j.run_id = m.run_id AND j.message_seq = m.seq
       WHERE m.run_id = ? AND m.idempotency_key = ? ORDER BY j.ordinal LIMIT 1`,
    )
    .get(runId, idempotencyKey) as JobRow | undefined;
  return row ? toJob(row) : undefined;
}
