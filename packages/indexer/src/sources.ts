// Which configured sources a workspace file belongs to, and the namespace auto-symbol it gets.
// Pure: the disk walker and the in-memory model both decide membership here.
import type { CatalyticConfig, SourceConfig } from "@catalytic/core";
import { isSymbolId } from "@catalytic/core";
import { matchAny } from "./glob.js";

/** Directories never indexed, whatever the config says. */
export const ALWAYS_SKIPPED = new Set([".catalytic", "node_modules", ".git"]);

export interface SourceSettings {
  sources: readonly SourceConfig[];
  exclude: readonly string[];
}

const sourceRoots = new WeakMap<SourceConfig, string>();

/** The source folder in POSIX form without "./" or a trailing "/" ("" for the root); asked once per file by the walk. */
function sourceRoot(source: SourceConfig): string {
  let root = sourceRoots.get(source);
  if (root === undefined) {
    const trimmed = source.path.replace(/\\/g, "/").replace(/^\.\/?/, "").replace(/\/+$/, "");
    root = trimmed === "." ? "" : trimmed;
    sourceRoots.set(source, root);
  }
  return root;
}

/** Path of `filePath` relative to the source root, or undefined when outside it. */
function relativeToSource(source: SourceConfig, filePath: string): string | undefined {
  const root = sourceRoot(source);
  if (root === "") return filePath;
  return filePath.startsWith(`${root}/`) ? filePath.slice(root.length + 1) : undefined;
}

/** A whole segment that is an always-skipped folder (a regex test: no split, no array per path). */
const SKIPPED_SEGMENT = new RegExp(`(?:^|/)(?:${[...ALWAYS_SKIPPED].map((name) => name.replace(/\./g, "\\.")).join("|")})(?:/|$)`);

/** True when a segment of the POSIX path is an always-skipped folder (.catalytic, node_modules, .git). */
export function hasSkippedSegment(filePath: string): boolean {
  return SKIPPED_SEGMENT.test(filePath);
}

/** Sources that include the file (by their include/exclude globs and the top-level exclude). */
export function sourcesOf(settings: SourceSettings, filePath: string): SourceConfig[] {
  if (hasSkippedSegment(filePath) || matchAny(settings.exclude, filePath)) return [];
  return settings.sources.filter((source) => {
    const relative = relativeToSource(source, filePath);
    return relative !== undefined && matchAny(source.include, relative) && !matchAny(source.exclude, relative);
  });
}

export function settingsOf(config: CatalyticConfig): SourceSettings {
  return { sources: config.sources, exclude: config.exclude };
}

export interface NamespaceSymbol {
  symbolId: string;
  namespace: string;
  /** False when the file name cannot be a symbol name (reported, not dropped). */
  valid: boolean;
}

/** `@NS/<path without extension, relative to the source root>` for every namespaced source of a file. */
export function namespaceSymbols(settings: SourceSettings, filePath: string): NamespaceSymbol[] {
  const out: NamespaceSymbol[] = [];
  for (const source of sourcesOf(settings, filePath)) {
    if (!source.namespace) continue;
    const relative = relativeToSource(source, filePath) as string;
    const base = relative.slice(relative.lastIndexOf("/") + 1);
    const dot = base.lastIndexOf(".");
    const name = dot > 0 ? relative.slice(0, relative.length - (base.length - dot)) : relative;
    const symbolId = `@${source.namespace}/${name}`;
    out.push({ symbolId, namespace: source.namespace, valid: isSymbolId(symbolId) });
  }
  return out;
}
