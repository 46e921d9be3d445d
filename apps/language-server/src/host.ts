// The interfaces every feature takes: the indexer's in-memory WorkspaceModel, the documents (open
// buffers over disk) and a logger. Features are pure functions over these, so unit tests run them in
// memory against the real model.
import type { Logger, ReferenceMatch } from "@catalytic/core";
import type { WorkspaceModel } from "@catalytic/indexer";
import type { Connection, Diagnostic, ServerCapabilities, TextEdit } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { Guarded } from "./guard.js";
import type { TokenCounts } from "./token-counts.js";

export interface DocumentsView {
  /** Workspace-relative POSIX path of a URI, undefined when outside the workspace. */
  pathOf(uri: string): string | undefined;
  /** URI for a workspace-relative path (the client's own URI when the file is open). */
  uriOf(path: string): string;
  /** Open buffer of a URI. */
  open(uri: string): TextDocument | undefined;
  /** Current text of a file: the open buffer, else the disk. */
  text(path: string): string | undefined;
  /** Scanned references of a file (cached per content version). */
  references(path: string): ReferenceMatch[];
  /** Every Markdown file of the workspace, open buffers included. */
  markdownFiles(): string[];
}

export interface FeatureContext {
  model: WorkspaceModel;
  docs: DocumentsView;
  logger: Logger;
  /** Hover previews are capped at this many characters. */
  hoverPreviewChars: number;
  /** Token counts for hovers (counted out of process, token-counts.ts); none shown without it. */
  tokens?: TokenCounts;
}

/** The edit that re-pins a stale SECTION symbol to the section now at its place (the host computes it). */
export type RepinEdit = (symbolId: string) => { uri: string; edits: TextEdit[] } | undefined;

/** What a feature's `register` is given: the current workspace's context and the one error wrapper. */
export interface FeatureServices {
  /** The feature context of the served workspace (valid from `initialize` on). */
  context(): FeatureContext;
  repinEdit: RepinEdit;
  guarded: Guarded;
}

/** A feature: registers its handler(s) on the connection and returns the capability it serves. */
export type RegisterFeature = (connection: Connection, services: FeatureServices) => ServerCapabilities;

/** A reference's verdict (a diagnostic without its range, or null when fine) and the file it resolves into. */
export interface CheckedReference {
  verdict: Omit<Diagnostic, "range"> | null;
  target?: string;
}

/** Verdicts by `symbolId`, `#slug` and slice, shared across files until the model changes (the host owns it). */
export type VerdictCache = Map<string, CheckedReference>;

/** A cancellation token; long handlers check it between files. */
export interface Cancellation {
  readonly isCancellationRequested: boolean;
}

/** Lets queued messages (such as $/cancelRequest) in between chunks of a long handler. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Files per chunk between yields in workspace-wide handlers. */
export const CHUNK = 64;
