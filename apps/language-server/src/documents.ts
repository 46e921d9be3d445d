// Documents as features see them: open buffers win over the disk; references are scanned once per
// content version and cached; URIs map to workspace-relative POSIX paths and back.
import path from "node:path";
import { scanReferences, toPosixRelative, type ReferenceMatch } from "@catalytic/core";
import { fileKind, readRegularFile } from "@catalytic/indexer";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { URI } from "vscode-uri";
import type { DocumentsView } from "./host.js";
import { detached, rescanAfterEdit } from "./reference-rescan.js";

const MAX_CACHED_URIS = 10_000;

export class DocumentStore implements DocumentsView {
  private readonly openByPath = new Map<string, TextDocument>();
  /** Scans by content version; open documents keep their scanned text so an edit re-scans only around itself. */
  private readonly referenceCache = new Map<string, { version: number | "disk"; matches: ReferenceMatch[]; text?: string }>();
  /** Markdown files known on disk (sources of the model and any other scanned file). */
  private readonly diskMarkdown = new Set<string>();
  private sortedFiles: string[] | undefined;
  /** Workspace paths by URI: every request names its document by URI, and parsing one costs more than the request. */
  private readonly pathsByUri = new Map<string, string | undefined>();
  /** And back: definitions and references answer URIs of files on disk (building one costs more than the lookup). */
  private readonly urisByPath = new Map<string, string>();

  constructor(
    readonly root: string,
    private readonly onReadError: (file: string, error: unknown) => void,
  ) {}

  pathOf(uri: string): string | undefined {
    if (this.pathsByUri.has(uri)) return this.pathsByUri.get(uri);
    const file = this.parsePath(uri);
    if (this.pathsByUri.size >= MAX_CACHED_URIS) this.pathsByUri.clear();
    this.pathsByUri.set(uri, file);
    return file;
  }

  private parsePath(uri: string): string | undefined {
    let fsPath: string;
    try {
      const parsed = URI.parse(uri);
      if (parsed.scheme !== "file") return undefined;
      fsPath = parsed.fsPath;
    } catch {
      return undefined;
    }
    const relative = toPosixRelative(this.root, fsPath);
    if (relative === "" || relative.startsWith("../") || relative === ".." || path.isAbsolute(relative)) return undefined;
    return relative;
  }

  uriOf(file: string): string {
    const open = this.openByPath.get(file);
    if (open) return open.uri;
    let uri = this.urisByPath.get(file);
    if (uri === undefined) {
      uri = URI.file(path.join(this.root, file)).toString();
      if (this.urisByPath.size >= MAX_CACHED_URIS) this.urisByPath.clear();
      this.urisByPath.set(file, uri);
    }
    return uri;
  }

  open(uri: string): TextDocument | undefined {
    const file = this.pathOf(uri);
    return file === undefined ? undefined : this.openByPath.get(file);
  }

  isOpen(file: string): boolean {
    return this.openByPath.has(file);
  }

  openFiles(): string[] {
    return [...this.openByPath.keys()];
  }

  setOpen(file: string, document: TextDocument | undefined): void {
    const wasOpen = this.openByPath.has(file);
    if (document) this.openByPath.set(file, document);
    else this.openByPath.delete(file);
    // An edit keeps the previous scan (with its text) for an incremental re-scan; open and close drop it.
    if (!wasOpen || !document) this.referenceCache.delete(file);
    if (wasOpen !== (document !== undefined)) this.sortedFiles = undefined;
  }

  /** Registers a Markdown file of the workspace (or forgets it) and drops its cached scan. */
  setDiskFile(file: string, present: boolean): void {
    this.referenceCache.delete(file);
    if (fileKind(file) !== "markdown") return;
    if (present) this.diskMarkdown.add(file);
    else this.diskMarkdown.delete(file);
    this.sortedFiles = undefined;
  }

  clearDiskFiles(): void {
    this.diskMarkdown.clear();
    this.referenceCache.clear();
    this.sortedFiles = undefined;
  }

  text(file: string): string | undefined {
    const open = this.openByPath.get(file);
    if (open) return open.getText();
    return this.readDisk(file);
  }

  readDisk(file: string): string | undefined {
    try {
      // A FIFO appearing in the workspace must not block the server: only regular files are read.
      return readRegularFile(path.join(this.root, file), file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") this.onReadError(file, error);
      return undefined;
    }
  }

  /** Seeds the scan cache from text already read (initial load), so the disk is not read twice. */
  primeReferences(file: string, text: string): void {
    if (this.openByPath.has(file) || fileKind(file) !== "markdown") return;
    this.referenceCache.set(file, { version: "disk", matches: scanReferences(text) });
  }

  /** References in a Markdown file (other files have none: JSON keys and code are not prose). */
  references(file: string): ReferenceMatch[] {
    if (fileKind(file) !== "markdown") return [];
    const open = this.openByPath.get(file);
    const version = open ? open.version : "disk";
    const cached = this.referenceCache.get(file);
    if (cached && cached.version === version) return cached.matches;
    if (open) {
      const text = open.getText();
      const matches = (cached?.text !== undefined ? rescanAfterEdit(cached.text, cached.matches, text) : undefined) ?? detached(scanReferences(text));
      this.referenceCache.set(file, { version, matches, text });
      return matches;
    }
    const text = this.readDisk(file);
    const matches = text === undefined ? [] : scanReferences(text);
    this.referenceCache.set(file, { version, matches });
    return matches;
  }

  markdownFiles(): string[] {
    if (!this.sortedFiles) {
      const all = new Set(this.diskMarkdown);
      for (const file of this.openByPath.keys()) if (fileKind(file) === "markdown") all.add(file);
      this.sortedFiles = [...all].sort();
    }
    return this.sortedFiles;
  }
}
