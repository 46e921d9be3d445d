// Language server entry (stdio, or node-ipc/socket when the client asks): one connection, one server from the
// factory (create-server.ts). The only process-wide things live here: the connection and the crash handlers.
import type { Logger } from "@catalytic/core";
import { createConnection, ProposedFeatures, type Connection } from "vscode-languageserver/node.js";
import { createServer } from "./create-server.js";
import { capHeapGrowth } from "./heap-growth.js";
import { FramedMessageReader } from "./message-reader.js";
import { FramedMessageWriter } from "./message-writer.js";

capHeapGrowth();
const ipc = process.argv.some((arg) => arg === "--node-ipc" || arg.startsWith("--socket") || arg.startsWith("--pipe"));
const input = ipc ? undefined : new FramedMessageReader(process.stdin);
const connection: Connection = input ? createConnection(ProposedFeatures.all, input, new FramedMessageWriter(process.stdout)) : createConnection(ProposedFeatures.all);

const format = (message: string, data?: Record<string, unknown>): string => (data ? `${message} ${JSON.stringify(data)}` : message);
const logger: Logger = {
  info: (message, data) => connection.console.info(format(message, data)),
  warn: (message, data) => connection.console.warn(format(message, data)),
  error: (message, data) => connection.console.error(format(message, data)),
};
process.on("uncaughtException", (error) => logger.error(`uncaught: ${error.stack ?? error.message}`));
process.on("unhandledRejection", (reason) => logger.error(`unhandled rejection: ${String(reason)}`));

const server = createServer(connection, { logger, serverDir: __dirname });
// Given a reader instead of the stdin stream, vscode-languageserver no longer ends the process when the client closes
// stdin: this does, as it would (0 after a shutdown request, 1 otherwise).
input?.onClose(() => process.exit(server.shutdownRequested ? 0 : 1));
server.listen();
