// Read-only documents: resolved symbols and plans (kept in memory), and content-store objects fetched from the
// server with `catalytic/readCas` (the receipt view's diff). Both schemes are read-only in the editor.
import * as vscode from "vscode";
import { CatalyticMethods, type ReadCasResult } from "@catalytic/core/protocol";
import type { CatalyticClient } from "./client.js";

export const DOCUMENT_SCHEME = "catalytic";
export const CAS_SCHEME = "catalytic-cas";
/** Stands for "no content" on the left of a diff when a write created the file. */
export const EMPTY_CAS_HASH = "empty";

export class ReadOnlyDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changeEmitter.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? "";
  }

  /** Opens (or updates) a read-only editor named `name` with `content`. */
  async show(name: string, content: string, language: string): Promise<vscode.TextEditor> {
    const uri = vscode.Uri.from({ scheme: DOCUMENT_SCHEME, path: `/${name}` });
    this.contents.set(uri.toString(), content);
    this.changeEmitter.fire(uri);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(document, language);
    return vscode.window.showTextDocument(document, { preview: false });
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }
}

export class CasDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly client: CatalyticClient) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const hash = uri.path.split("/")[1] ?? "";
    if (hash === EMPTY_CAS_HASH) return "";
    const result = await this.client.request<ReadCasResult>(CatalyticMethods.readCas, { hash });
    return result.text;
  }
}

/** `catalytic-cas:/<hash>/<file name>`: the file name gives the editor its language and the diff its title. */
export function casUri(hash: string | undefined, file: string): vscode.Uri {
  const name = file.split("/").pop() || "content";
  return vscode.Uri.from({ scheme: CAS_SCHEME, path: `/${hash ?? EMPTY_CAS_HASH}/${name}` });
}
