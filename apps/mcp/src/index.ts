// Public API of @catalytic/mcp: the two front ends the CLI starts (`catalytic mcp`). The defaults the CLI shows in
// its help are in the import-free subpath @catalytic/mcp/defaults.
export { serveStdio } from "./stdio.js";
export { serveHttp } from "./http.js";
export type { HttpServerOptions, HttpServerHandle } from "./http.js";
export type { McpServerOptions, McpLogger } from "./options.js";
