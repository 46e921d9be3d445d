// Language server entry (stdio, or node-ipc/socket when the client asks): one connection, one server from the
// factory (create-server.ts). The only process-wide things live here: the connection and the crash handlers.
import type { Logger } from "@catalytic/core";
import { createConnection, ProposedFeatures, type Connection } from "vscode-languageserver/node.js";
import { createServer } from "./create-server.js";
import { capHeapGrowth } from "./heap-growth.js";
import { FramedMessageWriter } from "./message-writer.js";

capHeapGrowth();
const ipc = process.argv.some((arg) => arg === "--node-ipc" || arg.startsWith("--socket") || arg.startsWith("--pipe"));
// stdin stays a stream (the connection ends the process when it closes); vscode-jsonrpc uses an output that is
// not a stream as the MessageWriter it is, which the typed overloads do not express.
const output = new FramedMessageWriter(process.stdout) as unknown as NodeJS.WritableStream;
const connection: Connection = ipc ? createConnection(ProposedFeatures.all) : createConnection(ProposedFeatures.all, process.stdin, output);

const format = (message: string, data?: Record<string, unknown>): string => (data ? `${message} ${JSON.stringify(data)}` : message);
const logger: Logger = {
  info: (message, data) => connection.console.info(format(message, data)),
  warn: (message, data) => connection.console.warn(format(message, data)),
  error: (message, data) => connection.console.error(format(message, data)),
};
process.on("uncaughtException", (error) => logger.error(`uncaught: ${error.stack ?? error.message}`));
process.on("unhandledRejection", (reason) => logger.error(`unhandled rejection: ${String(reason)}`));

createServer(connection, { logger, serverDir: __dirname }).listen();
