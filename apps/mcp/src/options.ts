// Server settings: budgets and modes shared by the stdio and HTTP front ends (docs/mcp.md#budgets).
import { randomBytes } from "node:crypto";
import { UsageError, assertId } from "@catalytic/core";
import { DEFAULT_MAX_OUTPUT_TOKENS } from "./defaults.js";

/** Where the server writes its diagnostics: never stdout (stdio mode keeps stdout for the protocol). */
export interface McpLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const SILENT_MCP_LOGGER: McpLogger = { info() {}, warn() {}, error() {} };

export interface McpServerOptions {
  /** Workspace root (absolute). */
  root: string;
  /** Refuse plan and execute (they write). */
  readOnly?: boolean;
  /** Cap on the tokens one call returns (default 8,000). */
  maxOutputTokens?: number;
  /** Cap on the tokens one session returns in total (default: none). */
  maxSessionTokens?: number;
  /** Run every receipt of a session goes to (default: a fresh `mcp-<time>-<random>` per session). */
  runId?: string;
  /** The CLI bundle ants run as (default: the running script). */
  cliPath?: string;
  logger?: McpLogger;
  /** Name and version announced to clients. */
  version?: string;
}

export interface ResolvedOptions {
  root: string;
  readOnly: boolean;
  maxOutputTokens: number;
  maxSessionTokens: number | undefined;
  runId: string | undefined;
  cliPath: string | undefined;
  logger: McpLogger;
  version: string;
}

export function resolveOptions(options: McpServerOptions): ResolvedOptions {
  const maxOutputTokens = options.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS;
  if (!Number.isSafeInteger(maxOutputTokens) || maxOutputTokens < 1) {
    throw new UsageError("CAT_USAGE", `the output cap must be a positive integer, got ${maxOutputTokens}`, { hint: `pass --max-output-tokens ${DEFAULT_MAX_OUTPUT_TOKENS}` });
  }
  const session = options.maxSessionTokens;
  if (session !== undefined && (!Number.isSafeInteger(session) || session < 1)) {
    throw new UsageError("CAT_USAGE", `the session cap must be a positive integer, got ${session}`, { hint: "pass --max-session-tokens 200000" });
  }
  if (options.runId !== undefined) assertId(options.runId, "the run id (--run-id)");
  return {
    root: options.root,
    readOnly: options.readOnly ?? false,
    maxOutputTokens,
    maxSessionTokens: session,
    runId: options.runId,
    cliPath: options.cliPath,
    logger: options.logger ?? SILENT_MCP_LOGGER,
    version: options.version ?? "0.0.0-dev",
  };
}

/** A run id for a new session: sortable by start time, unique across concurrent sessions. */
export function newSessionRunId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  return `mcp-${stamp}-${randomBytes(4).toString("hex")}`;
}
