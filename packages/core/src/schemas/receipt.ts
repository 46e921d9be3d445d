// Receipt: the immutable record of one executed step (docs/contract.md "Receipt", docs/ants.md).
import { z } from "zod";
import { countAtLeast, nonEmptyString, sha256Hex, sliceText } from "./common.js";
import { OUTCOMES } from "../protocol.js";
import { PlanStepOpSchema } from "./plan.js";

export const ReceiptStatusSchema = z.enum(OUTCOMES).describe("Outcome of the step (the ledger records the same outcome).");

export const ReceiptExpansionSchema = z
  .object({
    kind: z.enum(["symbol", "section", "file"]).describe("What was expanded."),
    id: nonEmptyString("Symbol id, section id or workspace-relative file path."),
    slice: sliceText("Slice applied (bounded; recorded even when it came from a default).").optional(),
    section_id: sha256Hex("Section the content came from, when it came from a section.").optional(),
    content_hash: sha256Hex("sha256 of the expanded content."),
    bytes: countAtLeast(0, "UTF-8 bytes expanded."),
    cache_hit: z.boolean().describe("Whether the expansion cache served the payload."),
    file_path: nonEmptyString("Workspace-relative file the content came from (new in receipts with token metrics).").optional(),
    tokens: countAtLeast(0, "Tokens of the expanded content (docs/contract.md#tokens; new in receipts with token metrics).").optional(),
    reused: z.boolean().describe("Whether the run had already expanded this content (same content_hash) before this step.").optional(),
  })
  .strict()
  .describe("One bounded expansion made by the step.");

export const ReceiptActionSchema = z
  .object({
    type: z.enum(["READ", "WRITE", "EXECUTE"]).describe("What the action did."),
    target: nonEmptyString("What it acted on: symbol id, section id, file path or test name."),
    status: z.enum(["SUCCESS", "FAILURE"]).describe("Outcome of the action."),
    result: z.unknown().describe("Action result (JSON), e.g. a test's exit code and output tail.").optional(),
    before_hash: sha256Hex("sha256 of the file before a write; absent when the file did not exist.").optional(),
    after_hash: sha256Hex("sha256 of the file after a write.").optional(),
    prior_content_ref: nonEmptyString("Content-store key of the file's prior content, so the run can be restored.").optional(),
  })
  .strict()
  .describe("One action taken by the step.");

export const ReceiptErrorSchema = z
  .object({
    code: z.string().regex(/^CAT_[A-Z0-9_]+$/, "expected a CAT_ error code").describe("Stable error code, e.g. CAT_TEST_FAILED."),
    message: nonEmptyString("What went wrong."),
  })
  .strict()
  .describe("Why the step failed.");

export const ReceiptTimingsSchema = z
  .object({
    started_at: z.iso.datetime().describe("When execution started (ISO 8601, UTC)."),
    finished_at: z.iso.datetime().describe("When execution finished (ISO 8601, UTC)."),
    duration_ms: countAtLeast(0, "Wall-clock duration in milliseconds."),
  })
  .strict()
  .describe("Timings of the step (never part of any hash).");

export const ReceiptTokenizerSchema = z
  .object({
    name: nonEmptyString("Encoding, e.g. o200k_base."),
    library: nonEmptyString("Library that counted, e.g. gpt-tokenizer."),
    version: nonEmptyString("Version of the library."),
  })
  .strict()
  .describe("The tokenizer that counted the tokens (docs/contract.md#tokens).");

/** Metrics of receipts written since token counting (docs/economy.md#per-step-metrics); every field is always present. */
export const ReceiptTokenMetricsSchema = z
  .object({
    tokens_in: countAtLeast(0, "Tokens of every payload the step expanded (reused ones included)."),
    tokens_out: countAtLeast(0, "Tokens of what the step wrote or produced: written or patched content, test output tail, note."),
    tokens_reused: countAtLeast(0, "Part of tokens_in whose content the run had already expanded (counted once per run)."),
    bytes_expanded: countAtLeast(0, "Sum of bytes over `expanded`."),
    expansions: countAtLeast(0, "Number of expansions."),
    cache_hits: countAtLeast(0, "Expansions served by the expansion cache."),
    reused: countAtLeast(0, "Expansions whose content the run had already expanded (memoized items)."),
    search_k: countAtLeast(1, "k of the search that proposed the step's items; null for steps not driven by a search.").nullable(),
    tokenizer: ReceiptTokenizerSchema,
  })
  .strict()
  .describe("Counters of the step, tokens by the core tokenizer.");

/** Metrics of receipts written before token counting: still read and verified, never written. */
export const ReceiptLegacyMetricsSchema = z
  .object({
    bytes_expanded: countAtLeast(0, "Sum of bytes over `expanded`."),
    expansions: countAtLeast(0, "Number of expansions."),
    cache_hits: countAtLeast(0, "Expansions served by the cache."),
    estimated_tokens: countAtLeast(0, "ceil(bytes_expanded / 4): the estimate of the first receipts."),
  })
  .strict()
  .describe("Counters of a receipt written before token metrics (read only).");

export const ReceiptMetricsSchema = z
  .union([ReceiptTokenMetricsSchema, ReceiptLegacyMetricsSchema])
  .describe("Counters of the step: token metrics, or the legacy shape of older receipts.");

export const ReceiptSchema = z
  .object({
    run_id: nonEmptyString("Run of the job."),
    job_id: nonEmptyString("Job the step belongs to."),
    step_id: nonEmptyString("The executed step."),
    op: PlanStepOpSchema,
    status: ReceiptStatusSchema,
    worker_id: nonEmptyString("Worker (ant) that executed the step."),
    fencing_token: countAtLeast(0, "Fencing token of the lease the worker held."),
    expanded: z.array(ReceiptExpansionSchema).default([]).describe("Expansions made, in order. Default: []."),
    actions: z.array(ReceiptActionSchema).default([]).describe("Actions taken, in order. Default: []."),
    outputs: z.record(z.string(), z.unknown()).default({}).describe("Output identifier -> value. Default: {}."),
    error: ReceiptErrorSchema.optional(),
    timings: ReceiptTimingsSchema,
    metrics: ReceiptMetricsSchema,
  })
  .strict()
  .refine((receipt) => receipt.status !== "FAILURE" || receipt.error !== undefined, {
    path: ["error"],
    message: "a FAILURE receipt must say why (error)",
  })
  .describe("Catalytic Receipt: the append-only record of one executed step.");

export type ReceiptStatus = z.infer<typeof ReceiptStatusSchema>;
export type ReceiptExpansion = z.infer<typeof ReceiptExpansionSchema>;
export type ReceiptAction = z.infer<typeof ReceiptActionSchema>;
export type Receipt = z.infer<typeof ReceiptSchema>;
export type ReceiptInput = z.input<typeof ReceiptSchema>;
export type ReceiptTokenMetrics = z.infer<typeof ReceiptTokenMetricsSchema>;
export type ReceiptLegacyMetrics = z.infer<typeof ReceiptLegacyMetricsSchema>;
export type ReceiptMetrics = z.infer<typeof ReceiptMetricsSchema>;

/** Whether a receipt's metrics carry token counts (receipts written before token counting do not). */
export function hasTokenMetrics(metrics: ReceiptMetrics): metrics is ReceiptTokenMetrics {
  return "tokens_in" in metrics;
}
