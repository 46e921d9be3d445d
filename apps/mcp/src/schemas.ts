// Input and output schemas of the tools. Contract objects (Section, plan request and output, Receipt)
// come from core's zod contract; the rest is the tools' own envelope, in the contract's snake_case.
import { z } from "zod";
import { BundleSchema, ID_PATTERN, PlanOutputSchema, PlanRequestSchema, ReceiptSchema, SectionSchema } from "@catalytic/core";
import { MAX_WORKERS } from "@catalytic/ants";
import { ReportSchema } from "@catalytic/report";
import { MAX_K } from "./defaults.js";

const id = (what: string) => z.string().regex(ID_PATTERN, `${what} must match ${String(ID_PATTERN)}`);

const runId = id("run_id").describe("Run the call's receipts go to (default: the session's run).");
const cursor = z.string().min(1).describe("next_cursor of a truncated result: continues it (same arguments).");
const paging = {
  truncated: z.boolean().describe("True when the output cap cut the result; next_cursor continues it."),
  next_cursor: z.string().optional().describe("Pass as `cursor` with the same arguments to get the rest."),
  tokens: z.number().int().nonnegative().describe("Tokens (o200k_base) of what this call returned."),
};
const receiptRef = z
  .object({ receipt_id: z.string(), job_id: z.string(), step_id: z.string() })
  .describe("The receipt this call left in the cassette.");

export const SearchInput = {
  query: z.string().min(1).describe("Words to look for in headings, symbols and bodies."),
  k: z.number().int().min(1).max(MAX_K).optional().describe(`Number of hits (default 10, at most ${MAX_K}).`),
  run_id: runId.optional(),
  cursor: cursor.optional(),
};

const SearchHitSchema = z.object({
  section_id: z.string(),
  ref: z.string().nullable().describe("A symbol id naming the section, to pass to resolve; null when none does (use get_section)."),
  symbols: z.array(z.string()),
  file_path: z.string(),
  line_start: z.number().int(),
  line_end: z.number().int(),
  heading_path: z.array(z.string()),
  score: z.number(),
  snippet: z.string(),
  tokens: z.number().int().nonnegative().nullable().describe("Tokens of the whole section (what reading all of it costs); null when its file changed since the build."),
});

export const SearchOutput = {
  run_id: z.string(),
  query: z.string(),
  k: z.number().int(),
  index_hash: z.string(),
  retrieval_receipt_id: z.number().int().describe("Retrieval receipt the search stored in the index."),
  hits: z.array(SearchHitSchema),
  ...paging,
};

const expansionFields = {
  run_id: z.string(),
  section: SectionSchema,
  slice: z.string().describe("The bounded slice applied (recorded even when it came from a default)."),
  slice_source: z.enum(["explicit", "symbol_default", "config_default"]),
  payload: z.string().describe("The bounded content (this page of it when truncated)."),
  payload_hash: z.string().describe("sha256 of the whole bounded payload (all pages)."),
  bytes: z.number().int().nonnegative().describe("UTF-8 bytes of the whole bounded payload."),
  cache_hit: z.boolean(),
  tokenizer: z.string(),
  receipt: receiptRef,
  ...paging,
};

export const ResolveInput = {
  ref: z.string().min(1).describe("@NS/NAME, optionally #slug and :slice, e.g. @CANON/guide#setup:lines[0:20]."),
  slice: z.string().min(1).optional().describe("lines[a:b], chars[a:b], head(n) or tail(n); ALL is refused. Default: the symbol's, else the configured bound."),
  run_id: runId.optional(),
  cursor: cursor.optional(),
};

export const ResolveOutput = {
  symbol_id: z.string(),
  reference: z.string(),
  ...expansionFields,
};

export const GetSectionInput = {
  section_id: z.string().regex(/^[0-9a-f]{64}$/, "a section id is 64 lowercase hex digits").describe("A section id (from search or resolve)."),
  slice: ResolveInput.slice,
  run_id: runId.optional(),
  cursor: cursor.optional(),
};

