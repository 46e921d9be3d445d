// The server is a factory with no module state: two servers built in one process, each over its own in-memory
// connection and workspace, answer from their own workspace only, and one shutting down leaves the other serving.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import type { Logger } from "@catalytic/core";
import { afterAll, describe, expect, it } from "vitest";
import {
  createConnection,
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from "vscode-languageserver/node.js";
import { URI } from "vscode-uri";
import { createServer } from "./create-server.js";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function workspace(namespace: string): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "cat-factory-"));
  dirs.push(root);
  mkdirSync(path.join(root, ".git"));
  writeFileSync(path.join(root, "catalytic.json"), JSON.stringify({ sources: [{ path: ".", include: ["**/*.md"], namespace }] }));
  writeFileSync(path.join(root, "guide.md"), `# Guide of ${namespace}\n\nText.\n`);
  return root;
}

/** A server from the factory and a client connection talking to it through two in-memory pipes. */
function serve(root: string): MessageConnection {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const logger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
  createServer(createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient)), { logger, serverDir: root }).listen();
  const client = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
  client.onRequest("window/workDoneProgress/create", () => null);
  client.onRequest("client/registerCapability", () => null);
  client.onNotification(() => undefined);
  client.listen();
  return client;
}

async function start(client: MessageConnection, root: string): Promise<Record<string, unknown>> {
  const result = await client.sendRequest<{ capabilities: Record<string, unknown> }>("initialize", {
    processId: null,
    rootUri: URI.file(root).toString(),
    capabilities: {},
    initializationOptions: { buildIndexOnStart: false },
  });
  await client.sendNotification("initialized", {});
  return result.capabilities;
}

describe("createServer", () => {
  it("builds independent servers: each serves its own workspace, capabilities come from the features' register", async () => {
    const [rootA, rootB] = [workspace("ALPHA"), workspace("BETA")];
    const [a, b] = [serve(rootA), serve(rootB)];
    const capabilities = await start(a, rootA);
    await start(b, rootB);
    expect(Object.keys(capabilities)).toEqual([
      "textDocumentSync",
      "hoverProvider",
      "definitionProvider",
      "referencesProvider",
      "completionProvider",
      "documentSymbolProvider",
      "workspaceSymbolProvider",
      "codeActionProvider",
      "renameProvider",
    ]);
    const names = async (client: MessageConnection) =>
      ((await client.sendRequest<Array<{ name: string }>>("workspace/symbol", { query: "" })) ?? []).map((symbol) => symbol.name).sort();
    expect(await names(a)).toEqual(["@ALPHA/guide"]);
    expect(await names(b)).toEqual(["@BETA/guide"]);
    await a.sendRequest("shutdown");
    expect(await names(b)).toEqual(["@BETA/guide"]);
    await b.sendRequest("shutdown");
    a.dispose();
    b.dispose();
  });
});
