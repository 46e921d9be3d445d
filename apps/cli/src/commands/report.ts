// `catalytic report [--run-id R] [--job-id J] [--html FILE]`: the savings figures of the receipts
// (docs/economy.md#the-report): per run and step, tokens expanded against the whole files touched.
import path from "node:path";
import { loadTokenCounter } from "@catalytic/core";
import { writeFileAtomic } from "@catalytic/indexer";
import { stringOption } from "../args.js";
import type { Command } from "../command.js";
import { openExisting, withCassette } from "./cassette.js";

const report: Command = {
  name: "report",
  summary: "Token economy of runs: expanded vs whole-file baseline, reuse, cache hits (text, JSON, HTML)",
  options: {
    "run-id": { type: "string", description: "one run", defaultText: "every run" },
    "job-id": { type: "string", description: "one job (its run's reuse still counts)" },
    html: { type: "string", description: "also write a self-contained HTML page (charts and tables) to FILE" },
  },
  details:
    "Tokens of each step come from its receipt (o200k_base); the baseline is the whole files the run touched, counted now with the same tokenizer. " +
    "Receipts written before token metrics are listed as legacy, without token figures.",
  async run(ctx, args) {
    const runId = stringOption(args, "run-id");
    const jobId = stringOption(args, "job-id");
    const htmlFile = stringOption(args, "html");
    // Loaded only here (like the MCP server): its zod schemas would otherwise be built at every command's start.
    const { buildReport, renderReportHtml, renderReportText } = await import("@catalytic/report");
    const counter = await loadTokenCounter();
    const result = withCassette(openExisting(ctx), (cassette) =>
      buildReport(cassette, ctx.root, { ...(runId !== undefined ? { run_id: runId } : {}), ...(jobId !== undefined ? { job_id: jobId } : {}) }, counter),
    );
    const target = htmlFile !== undefined ? path.resolve(htmlFile) : undefined;
    if (target) writeFileAtomic(target, renderReportHtml(result), "pass --html a file in a writable folder");
    ctx.emitJson({ ok: true, report: result, ...(target ? { html_file: target } : {}) });
    for (const line of renderReportText(result).trimEnd().split("\n")) ctx.print(line);
    if (target) ctx.note(`wrote ${target}`);
    return 0;
  },
};

export const reportCommands: readonly Command[] = [report];
