// `catalytic mcp`: the Model Context Protocol server (apps/mcp) over stdio, or Streamable HTTP with --http.
import { UsageError } from "@catalytic/core";
import type { McpLogger } from "@catalytic/mcp";
import { DEFAULT_HOST, DEFAULT_MAX_OUTPUT_TOKENS, DEFAULT_PORT } from "@catalytic/mcp/defaults";
import { booleanOption, intOption, optionalIntOption, stringOption } from "../args.js";
import { VERSION } from "../cli.js";
import type { Command, CommandContext } from "../command.js";
import { untilSignal } from "../until-signal.js";

/** Diagnostics go to stderr: in stdio mode stdout carries nothing but protocol messages. */
function stderrLogger(ctx: CommandContext): McpLogger {
  return {
    info: (message) => ctx.note(message),
    warn: (message) => ctx.note(`warn: ${message}`),
    error: (message) => ctx.note(`error: ${message}`),
  };
}

/** Upper bound of the token caps: far above any context window, low enough to stay an exact integer everywhere. */
const MAX_TOKENS = 1_000_000_000;

const mcp: Command = {
  name: "mcp",
  summary: "Serve the workspace to language-model agents over the Model Context Protocol (stdio, or --http)",
  options: {
    http: { type: "boolean", description: "serve Streamable HTTP instead of stdio" },
    host: { type: "string", description: "address to bind with --http", defaultText: DEFAULT_HOST },
    port: { type: "integer", min: 0, max: 65_535, description: "port with --http (0: any free port)", defaultText: String(DEFAULT_PORT) },
    "token-file": { type: "string", description: "with --http: require 'Authorization: Bearer <token>' with the token in this file" },
    "read-only": { type: "boolean", description: "refuse plan and execute (the default on a non-loopback address)" },
    "allow-writes": { type: "boolean", description: "with --http on a non-loopback address: accept plan and execute (needs --token-file)" },
    "allowed-host": { type: "string", multiple: true, description: "with --http: another host name clients may use in Host/Origin" },
    "max-output-tokens": { type: "integer", min: 1, max: MAX_TOKENS, description: "cap on the tokens one call returns", defaultText: String(DEFAULT_MAX_OUTPUT_TOKENS) },
    "max-session-tokens": { type: "integer", min: 1, max: MAX_TOKENS, description: "cap on the tokens one session returns in total", defaultText: "none" },
    "run-id": { type: "string", description: "run every session's receipts go to", defaultText: "a new run per session" },
  },
  details: [
    "Tools: search, resolve, get_section, bundle, plan, execute, receipts, verify, report (docs/mcp.md).",
    "stdio: logs go to stderr, stdout carries only protocol messages. --http serves http://HOST:PORT/mcp",
    "and rejects foreign Host/Origin headers (DNS rebinding). Requires a built index ('catalytic build').",
    "Example: claude mcp add catalytic -- catalytic mcp --root /path/to/workspace",
  ].join("\n"),
  async run(ctx, args) {
    // Loaded only here: the server and the SDK would otherwise add to every command's start-up.
    const { serveHttp, serveStdio } = await import("@catalytic/mcp");
    const logger = stderrLogger(ctx);
    const maxSession = optionalIntOption(args, "max-session-tokens");
    const runId = stringOption(args, "run-id");
    const common = {
      root: ctx.root,
      readOnly: booleanOption(args, "read-only"),
      maxOutputTokens: intOption(args, "max-output-tokens", DEFAULT_MAX_OUTPUT_TOKENS),
      ...(maxSession !== undefined ? { maxSessionTokens: maxSession } : {}),
      ...(runId !== undefined ? { runId } : {}),
      // Ants are this CLI's own `ants worker` processes.
      ...(process.argv[1] ? { cliPath: process.argv[1] } : {}),
      logger,
      version: VERSION,
    };
    const httpOnly = ["host", "port", "token-file", "allow-writes", "allowed-host"].filter((name) => args.options[name] !== undefined);
    if (!booleanOption(args, "http")) {
      if (httpOnly.length) throw new UsageError("CAT_USAGE", `--${httpOnly[0]} needs --http`, { hint: "add --http, or drop the HTTP options for stdio" });
      await serveStdio(common);
      return 0;
    }
    const tokenFile = stringOption(args, "token-file");
    const handle = await serveHttp({
      ...common,
      host: stringOption(args, "host") ?? DEFAULT_HOST,
      port: intOption(args, "port", DEFAULT_PORT),
      ...(tokenFile !== undefined ? { tokenFile } : {}),
      allowWrites: booleanOption(args, "allow-writes"),
      allowedHosts: (args.options["allowed-host"] as string[] | undefined) ?? [],
    });
    // The one line a supervisor (or a test) waits for, on stderr like every other diagnostic.
    ctx.note(`listening on ${handle.url}`);
    const signal = await untilSignal();
    logger.info(`${signal}: closing`);
    await handle.close();
    return 0;
  },
};

export const mcpCommands: readonly Command[] = [mcp];
