// plan and execute (they write: refused in read-only mode) and receipts (reads the ledger).
import path from "node:path";
import { CassetteError, UsageError, toPosixRelative } from "@catalytic/core";
import { spawnAnts } from "@catalytic/ants";
import type { ReceiptRecord } from "@catalytic/cassette";
import { planInWorkspace } from "@catalytic/planner";
import { DEFAULT_WORKERS } from "../defaults.js";
import { cursorKey, decodeCursor, encodeCursor, fitList } from "../paging.js";
import type { Session } from "../session.js";

function refuseReadOnly(session: Session, tool: string): void {
  if (!session.options.readOnly) return;
  throw new UsageError("CAT_READ_ONLY", `${tool} is refused: this server is read-only`, {
    hint: "plan and execute need a server started without --read-only (and bound to a loopback address)",
    details: { tool },
  });
}

export function planTool(session: Session, args: { request: Record<string, unknown>; dry_run?: boolean }): { structured: Record<string, unknown>; text: string } {
  refuseReadOnly(session, "plan");
  const dryRun = args.dry_run ?? false;
  const request = { ...args.request, run_id: (args.request.run_id as string | undefined) ?? session.runId };
  const result = planInWorkspace(session.options.root, request, { dryRun });
  const posted = result.posted
    ? { job_id: result.posted.jobId, message_id: result.posted.messageId, step_ids: result.posted.stepIds, created: result.posted.created }
    : undefined;
  const lines = [
    posted
      ? `${posted.created ? "posted" : "already posted"}: job ${posted.job_id} (run ${result.plan.run_id}, request ${result.plan.request_id})`
      : `dry run: plan of request ${result.plan.request_id} (run ${result.plan.run_id}), nothing written`,
    `plan hash ${result.plan.plan_hash}, ${result.plan.steps.length} step(s)`,
    ...result.plan.steps.map((step) => `  ${String(step.ordinal).padStart(3)} ${step.step_id} ${step.op}`),
  ];
  if (posted) lines.push(`execute it with: execute {"run_id": "${result.plan.run_id}", "job_id": "${posted.job_id}"}`);
  return { structured: { dry_run: dryRun, plan: result.plan, ...(posted ? { posted } : {}) }, text: lines.join("\n") };
}

export async function executeTool(session: Session, args: { run_id: string; job_id: string; workers?: number }): Promise<{ structured: Record<string, unknown>; text: string }> {
  refuseReadOnly(session, "execute");
  const root = session.options.root;
  const result = await spawnAnts({
    root,
    runId: args.run_id,
    jobId: args.job_id,
    workers: args.workers ?? DEFAULT_WORKERS,
    ...(session.options.cliPath ? { cliPath: session.options.cliPath } : {}),
  });
  // Ants may have written sources: re-index (unchanged files cost a stat) so reads see the new sections; their
  // receipts are new expansions of the run.
  session.workspace.guard(() => session.workspace.index().build());
  session.forgetRuns();
  const { status } = result;
  const summary = {
    step_count: status.stepCount,
    pending: status.pending,
    leased: status.leased,
    committed: status.committed,
    succeeded: status.outcomes.SUCCESS,
    failed: status.outcomes.FAILURE,
  };
  if (result.exitCode !== 0) {
    const failed = result.exitCode === 1;
    throw new CassetteError(
      failed ? "CAT_STEP_FAILED" : "CAT_INVARIANT",
      failed ? `${summary.failed} step(s) of job ${args.job_id} failed` : `an ant of job ${args.job_id} stopped on an invariant or database error`,
      {
        hint: failed ? `read the failed receipts: receipts {"job_id": "${args.job_id}"}` : `see stderrTail in ${toPosixRelative(root, result.manifest)}`,
        details: { status: summary, exit_code: result.exitCode },
      },
    );
  }
  return {
    structured: {
      run_id: args.run_id,
      job_id: args.job_id,
      exit_code: result.exitCode,
      status: summary,
      workers: result.workers.map((w) => ({ worker_id: w.workerId, exit_code: w.exitCode })),
      manifest: toPosixRelative(root, path.resolve(result.manifest)),
    },
    text: `job ${args.job_id}: ${summary.committed}/${summary.step_count} committed (${summary.succeeded} succeeded, ${summary.failed} failed) by ${result.workers.length} ant(s)`,
  };
}

function storedReceipt(record: ReceiptRecord): Record<string, unknown> {
  return {
    receipt_id: record.receiptId,
    job_id: record.jobId,
    step_id: record.stepId,
    outcome: record.outcome,
    job_seq: record.jobSeq,
    receipt_hash: record.receiptHash,
    created_at: record.createdAt,
    receipt: record.receipt,
  };
}

export async function receiptsTool(session: Session, args: { run_id?: string; job_id?: string; cursor?: string }): Promise<{ structured: Record<string, unknown>; text: string }> {
  const cap = session.callCap();
  const counter = await session.tokens();
  const runId = session.runFor(args.run_id);
  const records = session.workspace.guard(() => {
    const cassette = session.workspace.cassette();
    if (args.job_id !== undefined) {
      const job = cassette.getJob(args.job_id);
      if (!job || job.runId !== runId) {
        throw new CassetteError("CAT_JOB_NOT_FOUND", `no job ${args.job_id} in run ${runId}`, {
          hint: args.run_id === undefined ? "pass the job's run_id (the default is this session's run)" : "check the ids returned by plan",
          details: { run_id: runId, job_id: args.job_id },
        });
      }
      return cassette.listReceipts(args.job_id);
    }
    return cassette.listJobs(runId).flatMap((job) => cassette.listReceipts(job.jobId));
  });
  const items = records.map(storedReceipt);
  const last = records.at(-1)?.receiptHash ?? "";
  const key = cursorKey({ run_id: runId, job_id: args.job_id ?? null }, `${records.length}:${last}`);
  const offset = decodeCursor(args.cursor, "receipts", key);
  const page = fitList(items, offset, cap, counter, "list one job's receipts (job_id)");
  session.charge(page.tokens);
  const next = page.next !== undefined ? encodeCursor("receipts", key, page.next) : undefined;
  const lines = page.value.map((item) => {
    const receipt = item.receipt as { op?: string; metrics?: { tokens_in?: number } };
    const tokens = receipt.metrics?.tokens_in !== undefined ? ` ${receipt.metrics.tokens_in} tokens in` : "";
    return `${item.receipt_id} ${String(item.outcome)} ${receipt.op ?? "?"}${tokens} step ${String(item.step_id)} job ${String(item.job_id)}`;
  });
  lines.unshift(`${records.length} receipt(s) in run ${runId}${args.job_id ? `, job ${args.job_id}` : ""}`);
  if (next) lines.push(`[truncated at the output cap: call receipts again with the same arguments and cursor "${next}"]`);
  return {
    structured: { run_id: runId, ...(args.job_id ? { job_id: args.job_id } : {}), receipts: page.value, truncated: page.truncated, ...(next ? { next_cursor: next } : {}), tokens: page.tokens },
    text: lines.join("\n"),
  };
}
