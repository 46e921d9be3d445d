// Defaults of the server, in a module with no imports: the CLI shows them in its help without loading
// the server and the SDK (it imports @catalytic/mcp only when `catalytic mcp` runs).
export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_PORT = 7337;
export const DEFAULT_MAX_OUTPUT_TOKENS = 8_000;
export const DEFAULT_K = 10;
export const MAX_K = 100;
export const DEFAULT_WORKERS = 2;
