// Every expansion an MCP client receives leaves a receipt in the cassette: the call is posted as a
// one-step message of the session's run, claimed and committed at once by the server, so the ledger
// (and `catalytic report`) sees what an agent read exactly as it sees what ants read.
import { ReceiptSchema, TOKENIZER, type PlanStepOp, type ReceiptExpansion } from "@catalytic/core";
import type { Session } from "./session.js";

/** Worker id the server commits its receipts under. */
export const MCP_WORKER_ID = "mcp-server";
const LEASE_SECONDS = 60;

export interface ExpansionRecord {
  tool: string;
  op: Extract<PlanStepOp, "READ_SYMBOL" | "READ_SECTION">;
  runId: string;
  /** What was delivered, in order (one item for resolve and get_section, every item of a bundle). */
  expansions: ReceiptExpansion[];
  /** Tokens delivered to the client by this call (o200k_base). */
  tokens: number;
  /** Tool arguments worth keeping (ref, slice, page), and results worth keeping (bundle id and hash). */
  request: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

export interface RecordedReceipt {
  receipt_id: string;
  job_id: string;
  step_id: string;
}

export function recordExpansion(session: Session, record: ExpansionRecord): RecordedReceipt {
  const startedAt = new Date();
  const cassette = session.workspace.cassette();
  const posted = cassette.postMessage({
    runId: record.runId,
    source: "USER",
    payload: { op: record.op, intent: `mcp ${record.tool}`, tool: record.tool, request: record.request },
  });
  const claimed = cassette.claimNextStep(record.runId, posted.jobId, MCP_WORKER_ID, LEASE_SECONDS);
  if (!claimed) throw new Error(`the step ${posted.stepId} just posted could not be claimed`);
  const finishedAt = new Date();
  const receipt = ReceiptSchema.parse({
    run_id: record.runId,
    job_id: posted.jobId,
    step_id: claimed.stepId,
    op: record.op,
    status: "SUCCESS",
    worker_id: MCP_WORKER_ID,
    fencing_token: claimed.fencingToken,
    expanded: record.expansions,
    actions: record.expansions.map((e) => ({ type: "READ", target: e.id, status: "SUCCESS" })),
    outputs: { ...record.outputs, tool: record.tool, tokens: record.tokens, tokenizer: TOKENIZER.name },
    timings: { started_at: startedAt.toISOString(), finished_at: finishedAt.toISOString(), duration_ms: finishedAt.getTime() - startedAt.getTime() },
    metrics: {
      bytes_expanded: record.expansions.reduce((sum, e) => sum + e.bytes, 0),
      expansions: record.expansions.length,
      cache_hits: record.expansions.filter((e) => e.cache_hit).length,
      estimated_tokens: record.tokens,
    },
  });
  const { receiptId } = cassette.completeStep({
    runId: record.runId,
    stepId: claimed.stepId,
    workerId: MCP_WORKER_ID,
    fencingToken: claimed.fencingToken,
    receipt,
    outcome: "SUCCESS",
  });
  return { receipt_id: receiptId, job_id: posted.jobId, step_id: claimed.stepId };
}
