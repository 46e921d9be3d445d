// The one error wrapper every request handler runs in: it waits for the first index when the handler reads the
// model, answers a failure with a fallback (standard requests: logged as a warning) or a ResponseError carrying
// the CatalyticError JSON (custom requests, rename), and a cancelled request with RequestCancelled.
import { InputError, isCatalyticError, toCatalyticError, type Logger, type ProtocolErrorData } from "@catalytic/core";
import { LSPErrorCodes, ResponseError, type CancellationToken } from "vscode-languageserver/node.js";
import type { Readiness } from "./readiness.js";

/** What a request answers instead of a result: this value, or "error" (a ResponseError with the typed error). */
export type Answer<F> = { value: F } | "error";

export interface GuardOptions<F> {
  /** Wait for the first index (readiness.ts) and answer this when it does not come in time; omitted: do not wait. */
  notReady?: Answer<F>;
  /** What a failure answers. */
  onError: Answer<F>;
}

export type Handler<P, R> = (params: P, token: CancellationToken) => R | Promise<R>;

/** `guarded` bound to a server's logger and readiness: how features and custom requests register handlers. */
export type Guarded = <P, R, F>(name: string, handler: Handler<P, R>, options: GuardOptions<F>) => (params: P, token: CancellationToken) => Promise<R | F>;

export function guarded<P, R, F>(
  logger: Logger,
  readiness: Readiness,
  name: string,
  handler: Handler<P, R>,
  options: GuardOptions<F>,
): (params: P, token: CancellationToken) => Promise<R | F> {
  return async (params, token) => {
    if (options.notReady !== undefined && !(await readiness.wait(token, name))) {
      if (options.notReady !== "error") return options.notReady.value;
      throw failure(
        logger,
        name,
        new InputError("CAT_INDEX_NOT_READY", `the workspace is still being indexed (waited ${readiness.timeoutMs} ms)`, {
          hint: "retry once catalytic/indexStatusChanged reports state ready",
        }),
      );
    }
    let result: R | F;
    try {
      result = await handler(params, token);
    } catch (error) {
      if (error instanceof ResponseError) throw error;
      if (options.onError === "error") throw failure(logger, name, error);
      logger.warn(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      result = options.onError.value;
    }
    throwIfCancelled(token, name);
    return result;
  };
}

/** A cancelled request answers RequestCancelled (LSP), not a partial or empty result. */
export function throwIfCancelled(token: CancellationToken | undefined, name: string): void {
  if (token?.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, `${name} cancelled`);
}

/** The ResponseError a failed request answers with; expected (typed) failures are not logged as bugs. */
export function failure(logger: Logger, name: string, error: unknown): ResponseError<ProtocolErrorData> {
  const typed = toCatalyticError(error);
  if (!isCatalyticError(error)) logger.warn(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  const data: ProtocolErrorData = { code: typed.code, message: typed.message, hint: typed.hint, details: typed.details };
  return new ResponseError(LSPErrorCodes.RequestFailed, typed.hint ? `${typed.code}: ${typed.message} (${typed.hint})` : `${typed.code}: ${typed.message}`, data);
}

/** Standard LSP requests: wait for the first index, and answer `value` when it does not come or the handler fails. */
export function orElse<F>(value: F): GuardOptions<F> {
  return { notReady: { value }, onError: { value } };
}
