// Public API of @catalytic/mcp.
export { serveStdio } from "./stdio.js";
export { serveHttp, isLoopback, MCP_PATH } from "./http.js";
export type { HttpServerOptions, HttpServerHandle } from "./http.js";
export { createMcpServer, TOOL_NAMES } from "./server.js";
export { Session } from "./session.js";
export { Workspace } from "./workspace.js";
export { resolveOptions } from "./options.js";
export { DEFAULT_HOST, DEFAULT_PORT, DEFAULT_MAX_OUTPUT_TOKENS } from "./defaults.js";
export type { McpServerOptions, McpLogger } from "./options.js";
export { MCP_WORKER_ID } from "./receipts.js";
