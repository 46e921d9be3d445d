// Wires the `catalytic/*` custom requests. Reads go to the cassette and the model; execution and
// restore run the CLI as child processes (ants are processes, never code in the server).
import {
  type BundleParams,
  CassetteError,
  CatalyticMethods,
  ERROR_CODES,
  type ErrorCode,
  InputError,
  loadTokenCounter,
  type ExecuteJobParams,
  type ExecuteJobResult,
  type GetReceiptParams,
  type IndexStatus,
  type JobProgressParams,
  type ListJobsParams,
  type ListStepsParams,
  type ListSymbolsParams,
  type PlanRequestParams,
  type ReadCasParams,
  type ReadCasResult,
  type ReportParams,
  type ResolveSymbolParams,
  type RestoreRunParams,
  type RestoreRunResult,
  type VerifyCassetteParams,
  type VerifyCassetteResult,
} from "@catalytic/core";
import type { GetPlanParams } from "@catalytic/core/protocol";
import type { CancellationToken, Connection } from "vscode-languageserver/node.js";
import { readCas } from "@catalytic/indexer";
import { receiptExpansionsOfRun } from "@catalytic/planner";
import type { CassetteService } from "./cassette-service.js";
import type { IndexService } from "./index-service.js";
import { findCli, parseCliJson, runCli } from "./cli-runner.js";
import {
  jobProgress,
  listJobs,
  listRuns,
  listSteps,
  listSymbols,
  planRequest,
  receiptView,
  resolveFromModel,
  storedPlan,
} from "./features/custom-requests.js";
import { jobSavings, reportPage } from "./features/economy.js";
import type { JobsFeed } from "./features/jobs-feed.js";
import type { Guarded } from "./guard.js";

import type { WorkspaceHost } from "./workspace-host.js";

export interface CustomRequestHost {
  host(): WorkspaceHost;
  cassettes(): CassetteService;
  feed(): JobsFeed;
  status(): IndexStatus;
  reindex(): Promise<void>;
  buildDatabase(): Promise<void>;
  sqliteIndex(): IndexService;
  cliPath(): string | undefined;
  serverDir: string;
}

function requireString(value: unknown, name: string): string {
  if (typeof value !== "string" || value.length === 0) {
    throw new InputError("CAT_MISSING_ARGUMENT", `${name} is required`, { hint: `pass ${name} as a non-empty string` });
  }
  return value;
}

