// Custom LSP methods between the language server and its clients (the VS Code extension, or any editor).
// Plain types and method names only: no runtime dependency, so every front end can share them.

/**
 * How a committed step ended: the ledger's `receipts.outcome` column and the receipt document's `status`, one
 * vocabulary (docs/contract.md "Receipt", docs/cassette.md).
 */
export const OUTCOMES = ["SUCCESS", "FAILURE", "ABORTED"] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** A receipt as the ledger holds it: the receipt document inside its chain fields (docs/cassette.md). */
export interface LedgerReceipt<Document = unknown> {
  receiptId: string;
  stepId: string;
  jobId: string;
  runId: string;
  workerId: string;
  fencingToken: number;
  outcome: Outcome;
  /** The receipt document (see docs/schemas/receipt.schema.json). */
  receipt: Document;
  prevReceiptHash: string | null;
  receiptHash: string;
  createdAt: string;
}

export const CatalyticMethods = {
  indexStatus: "catalytic/indexStatus",
  buildIndex: "catalytic/buildIndex",
  listSymbols: "catalytic/listSymbols",
  resolveSymbol: "catalytic/resolveSymbol",
  listRuns: "catalytic/listRuns",
  listJobs: "catalytic/listJobs",
  listSteps: "catalytic/listSteps",
  getReceipt: "catalytic/getReceipt",
  jobProgress: "catalytic/jobProgress",
  planRequest: "catalytic/planRequest",
  executeJob: "catalytic/executeJob",
  verifyCassette: "catalytic/verifyCassette",
  restoreRun: "catalytic/restoreRun",
  /** Text of one content-store (CAS) object, e.g. a file before/after a write (the receipt view's diff). */
  readCas: "catalytic/readCas",
  /** The plan a job was posted with: the stored request, its steps and plan hash (the extension's Open Plan). */
  getPlan: "catalytic/getPlan",
  /** The savings report of a run or job (docs/economy.md#the-report) and its page for a webview. */
  report: "catalytic/report",
  /** The smallest context for an intent (docs/bundles.md): the bundle and its Markdown context pack. */
  bundle: "catalytic/bundle",
} as const;

export const CatalyticNotifications = {
  /** Server -> client: the cassette changed (new receipts or step transitions). */
  jobsChanged: "catalytic/jobsChanged",
  /** Server -> client: index state changed (indexing, ready, errors). */
  indexStatus: "catalytic/indexStatusChanged",
} as const;

/** Errors from custom requests carry the CatalyticError JSON in `data`. */
export interface ProtocolErrorData {
  code: string;
  message: string;
  hint: string;
  details?: Record<string, unknown>;
}

export interface IndexStatus {
  state: "starting" | "indexing" | "ready" | "error";
  files: number;
  sections: number;
  symbols: number;
  /** Number of problems (diagnostics) across the workspace. */
  problems: number;
  indexHash?: string;
  message?: string;
}

export interface SymbolSummary {
  symbolId: string;
  targetType: "FILE" | "HEADING" | "SECTION";
  targetRef: string;
  file?: string;
  lineStart?: number;
  lineEnd?: number;
  stale: boolean;
}

export interface ListSymbolsParams {
  prefix?: string;
}

export interface ResolveSymbolParams {
  /** A reference such as `@CANON/AGREEMENT#scope:lines[0:20]` or a bare symbol id. */
  reference: string;
  slice?: string;
  runId?: string;
}

export interface ResolveSymbolResult {
  symbolId: string;
  sectionId: string;
  file: string;
  lineStart: number;
  lineEnd: number;
  headingPath: string[];
  slice: string;
  sliceSource: "explicit" | "symbol_default" | "config_default";
  contentHash: string;
  bytes: number;
  payload: string;
  cacheHit: boolean;
}

export interface RunSummary {
  runId: string;
  jobs: number;
  steps: number;
  committed: number;
  lastActivityAt: string | null;
}

export interface StepCounts {
  pending: number;
  leased: number;
  committed: number;
  success: number;
  failure: number;
  aborted: number;
}

export interface JobSummary {
  jobId: string;
  runId: string;
  requestId: string | null;
  intent: string;
  planHash: string | null;
  stepCount: number;
  counts: StepCounts;
  createdAt: string;
}

export interface ListJobsParams {
  runId?: string;
}

export interface StepSummary {
  stepId: string;
  jobId: string;
  ordinal: number;
  op: string;
  /** Short human label: the symbol, file or test the step works on. */
  label: string;
  status: "PENDING" | "LEASED" | "COMMITTED";
  outcome: Outcome | null;
  leaseOwner: string | null;
  fencingToken: number;
  receiptId: string | null;
  dependsOn: string[];
}

