// Resources: catalytic://symbol/{id}, catalytic://section/{id} (with argument completion) and
// catalytic://run/{run_id}/receipts. Each is also a tool (resolve, get_section, receipts), because many
// clients never read resources; reads go through the same caps and leave the same receipts.
import { McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { ReadResourceResult } from "@modelcontextprotocol/sdk/types.js";
import { getSectionTool, resolveTool } from "./tools/expand.js";
import { receiptsTool } from "./tools/jobs.js";
import type { Session } from "./session.js";

const COMPLETIONS_MAX = 100;

function decoded(value: string | string[] | undefined): string {
  const raw = Array.isArray(value) ? (value[0] ?? "") : (value ?? "");
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function safely<T>(work: () => T[], fallback: T[] = []): T[] {
  try {
    return work();
  } catch {
    return fallback;
  }
}

function pageText(text: string, next: unknown, tool: string): string {
  return typeof next === "string" ? `${text}\n[truncated at the output cap: continue with the ${tool} tool and cursor "${next}"]` : text;
}

export function registerResources(server: McpServer, session: Session): void {
  const symbols = new ResourceTemplate("catalytic://symbol/{id}", {
    list: undefined,
    complete: {
      id: (value) =>
        safely(() =>
          session.workspace
            .index()
            .listSymbols(decoded(value))
            .slice(0, COMPLETIONS_MAX)
            .map((s) => s.symbolId),
        ),
    },
  });
  server.registerResource(
    "symbol",
    symbols,
    { title: "Symbol", description: "The bounded expansion of a symbol (same as the resolve tool, default slice).", mimeType: "text/markdown" },
    async (uri, variables): Promise<ReadResourceResult> => {
      const page = await resolveTool(session, { ref: decoded(variables.id) });
      return { contents: [{ uri: uri.href, mimeType: "text/markdown", text: pageText(String(page.structured.payload), page.structured.next_cursor, "resolve") }] };
    },
  );

  const sections = new ResourceTemplate("catalytic://section/{id}", {
    list: undefined,
    complete: {
      id: (value) => {
        const prefix = decoded(value).toLowerCase();
        const fromSymbols = safely(() =>
          session.workspace
            .index()
            .listSymbols()
            .flatMap((s) => (s.sectionId ? [s.sectionId] : [])),
        );
        const ids = [...new Set([...session.seenSections(), ...fromSymbols])];
        return ids.filter((id) => id.startsWith(prefix)).slice(0, COMPLETIONS_MAX);
      },
    },
  });
  server.registerResource(
    "section",
    sections,
    { title: "Section", description: "A section's bounded text (same as the get_section tool, configured default bound).", mimeType: "text/markdown" },
    async (uri, variables): Promise<ReadResourceResult> => {
      const page = await getSectionTool(session, { section_id: decoded(variables.id) });
      return { contents: [{ uri: uri.href, mimeType: "text/markdown", text: pageText(String(page.structured.payload), page.structured.next_cursor, "get_section") }] };
    },
  );

  const runs = new ResourceTemplate("catalytic://run/{run_id}/receipts", {
    list: undefined,
    complete: {
      run_id: (value) => {
        const prefix = decoded(value);
        const known = safely(() => session.workspace.cassette().listRuns().map((run) => run.runId));
        return [...new Set([session.runId, ...known])].filter((id) => id.startsWith(prefix)).slice(0, COMPLETIONS_MAX);
      },
    },
  });
  server.registerResource(
    "run-receipts",
    runs,
    { title: "Receipts of a run", description: "Every receipt of a run (same as the receipts tool), as JSON.", mimeType: "application/json" },
    async (uri, variables): Promise<ReadResourceResult> => {
      const page = await receiptsTool(session, { run_id: decoded(variables.run_id) });
      return { contents: [{ uri: uri.href, mimeType: "application/json", text: pageText(JSON.stringify(page.structured), page.structured.next_cursor, "receipts") }] };
    },
  );
}
