// The report object (snake_case, as the CLI's --json and the MCP `report` tool give it): per run and per step the
// receipt metrics and their totals, the whole-file baseline and the ratios (docs/economy.md#the-report).
import { z } from "zod";

const count = (what: string) => z.number().int().min(0).describe(what);
const rate = (what: string) => z.number().min(0).nullable().describe(`${what}; null when the denominator is 0.`);

export const ReportTotalsSchema = z
  .object({
    steps: count("Receipts counted."),
    legacy_steps: count("Receipts written before token metrics: counted in steps, not in any token figure."),
    tokens_in: count("Tokens of every payload expanded (reused ones included)."),
    tokens_reused: count("Part of tokens_in the run had already expanded."),
    tokens_expanded: count("tokens_in - tokens_reused: what the run put into context, each item once."),
    tokens_out: count("Tokens written or produced."),
    bytes_expanded: count("Bytes expanded."),
    expansions: count("Expansions."),
    cache_hits: count("Expansions served by the expansion cache."),
    reused: count("Expansions of content the run had already expanded."),
  })
  .strict();

export const BaselineFileSchema = z
  .object({
    file_path: z.string().describe("Workspace-relative file."),
    tokens: count("Tokens of the whole file."),
    source: z.enum(["prior", "disk"]).describe("prior: the content before the run's first write (from the CAS); disk: the file as it is now."),
  })
  .strict();

export const BaselineSchema = z
  .object({
    tokens: count("Tokens of the whole files touched, each once."),
    files: z.array(BaselineFileSchema).describe("Files touched, sorted by path."),
    missing: z.array(z.string()).describe("Files touched whose whole content could not be read (deleted, not in the CAS)."),
  })
  .strict()
  .describe("Whole-file baseline: what reading every touched file whole would have cost (docs/economy.md#baseline).");

export const ReportStepSchema = z
  .object({
    seq: count("Position in the run (jobs in posting order, receipts in chain order), from 1."),
    job_id: z.string(),
    step_id: z.string(),
    op: z.string(),
    status: z.string(),
    worker_id: z.string(),
    started_at: z.string(),
    duration_ms: count("Wall-clock duration."),
    legacy: z.boolean().describe("Written before token metrics: token fields are null."),
    tokens_in: count("").nullable(),
    tokens_reused: count("").nullable(),
    tokens_expanded: count("").nullable(),
    tokens_out: count("").nullable(),
    bytes_expanded: count(""),
    expansions: count(""),
    cache_hits: count(""),
    reused: count("").nullable(),
    search_k: z.number().int().min(1).nullable(),
    files: z.array(z.string()).describe("Files the step touched (read from or wrote over), sorted."),
    baseline_tokens: count("Tokens of the whole files this step touched (a file counts in every step that touches it)."),
  })
  .strict();

export const ReportRunSchema = z
  .object({
    run_id: z.string(),
    jobs: count("Jobs of the run."),
    steps: z.array(ReportStepSchema),
    totals: ReportTotalsSchema,
    baseline: BaselineSchema,
    ratio: rate("tokens_expanded / baseline.tokens"),
    reuse_rate: rate("reused / expansions"),
    cache_hit_rate: rate("cache_hits / expansions"),
  })
  .strict();

export const ReportSchema = z
  .object({
    report_version: z.literal(1),
    tokenizer: z.object({ name: z.string(), library: z.string(), version: z.string() }).strict().describe("Counted the baseline and new receipts."),
    runs: z.array(ReportRunSchema).describe("Runs in id order."),
    totals: ReportTotalsSchema.describe("Over every run."),
    baseline_tokens: count("Sum of the runs' baselines."),
    ratio: rate("totals.tokens_expanded / baseline_tokens"),
    reuse_rate: rate("totals.reused / totals.expansions"),
    cache_hit_rate: rate("totals.cache_hits / totals.expansions"),
  })
  .strict()
  .describe("Catalytic savings report over the receipts of one run or all runs.");

export type ReportTotals = z.infer<typeof ReportTotalsSchema>;
export type Baseline = z.infer<typeof BaselineSchema>;
export type ReportStep = z.infer<typeof ReportStepSchema>;
export type ReportRun = z.infer<typeof ReportRunSchema>;
export type Report = z.infer<typeof ReportSchema>;
