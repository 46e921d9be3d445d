// The comparison: vscode-markdown-languageservice (the Markdown language service VS Code ships) over the
// same workspace, in process: definition on a Markdown link and document diagnostics of the 1 MB file.
import { readFileSync } from "node:fs";
import path from "node:path";
import MarkdownIt from "markdown-it";
import { TextDocument } from "vscode-languageserver-textdocument";
import { CancellationTokenSource, Emitter } from "vscode-languageserver-protocol";
import { DiagnosticLevel, LogLevel, createLanguageService, githubSlugifier } from "vscode-markdown-languageservice";
import { URI } from "vscode-uri";

function createWorkspaceView(root, files) {
  const documents = new Map();
  const load = (file) => {
    const uri = URI.file(path.join(root, file)).toString();
    if (!documents.has(uri)) documents.set(uri, TextDocument.create(uri, "markdown", 1, readFileSync(path.join(root, file), "utf8")));
    return documents.get(uri);
  };
  for (const file of files) load(file);
  const directories = new Map();
  for (const file of files) {
    const parts = file.split("/");
    for (let i = 0; i < parts.length; i++) {
      const dir = parts.slice(0, i).join("/");
      if (!directories.has(dir)) directories.set(dir, new Map());
      directories.get(dir).set(parts[i], { isDirectory: i < parts.length - 1 });
    }
  }
  const relative = (uri) => path.relative(root, uri.fsPath).split(path.sep).join("/");
  return {
    documents,
    workspace: {
      workspaceFolders: [URI.file(root)],
      onDidChangeMarkdownDocument: new Emitter().event,
      onDidCreateMarkdownDocument: new Emitter().event,
      onDidDeleteMarkdownDocument: new Emitter().event,
      getAllMarkdownDocuments: async () => documents.values(),
      hasMarkdownDocument: (uri) => documents.has(uri.toString()),
      openMarkdownDocument: async (uri) => documents.get(uri.toString()),
      stat: async (uri) => {
        const rel = relative(uri);
        if (documents.has(uri.toString())) return { isDirectory: false };
        return directories.has(rel) ? { isDirectory: true } : undefined;
      },
      readDirectory: async (uri) => [...(directories.get(relative(uri)) ?? new Map()).entries()],
    },
  };
}

/** Per-call latencies (ms) of the Markdown service for the two operations we compare. */
export async function measureMarkdownService({ root, files, linksFile, linksText, definitionCount, diagnosticsRuns }) {
  const view = createWorkspaceView(root, files);
  const md = new MarkdownIt({ html: true });
  const parser = { slugifier: githubSlugifier, tokenize: async (document) => md.parse(document.getText(), {}) };
  const logger = { level: LogLevel.Off, log: () => undefined };
  const service = createLanguageService({ workspace: view.workspace, parser, logger });
  const token = new CancellationTokenSource().token;
  const uri = URI.file(path.join(root, linksFile)).toString();
  let document = view.documents.get(uri);
  // Positions inside the link targets of the reference lines.
  const positions = [];
  linksText.split("\n").forEach((line, i) => {
    if (!line.startsWith("Refs: [")) return;
    const at = line.indexOf("](") + 4;
    positions.push({ line: i, character: at });
  });
  await service.getDefinition(document, positions[0], token); // warm up the caches
  const definition = [];
  for (let i = 0; i < definitionCount; i++) {
    const started = performance.now();
    await service.getDefinition(document, positions[i % positions.length], token);
    definition.push(performance.now() - started);
  }
  const options = {
    validateReferences: DiagnosticLevel.error,
    validateFragmentLinks: DiagnosticLevel.error,
    validateFileLinks: DiagnosticLevel.error,
    validateMarkdownFileLinkFragments: DiagnosticLevel.error,
    validateUnusedLinkDefinitions: DiagnosticLevel.ignore,
    validateDuplicateLinkDefinitions: DiagnosticLevel.ignore,
    ignoreLinks: [],
  };
  await service.computeDiagnostics(document, options, token);
  const diagnostics = [];
  let lastCount = 0;
  for (let i = 0; i < diagnosticsRuns; i++) {
    // The same one-character edit as on our side: a new document version.
    document = TextDocument.update(document, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: i % 2 === 0 ? 0 : 1 } }, text: i % 2 === 0 ? "x" : "" }], document.version + 1);
    view.documents.set(uri, document);
    const started = performance.now();
    lastCount = (await service.computeDiagnostics(document, options, token)).length;
    diagnostics.push(performance.now() - started);
  }
  service.dispose?.();
  return { definition, diagnostics, diagnosticsCount: lastCount };
}
