// Every expansion an MCP client receives leaves a receipt in the cassette: the call is posted as a
// one-step message of the session's run, claimed and committed at once by the server, so the ledger
// (and `catalytic report`) sees what an agent read exactly as it sees what ants read: per-expansion
// tokens and reuse, and the step's token metrics (docs/economy.md#per-step-metrics).
import { ReceiptSchema, type PlanStepOp, type ReceiptExpansion, type TokenCounter } from "@catalytic/core";
import type { Session } from "./session.js";

/** Worker id the server commits its receipts under. */
const MCP_WORKER_ID = "mcp-server";
const LEASE_SECONDS = 60;

/** One expansion delivered to the client; tokens and reuse are filled in when the receipt is written. */
type Delivered = Omit<ReceiptExpansion, "tokens" | "reused"> & { tokens: number };

interface ExpansionRecord {
  tool: string;
  op: Extract<PlanStepOp, "READ_SYMBOL" | "READ_SECTION">;
  runId: string;
  /** What was delivered, in order (one item for resolve and get_section, every new item of a bundle). */
  expansions: Delivered[];
  /** Tokens of everything the call returned (a bundle's pack includes its provenance lines). */
  tokens: number;
  /** k of the search that chose the items (bundle), else null. */
  searchK: number | null;
  /** Tool arguments worth keeping (ref, slice, page), and results worth keeping (bundle id and hash). */
  request: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

export interface RecordedReceipt {
  receipt_id: string;
  job_id: string;
  step_id: string;
}

export function recordExpansion(session: Session, counter: TokenCounter, record: ExpansionRecord): RecordedReceipt {
  const startedAt = new Date();
  const cassette = session.workspace.cassette();
  const seen = session.expandedIn(record.runId);
  const expanded = record.expansions.map((e, i) => ({
    ...e,
    reused: seen.hashes.has(e.content_hash) || record.expansions.slice(0, i).some((earlier) => earlier.content_hash === e.content_hash),
  }));
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
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
    expanded,
    actions: expanded.map((e) => ({ type: "READ", target: e.id, status: "SUCCESS" })),
    outputs: { ...record.outputs, tool: record.tool, tokens: record.tokens },
    timings: { started_at: startedAt.toISOString(), finished_at: finishedAt.toISOString(), duration_ms: finishedAt.getTime() - startedAt.getTime() },
    metrics: {
      tokens_in: sum(expanded.map((e) => e.tokens)),
      tokens_out: 0,
      tokens_reused: sum(expanded.filter((e) => e.reused).map((e) => e.tokens)),
      bytes_expanded: sum(expanded.map((e) => e.bytes)),
      expansions: expanded.length,
      cache_hits: expanded.filter((e) => e.cache_hit).length,
      reused: expanded.filter((e) => e.reused).length,
      search_k: record.searchK,
      tokenizer: { ...counter.info },
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
  seen.add(expanded);
  return { receipt_id: receiptId, job_id: posted.jobId, step_id: claimed.stepId };
}