export const GetSectionOutput = expansionFields;

export const BundleInput = {
  intent: z.string().min(1).describe("What the context is for; @NS/NAME refs written in it are always included."),
  budget_tokens: z.number().int().min(1).optional().describe("max_tokens of the bundle (default: 4000, or 80% of the output cap if less)."),
  refs: z.array(z.string().min(1)).max(MAX_K).optional().describe("Refs to include (@NS/NAME[#slug][:slice]), always, bounded by their slice or default."),
  k: z.number().int().min(1).max(MAX_K).optional().describe("Search candidates to consider (default 10)."),
  run_id: runId.optional(),
};

export const BundleOutput = {
  run_id: z.string(),
  bundle: BundleSchema,
  pack: z.string().describe("The rendered context pack (Markdown): totals, then each item with its provenance line."),
  receipt: receiptRef,
  tokens: paging.tokens,
};

export const PlanInput = {
  request: PlanRequestSchema.extend({ run_id: id("run_id").optional().describe("Run of the plan (default: the session's run).") }).describe(
    "A plan request (docs/schemas/plan_request.schema.json); run_id defaults to the session's run.",
  ),
  dry_run: z.boolean().optional().describe("Compile only; write nothing (default false)."),
};

export const PlanOutput = {
  dry_run: z.boolean(),
  plan: PlanOutputSchema,
  posted: z
    .object({ job_id: z.string(), message_id: z.string(), step_ids: z.array(z.string()), created: z.boolean() })
    .optional()
    .describe("The job the plan was posted as (absent for a dry run)."),
};

export const ExecuteInput = {
  run_id: id("run_id").describe("Run of the job."),
  job_id: id("job_id").describe("Job to execute (from plan)."),
  workers: z.number().int().min(1).max(MAX_WORKERS).optional().describe("Number of ants (worker processes), default 2."),
};

const jobStatusSchema = z.object({
  step_count: z.number().int(),
  pending: z.number().int(),
  leased: z.number().int(),
  committed: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
});

export const ExecuteOutput = {
  run_id: z.string(),
  job_id: z.string(),
  exit_code: z.number().int().describe("0 all done, 1 a step failed, 2 invariant or database error."),
  status: jobStatusSchema,
  workers: z.array(z.object({ worker_id: z.string(), exit_code: z.number().int().nullable() })),
  manifest: z.string().describe("Workspace-relative path of the spawn manifest."),
};

export const ReceiptsInput = {
  run_id: runId.optional().describe("Run whose receipts to list (default: the session's run)."),
  job_id: id("job_id").optional().describe("Only this job's receipts."),
  cursor: cursor.optional(),
};

const StoredReceiptSchema = z.object({
  receipt_id: z.string(),
  job_id: z.string(),
  step_id: z.string(),
  outcome: z.string(),
  job_seq: z.number().int(),
  receipt_hash: z.string(),
  created_at: z.string(),
  receipt: ReceiptSchema,
});

export const ReceiptsOutput = {
  run_id: z.string(),
  job_id: z.string().optional(),
  receipts: z.array(StoredReceiptSchema),
  ...paging,
};

export const ReportInput = {
  run_id: runId.optional().describe("Run to report (default: the session's run)."),
  job_id: id("job_id").optional().describe("Only this job's steps (reuse still counts the run's other jobs)."),
};

export const ReportOutput = {
  report: ReportSchema,
  tokens: paging.tokens,
};

export const VerifyOutput = {
  ok: z.boolean(),
  cassette: z.object({ ok: z.boolean(), checks: z.array(z.string()), issues: z.array(z.object({ check: z.string(), message: z.string() })) }),
  index: z.object({
    built: z.boolean(),
    index_hash: z.string().nullable(),
    files: z.number().int(),
    sections: z.number().int(),
    symbols: z.number().int(),
    problems: z.array(z.object({ code: z.string(), message: z.string(), file: z.string(), line: z.number().int(), symbol_id: z.string().optional() })),
  }),
};