/** Custom requests answer a failure with its typed error; those reading the model wait for the first index (not ready in time: CAT_INDEX_NOT_READY, never a wrong answer). */
export function registerCustomRequests(connection: Connection, guarded: Guarded, api: CustomRequestHost): void {
  const handle = <P, R>(method: string, handler: (params: P, token: CancellationToken) => R | Promise<R>): void => {
    connection.onRequest(method, guarded(method, (params: P, token) => handler((params ?? {}) as P, token), { onError: "error" }));
  };
  const handleModel = <P, R>(method: string, handler: (params: P, token: CancellationToken) => R | Promise<R>): void => {
    connection.onRequest(method, guarded(method, (params: P, token) => handler((params ?? {}) as P, token), { notReady: "error", onError: "error" }));
  };
  const cli = (): string | undefined => findCli(api.cliPath(), api.serverDir, api.host().root);
  const abortOn = (token: CancellationToken): AbortSignal => {
    const controller = new AbortController();
    token.onCancellationRequested(() => controller.abort());
    return controller.signal;
  };

  handle(CatalyticMethods.indexStatus, () => api.status());
  handle(CatalyticMethods.buildIndex, async () => {
    await api.reindex();
    await api.buildDatabase();
    return api.status();
  });
  handleModel(CatalyticMethods.listSymbols, (params: ListSymbolsParams) => listSymbols(api.host().context().model, params.prefix));
  handleModel(CatalyticMethods.resolveSymbol, (params: ResolveSymbolParams) => {
    const request = { ...params, reference: requireString(params.reference, "reference") };
    // With a run id the expansion goes through the index's cache (and is recorded); otherwise the live model answers.
    return (request.runId ? api.sqliteIndex().resolve(request) : undefined) ?? resolveFromModel(api.host().context().model, request);
  });
  handle(CatalyticMethods.bundle, async (params: BundleParams) => {
    const counter = await loadTokenCounter();
    const root = api.host().root;
    const runId = params.runId || undefined;
    return api.sqliteIndex().bundle(
      {
        intent: requireString(params.intent, "intent"),
        ...(params.budgetTokens !== undefined ? { budget_tokens: params.budgetTokens } : {}),
        ...(params.k !== undefined ? { k: params.k } : {}),
        ...(Array.isArray(params.refs) ? { refs: params.refs.map((ref, i) => requireString(ref, `refs[${i}]`)) } : {}),
        ...(runId !== undefined ? { run_id: runId, prior: receiptExpansionsOfRun(root, runId) } : {}),
      },
      counter,
    );
  });
  handle(CatalyticMethods.listRuns, () => listRuns(api.cassettes().get()));
  handle(CatalyticMethods.listJobs, (params: ListJobsParams) => listJobs(api.cassettes().get(), params.runId));
  handle(CatalyticMethods.listSteps, (params: ListStepsParams) => listSteps(api.cassettes().get(), requireString(params.jobId, "jobId")));
  handleModel(CatalyticMethods.getReceipt, (params: GetReceiptParams) => receiptView(api.cassettes().get(), api.host().context().model, params));
  handle(CatalyticMethods.getPlan, (params: GetPlanParams) => storedPlan(api.cassettes().get(), requireString(params.jobId, "jobId")));
  handle(CatalyticMethods.jobProgress, async (params: JobProgressParams) => {
    const jobId = requireString(params.jobId, "jobId");
    const cassette = api.cassettes().get();
    const counter = await loadTokenCounter();
    return jobProgress(cassette, jobId, Date.now(), (id) => jobSavings(cassette!, api.host().root, id, counter));
  });
  handle(CatalyticMethods.report, async (params: ReportParams) =>
    reportPage(api.cassettes().get(), api.host().root, { ...params, nonce: requireString(params.nonce, "nonce"), cspSource: requireString(params.cspSource, "cspSource") }, await loadTokenCounter()),
  );
  handleModel(CatalyticMethods.planRequest, (params: PlanRequestParams) => {
    const host = api.host();
    const result = planRequest(host.root, host.context().model, host.config, { ...params, requestFile: requireString(params.requestFile, "requestFile") }, () =>
      api.cassettes().require(),
    );
    if (result.posted) api.feed().poll(true);
    return result;
  });
  handle(CatalyticMethods.verifyCassette, (params: VerifyCassetteParams): VerifyCassetteResult => {
    const cassette = api.cassettes().get();
    // No ledger yet: nothing was ever recorded, so nothing can be wrong.
    if (!cassette) return { ok: true, checks: [], issues: [] };
    return cassette.verify(params.runId);
  });
  handle(CatalyticMethods.executeJob, async (params: ExecuteJobParams, token): Promise<ExecuteJobResult> => {
    const workers = Number.isInteger(params.workers) && params.workers > 0 ? params.workers : 1;
    const args = ["execute", "--run-id", requireString(params.runId, "runId"), "--job-id", requireString(params.jobId, "jobId"), "--workers", String(workers)];
    if (params.continueOnFail) args.push("--continue-on-fail");
    // Ants read .catalytic/index.db: bring it up to date with the disk first (incremental, in the worker).
    await api.buildDatabase();
    const result = await runCli(cli(), api.host().root, args, abortOn(token));
    api.feed().poll(true);
    const json = parseCliJson(result);
    // A failed step is an outcome (exitCode 1), not a failed request; no workers means the CLI refused.
    if (!Array.isArray(json.workers)) throw cliError(json);
    return {
      exitCode: result.exitCode,
      workers: (json.workers as Array<{ worker_id: string; exit_code: number | null }>).map((w) => ({ workerId: w.worker_id, exitCode: w.exit_code })),
      manifest: typeof json.manifest === "string" ? json.manifest : "",
    };
  });
  handle(CatalyticMethods.restoreRun, async (params: RestoreRunParams, token): Promise<RestoreRunResult> => {
    const result = await runCli(cli(), api.host().root, ["restore", "--run-id", requireString(params.runId, "runId")], abortOn(token));
    const json = parseCliJson(result);
    if (json.ok === false) throw cliError(json);
    return {
      restored: Array.isArray(json.restored) ? (json.restored as RestoreRunResult["restored"]) : [],
      rootBefore: String(json.root_before ?? ""),
      rootAfter: String(json.root_after ?? ""),
    };
  });
  handle(CatalyticMethods.readCas, (params: ReadCasParams): ReadCasResult => {
    const hash = requireString(params.hash, "hash");
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new InputError("CAT_SCHEMA_INVALID", `${JSON.stringify(hash)} is not a sha256 hex digest`, { hint: "pass the 64 lower-case hex characters of a content hash" });
    const text = readCas(api.host().root, hash);
    if (text === undefined) {
      throw new CassetteError("CAT_FILE_NOT_FOUND", `no content ${hash.slice(0, 12)}… in the content store`, { hint: "the object was never stored, or .catalytic/cas was cleaned" });
    }
    return { hash, text, bytes: Buffer.byteLength(text, "utf8") };
  });
}

/** The CLI's `{"ok":false,"error":{...}}` as a typed error. */
function cliError(json: Record<string, unknown>): CassetteError {
  const error = (json.error ?? {}) as { code?: string; message?: string; hint?: string; details?: Record<string, unknown> };
  const code = typeof error.code === "string" && error.code in ERROR_CODES ? (error.code as ErrorCode) : "CAT_INVARIANT";
  return new CassetteError(code, error.message ?? "the CLI reported a failure", {
    hint: error.hint ?? "",
    details: error.details ?? {},
  });
}