export interface ListStepsParams {
  jobId: string;
}

export interface GetReceiptParams {
  receiptId?: string;
  stepId?: string;
}

export interface ReceiptView extends LedgerReceipt<Record<string, unknown>> {
  /** Expanded items with the place to open them in the editor, when known. */
  locations: Array<{ id: string; file: string; lineStart: number; lineEnd: number }>;
}

export interface JobProgressParams {
  jobId: string;
}

export interface JobProgress {
  jobId: string;
  runId: string;
  counts: StepCounts;
  total: number;
  workers: Array<{ workerId: string; committed: number; current: string | null }>;
  bytesExpanded: number;
  /** Tokens the job's receipts put into context (tokens_in - tokens_reused), each item once. */
  tokensExpanded: number;
  /** Once the job is done: the whole files it touched in tokens and expanded / baseline (null when the baseline is 0). */
  savings: { baselineTokens: number; ratio: number | null } | null;
  startedAt: string | null;
  elapsedMs: number;
  failures: Array<{ stepId: string; op: string; label: string; error: string }>;
  done: boolean;
}

export interface PlanRequestParams {
  /** Path of the request JSON: absolute, or relative to the workspace root. */
  requestFile: string;
  dryRun: boolean;
}

export interface PlanRequestResult {
  /** The plan output (docs/schemas/plan_output.schema.json). */
  plan: { run_id: string; request_id: string; plan_hash: string; steps: unknown[]; [key: string]: unknown };
  posted?: { jobId: string; messageId: string; stepIds: string[]; created: boolean };
}

export interface ExecuteJobParams {
  runId: string;
  jobId: string;
  workers: number;
  continueOnFail?: boolean;
}

export interface ExecuteJobResult {
  exitCode: number;
  workers: Array<{ workerId: string; exitCode: number | null }>;
  manifest: string;
}

export interface VerifyCassetteParams {
  runId?: string;
}

export interface VerifyCassetteResult {
  ok: boolean;
  checks: string[];
  issues: Array<{ check: string; message: string }>;
}

export interface RestoreRunParams {
  runId: string;
}

export interface RestoreRunResult {
  restored: Array<{ file: string; hash: string }>;
  rootBefore: string;
  rootAfter: string;
}

export interface JobsChangedParams {
  cursor: number;
  runIds: string[];
  jobIds: string[];
}

export interface ReadCasParams {
  /** sha256 hex of the content (a receipt action's before_hash / after_hash, or a payload ref). */
  hash: string;
}

export interface ReadCasResult {
  hash: string;
  /** The content decoded as UTF-8. */
  text: string;
  bytes: number;
}

export interface GetPlanParams {
  jobId: string;
}

export interface GetPlanResult {
  jobId: string;
  runId: string;
  messageId: string;
  /** The plan request exactly as stored in the cassette's message. */
  request: unknown;
  /** The stored plan in plan-output form (docs/schemas/plan_output.schema.json): steps in ordinal order, plan hash. */
  plan: PlanRequestResult["plan"];
  /** The plan hash recomputed over the stored steps equals the stored one. */
  planHashMatches: boolean;
  createdAt: string;
}

export interface ReportParams {
  /** One run; every run when absent. */
  runId?: string;
  /** One job (its run's reuse still counts). */
  jobId?: string;
  /** Nonce for the page's script and styles, and the webview's CSP source. */
  nonce: string;
  cspSource: string;
}

export interface ReportResult {
  /** The report object (snake_case, as `catalytic report --json` prints it under "report"). */
  report: { runs: unknown[]; baseline_tokens: number; ratio: number | null; [key: string]: unknown };
  /** The self-contained page (charts and tables) under the webview's CSP. */
  html: string;
}

export interface BundleParams {
  /** What the context is for; `@NS/NAME` refs written in it are always included. */
  intent: string;
  budgetTokens?: number;
  /** Search candidates to consider. */
  k?: number;
  /** Explicit refs (`@NS/NAME[#slug][:slice]`). */
  refs?: string[];
  /** Run the bundle belongs to (reuse and recording); none when absent. */
  runId?: string;
}

export interface BundleResult {
  /** The bundle (docs/schemas/bundle.schema.json). */
  bundle: {
    bundle_id: string;
    bundle_hash: string;
    items: unknown[];
    tokens_total: number;
    budgets: { max_tokens: number; max_items: number; max_tokens_per_item: number };
    baseline: { files: string[]; tokens: number };
    [key: string]: unknown;
  };
  /** The rendered context pack (catalytic bundle --format md). */
  markdown: string;
}
