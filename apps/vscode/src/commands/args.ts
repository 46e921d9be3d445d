// Pure parsing of command arguments: commands run from the palette (no argument), from the Jobs tree (a tree
// node), from the explorer (a Uri) or from another extension (plain strings/objects). No vscode import.
import type { GetReceiptParams, ProtocolErrorData } from "@catalytic/core/protocol";

export const MAX_WORKERS = 32;

/** Parses the "number of ants" input: an integer from 1 to MAX_WORKERS, else a message saying what is accepted. */
export function parseWorkerCount(input: string): { ok: true; workers: number } | { ok: false; message: string } {
  const trimmed = input.trim();
  if (!/^\d+$/.test(trimmed)) return { ok: false, message: `Enter a whole number of ants from 1 to ${MAX_WORKERS}.` };
  const workers = Number(trimmed);
  if (workers < 1 || workers > MAX_WORKERS) return { ok: false, message: `Enter a whole number of ants from 1 to ${MAX_WORKERS}.` };
  return { ok: true, workers };
}

function field(arg: unknown, name: string): string | undefined {
  if (typeof arg !== "object" || arg === null) return undefined;
  const value = (arg as Record<string, unknown>)[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** A job from a tree node or `{runId, jobId}`; a plain string is a job id whose run must be looked up. */
export function jobTargetFromArg(arg: unknown): { runId?: string; jobId: string } | undefined {
  if (typeof arg === "string" && arg.trim() !== "") return { jobId: arg.trim() };
  const jobId = field(arg, "jobId");
  if (!jobId) return undefined;
  const runId = field(arg, "runId");
  return runId ? { runId, jobId } : { jobId };
}

/** A receipt from a step node / `{stepId}` / `{receiptId}`; a plain string is a receipt id, or a step id when it starts with `step_`. */
export function receiptTargetFromArg(arg: unknown): GetReceiptParams | undefined {
  if (typeof arg === "string" && arg.trim() !== "") {
    const id = arg.trim();
    return id.startsWith("step_") ? { stepId: id } : { receiptId: id };
  }
  const receiptId = field(arg, "receiptId");
  if (receiptId) return { receiptId };
  const stepId = field(arg, "stepId");
  return stepId ? { stepId } : undefined;
}

export function runIdFromArg(arg: unknown): string | undefined {
  if (typeof arg === "string" && arg.trim() !== "") return arg.trim();
  return field(arg, "runId");
}

/** The id a tree node stands for (what "Copy Id" copies). */
export function idOfNode(arg: unknown): string | undefined {
  const kind = field(arg, "kind");
  if (kind === "step") return field(arg, "stepId");
  if (kind === "job") return field(arg, "jobId");
  if (kind === "run") return field(arg, "runId");
  return undefined;
}

/** The request file of Plan Request: an explorer Uri / path argument, else the active editor's file when it is JSON. */
export function requestFileFromArg(arg: unknown, activeFile: string | undefined): string | undefined {
  if (typeof arg === "string" && arg.trim() !== "") return arg.trim();
  const fsPath = field(arg, "fsPath");
  if (fsPath) return fsPath;
  if (activeFile && activeFile.toLowerCase().endsWith(".json")) return activeFile;
  return undefined;
}

/** Requests fail with a ResponseError whose `data` is the server's CatalyticError JSON: show code, message and hint. */
export function describeError(error: unknown): string {
  if (typeof error === "object" && error !== null) {
    const data = (error as { data?: unknown }).data as Partial<ProtocolErrorData> | undefined;
    const message = (error as { message?: unknown }).message;
    if (data && typeof data.code === "string") {
      const hint = typeof data.hint === "string" && data.hint !== "" ? ` (${data.hint})` : "";
      return `${data.code}: ${typeof data.message === "string" ? data.message : String(message)}${hint}`;
    }
    if (typeof message === "string") return message;
  }
  return String(error);
}
