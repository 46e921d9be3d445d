// report: the savings figures of a run's receipts (docs/economy.md#the-report) as the report object and its text.
import { InputError, canonicalJson } from "@catalytic/core";
import { buildReport, renderReportText } from "@catalytic/report";
import type { Session } from "../session.js";

export async function reportTool(session: Session, args: { run_id?: string; job_id?: string }): Promise<{ structured: Record<string, unknown>; text: string }> {
  const cap = session.callCap();
  const counter = await session.tokens();
  const runId = session.runFor(args.run_id);
  const report = session.workspace.guard(() =>
    buildReport(session.workspace.cassette(), session.options.root, { run_id: runId, ...(args.job_id !== undefined ? { job_id: args.job_id } : {}) }, counter),
  );
  const tokens = counter.count(canonicalJson(report as never));
  if (tokens > cap) {
    throw new InputError("CAT_OUTPUT_TOO_LARGE", `the report of run ${runId} (${tokens} tokens) does not fit the output cap of ${cap} tokens`, {
      hint: `report one job (job_id), or write the whole report with: catalytic report --run-id ${runId} --html report.html`,
      details: { cap_tokens: cap, tokens },
    });
  }
  session.charge(tokens);
  return { structured: { report, tokens }, text: renderReportText(report).trimEnd() };
}
