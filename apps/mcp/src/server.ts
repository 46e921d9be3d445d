// One MCP server per client session: the tools (exact names from docs/mcp.md) and the resources,
// over the session's run and caps. Every tool body is guarded: a failure is a tool error, never a crash.
import { InputError } from "@catalytic/core";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { McpLogger } from "./options.js";
import { registerResources } from "./resources.js";
import { guarded, toolError, toolResult } from "./results.js";
import {
  BundleInput,
  BundleOutput,
  ExecuteInput,
  ExecuteOutput,
  GetSectionInput,
  GetSectionOutput,
  PlanInput,
  PlanOutput,
  ReceiptsInput,
  ReceiptsOutput,
  ReportInput,
  ReportOutput,
  ResolveInput,
  ResolveOutput,
  SearchInput,
  SearchOutput,
  VerifyOutput,
} from "./schemas.js";
import { SectionTokens } from "./sections.js";
import type { Session } from "./session.js";
import { bundleTool, type BundleArgs } from "./tools/bundle.js";
import { getSectionTool, resolveTool } from "./tools/expand.js";
import { executeTool, planTool, receiptsTool } from "./tools/jobs.js";
import { reportTool } from "./tools/report.js";
import { searchTool } from "./tools/search.js";
import { verifyTool } from "./tools/verify.js";

const INSTRUCTIONS = [
  "Catalytic serves bounded slices of this workspace's documentation and code instead of whole files.",
  "Find candidates with search, read them with resolve (by @NS/NAME ref) or get_section (by section id), narrowing with a slice such as lines[0:40];",
  "or ask bundle for the smallest context for an intent within a token budget.",
  "Every read leaves a receipt in the session's run (see receipts, and report for the tokens saved). Output per call is capped; a truncated result carries next_cursor to continue.",
].join(" ");

const READ = { readOnlyHint: true, destructiveHint: false, idempotentHint: false, openWorldHint: false } as const;

/**
 * Arguments that fail a tool's input schema (and unknown tools) are refused by the SDK before any tool body
 * runs, as a bare-text tool error; this gives them the same typed shape as every other failure. The SDK
 * (pinned to 1.32.2) declares the hook private, hence the cast; tests/mcp checks the result.
 */
function typeProtocolErrors(server: McpServer, logger: McpLogger): void {
  const hook = server as unknown as { createToolError: (message: string) => CallToolResult };
  hook.createToolError = (message: string) => {
    const invalid = message.includes("Input validation error");
    return toolError(
      new InputError(invalid ? "CAT_SCHEMA_INVALID" : "CAT_USAGE", message, {
        hint: invalid ? "fix the arguments to match the tool's input schema (tools/list)" : "list the tools with tools/list",
      }),
      logger,
    );
  };
}

export function createMcpServer(session: Session, memo: SectionTokens = new SectionTokens()): McpServer {
  const { logger, version } = session.options;
  const server = new McpServer({ name: "catalytic", title: "Catalytic", version }, { instructions: INSTRUCTIONS });
  const run = <T>(body: (args: T) => Promise<{ structured: Record<string, unknown>; text: string }> | { structured: Record<string, unknown>; text: string }) => (args: T) =>
    guarded(logger, async () => {
      const { structured, text } = await body(args);
      return toolResult(structured, text);
    });

  server.registerTool(
    "search",
    {
      title: "Search sections",
      description: "Ranked sections for a query: ids, refs, file:lines, heading path, snippet and the section's tokens. Candidates, not evidence: read them with resolve or get_section.",
      inputSchema: SearchInput,
      outputSchema: SearchOutput,
      annotations: READ,
    },
    run((args: { query: string; k?: number; run_id?: string; cursor?: string }) => searchTool(session, memo, args)),
  );
  server.registerTool(
    "resolve",
    {
      title: "Resolve a reference",
      description: "The bounded payload of @NS/NAME[#slug][:slice] with provenance (section, slice applied, hash, tokens, cache hit). ALL is refused; without a slice the symbol's default or the configured bound applies.",
      inputSchema: ResolveInput,
      outputSchema: ResolveOutput,
      annotations: READ,
    },
    run(async (args: { ref: string; slice?: string; run_id?: string; cursor?: string }) => resolveTool(session, args)),
  );
  server.registerTool(
    "get_section",
    {
      title: "Read a section",
      description: "A section's bounded text by section id (from search), optionally sliced; the configured bound applies without a slice.",
      inputSchema: GetSectionInput,
      outputSchema: GetSectionOutput,
      annotations: READ,
    },
    run(async (args: { section_id: string; slice?: string; run_id?: string; cursor?: string }) => getSectionTool(session, args)),
  );
  server.registerTool(
    "bundle",
    {
      title: "Bundle for an intent",
      description:
        "The smallest context for an intent: @refs in it (and refs) plus search candidates, each cut to a bounded slice and fitted to budget_tokens, with provenance and the whole-file baseline; returns the bundle and its rendered Markdown pack. Items this run already read are marked reused and not repeated.",
      inputSchema: BundleInput,
      outputSchema: BundleOutput,
      annotations: READ,
    },
    run((args: BundleArgs) => bundleTool(session, args)),
  );
  server.registerTool(
    "plan",
    {
      title: "Plan a request",
      description: "Compile a plan request (reads, writes, patches, tests, notes) into deterministic steps and post them as a job, or only compile with dry_run. Writes stay inside the workspace. Refused by a read-only server.",
      inputSchema: PlanInput,
      outputSchema: PlanOutput,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    run((args: { request: Record<string, unknown>; dry_run?: boolean }) => planTool(session, args)),
  );
  server.registerTool(
    "execute",
    {
      title: "Execute a job",
      description: "Run a posted job's steps with N ant processes and wait; every step leaves a receipt. Writes files of the workspace. Refused by a read-only server.",
      inputSchema: ExecuteInput,
      outputSchema: ExecuteOutput,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    },
    run((args: { run_id: string; job_id: string; workers?: number }) => executeTool(session, args)),
  );
  server.registerTool(
    "receipts",
    {
      title: "List receipts",
      description: "The receipts of a run (default: this session's) or of one job: what was read and written, hashes, tokens. Also the resource catalytic://run/{run_id}/receipts.",
      inputSchema: ReceiptsInput,
      outputSchema: ReceiptsOutput,
      annotations: READ,
    },
    run((args: { run_id?: string; job_id?: string; cursor?: string }) => receiptsTool(session, args)),
  );
  server.registerTool(
    "verify",
    {
      title: "Verify",
      description: "Check the ledger (triggers, integrity, receipt chains) and the index's symbols; says exactly what is wrong.",
      inputSchema: {},
      outputSchema: VerifyOutput,
      annotations: { ...READ, idempotentHint: true },
    },
    run(() => verifyTool(session)),
  );
  server.registerTool(
    "report",
    {
      title: "Savings report",
      description:
        "The token economy of a run (default: this session's): per step and in total the tokens expanded against the whole files they came from, reuse and cache hits.",
      inputSchema: ReportInput,
      outputSchema: ReportOutput,
      annotations: { ...READ, idempotentHint: true },
    },
    run((args: { run_id?: string; job_id?: string }) => reportTool(session, args)),
  );
  registerResources(server, session);
  typeProtocolErrors(server, logger);
  return server;
}
