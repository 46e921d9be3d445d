// The two shapes a tool call returns: structured content with a short text rendering, or a tool error
// (isError) carrying the CAT_* code, message and hint, so a failing call never takes the server down.
// An error carries no structuredContent (clients check it against the tool's output schema); its code,
// hint and details are in `_meta["catalytic/error"]` and on the text's first lines.
import { toCatalyticError } from "@catalytic/core";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { McpLogger } from "./options.js";

export function toolResult(structured: Record<string, unknown>, text: string): CallToolResult {
  return { structuredContent: structured, content: [{ type: "text", text }] };
}

export function toolError(raw: unknown, logger: McpLogger): CallToolResult {
  const error = toCatalyticError(raw);
  if (error.code === "CAT_INVARIANT" && raw instanceof Error && raw.stack) logger.error(raw.stack);
  const text = error.hint ? `${error.code}: ${error.message}\nhint: ${error.hint}` : `${error.code}: ${error.message}`;
  return { isError: true, _meta: { "catalytic/error": error.toJSON() }, content: [{ type: "text", text }] };
}

/** Runs a tool body; any throw becomes a tool error. */
export async function guarded(logger: McpLogger, body: () => Promise<CallToolResult> | CallToolResult): Promise<CallToolResult> {
  try {
    return await body();
  } catch (error) {
    return toolError(error, logger);
  }
}
