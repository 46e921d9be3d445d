// Every request handler runs guarded: errors are logged as warnings and answered with a fallback
// (standard requests) or a ResponseError carrying the CatalyticError JSON (custom requests, rename).
import { isCatalyticError, toCatalyticError, type ProtocolErrorData, type Logger } from "@catalytic/core";
import { LSPErrorCodes, ResponseError, type CancellationToken } from "vscode-languageserver/node.js";

export function guard<P, R, F>(
  logger: Logger,
  name: string,
  handler: (params: P, token: CancellationToken) => R,
  fallback: F,
): (params: P, token: CancellationToken) => R | F {
  return (params, token) => {
    try {
      return handler(params, token);
    } catch (error) {
      logger.warn(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return fallback;
    }
  };
}

/** guard for handlers that yield (workspace-wide work checked for cancellation between chunks). */
export function guardAsync<P, R, F>(
  logger: Logger,
  name: string,
  handler: (params: P, token: CancellationToken) => Promise<R>,
  fallback: F,
): (params: P, token: CancellationToken) => Promise<R | F> {
  return async (params, token) => {
    let result: R | F;
    try {
      result = await handler(params, token);
    } catch (error) {
      logger.warn(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      result = fallback;
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
