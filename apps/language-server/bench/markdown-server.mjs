// The comparison: vscode-markdown-languageserver (the language server VS Code's Markdown extension runs,
// built on vscode-markdown-languageservice) as its own process over stdio, driven the way VS Code drives it:
// the client answers its markdown/parse (markdown-it tokens), markdown/fs/* and
// markdown/findMarkdownFilesInWorkspace requests. The same round trip as ours: request -> JSON-RPC -> reply.
import { spawn } from "node:child_process";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import MarkdownIt from "markdown-it";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from "vscode-jsonrpc/node.js";
import { TextDocument } from "vscode-languageserver-textdocument";
import { URI } from "vscode-uri";

const require = createRequire(import.meta.url);
/** The server bundle (self-contained: it needs no other package at run time). */
export const MARKDOWN_SERVER = path.join(path.dirname(require.resolve("vscode-markdown-languageserver/package.json")), "dist/node/workerMain.js");

/** Settings the VS Code Markdown extension sends (markdown.validate.* as for `"markdown.validate.enabled": true`). */
const SETTINGS = {
  markdown: {
    server: { log: "off" },
    preferredMdPathExtensionStyle: "auto",
    suggest: { paths: { enabled: true, includeWorkspaceHeaderCompletions: "never" } },
    validate: {
      enabled: true,
      referenceLinks: { enabled: "warning" },
      fragmentLinks: { enabled: "warning" },
      fileLinks: { enabled: "warning", markdownFragmentLinks: "inherit" },
      ignoredLinks: [],
      unusedLinkDefinitions: { enabled: "hint" },
      duplicateLinkDefinitions: { enabled: "warning" },
    },
  },
};

/**
 * Spawns the server on `root`, opens `documents` ({ file, text }), and returns a client with timed requests.
 * `files` lists every Markdown file of the workspace (the answer to markdown/findMarkdownFilesInWorkspace).
 */
export async function startMarkdownServer({ root, files }) {
  const child = spawn(process.execPath, [MARKDOWN_SERVER, "--stdio"], { cwd: root, stdio: ["pipe", "pipe", "inherit"] });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const md = new MarkdownIt({ html: true });
  const open = new Map();
  const uriOf = (file) => URI.file(path.join(root, file)).toString();
  const textOf = (uri) => open.get(uri)?.getText() ?? readFileSync(URI.parse(uri).fsPath, "utf8");
  connection.onRequest("markdown/parse", ({ uri, text }) => md.parse(text ?? textOf(uri), {}));
  connection.onRequest("markdown/fs/readFile", ({ uri }) => [...readFileSync(URI.parse(uri).fsPath)]);
  connection.onRequest("markdown/fs/stat", ({ uri }) => {
    try {
      return { isDirectory: statSync(URI.parse(uri).fsPath).isDirectory() };
    } catch {
      return undefined;
    }
  });
  connection.onRequest("markdown/fs/readDirectory", ({ uri }) =>
    readdirSync(URI.parse(uri).fsPath, { withFileTypes: true }).map((entry) => [entry.name, { isDirectory: entry.isDirectory() }]),
  );
  connection.onRequest("markdown/findMarkdownFilesInWorkspace", () => files.map(uriOf));
  connection.onRequest("markdown/fs/watcher/create", () => null);
  connection.onRequest("markdown/fs/watcher/delete", () => null);
  connection.onRequest("workspace/configuration", (params) => params.items.map(() => SETTINGS));
  connection.onRequest("client/registerCapability", () => null);
  connection.onRequest("workspace/diagnostic/refresh", () => null);
  connection.onNotification(() => undefined);
  connection.listen();
  await connection.sendRequest("initialize", {
    processId: process.pid,
    rootUri: URI.file(root).toString(),
    workspaceFolders: [{ uri: URI.file(root).toString(), name: "bench" }],
    capabilities: { textDocument: { diagnostic: { dynamicRegistration: false } }, workspace: { configuration: true } },
    initializationOptions: { markdownFileExtensions: ["md"] },
  });
  await connection.sendNotification("initialized", {});
  await connection.sendNotification("workspace/didChangeConfiguration", { settings: SETTINGS });
  return {
    child,
    uriOf,
    async didOpen(file, text) {
      const uri = uriOf(file);
      open.set(uri, TextDocument.create(uri, "markdown", 1, text));
      await connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "markdown", version: 1, text } });
    },
    async didChange(file, changes) {
      const uri = uriOf(file);
      const document = open.get(uri);
      const next = TextDocument.update(document, changes, document.version + 1);
      open.set(uri, next);
      await connection.sendNotification("textDocument/didChange", { textDocument: { uri, version: next.version }, contentChanges: changes });
    },
    request: (method, params) => connection.sendRequest(method, params),
    async stop() {
      await connection.sendRequest("shutdown");
      await connection.sendNotification("exit");
      connection.dispose();
    },
  };
}
