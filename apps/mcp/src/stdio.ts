// stdio mode: one session over stdin/stdout. Nothing but protocol messages goes to stdout; the
// logger writes to stderr. Resolves when the client closes stdin.
import { loadTokenCounter } from "@catalytic/core";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { resolveOptions, type McpServerOptions } from "./options.js";
import { createMcpServer } from "./server.js";
import { Session } from "./session.js";
import { Workspace } from "./workspace.js";

export async function serveStdio(options: McpServerOptions): Promise<void> {
  const resolved = resolveOptions(options);
  const workspace = new Workspace(resolved.root);
  const session = new Session(resolved, workspace);
  const server = createMcpServer(session);
  // The tokenizer's tables load in the background while the client initializes.
  void loadTokenCounter();
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once("end", () => void server.close());
  });
  await server.connect(transport);
  resolved.logger.info(`catalytic mcp: serving ${resolved.root} over stdio (run ${session.runId}${resolved.readOnly ? ", read-only" : ""})`);
  await closed;
  workspace.close();
}
