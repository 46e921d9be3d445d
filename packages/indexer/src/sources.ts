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

/** The source folder in POSIX form without "./" or a trailing "/" ("" for the root). */
function sourceRoot(source: SourceConfig): string {
  const trimmed = source.path.replace(/\\/g, "/").replace(/^\.\/?/, "").replace(/\/+$/, "");
  return trimmed === "." ? "" : trimmed;
}

/** Path of `filePath` relative to the source root, or undefined when outside it. */
function relativeToSource(source: SourceConfig, filePath: string): string | undefined {
  const root = sourceRoot(source);
  if (root === "") return filePath;
  return filePath.startsWith(`${root}/`) ? filePath.slice(root.length + 1) : undefined;
}

/** True when a segment of the POSIX path is an always-skipped folder (.catalytic, node_modules, .git). */
export function hasSkippedSegment(filePath: string): boolean {
  for (const segment of filePath.split("/")) if (ALWAYS_SKIPPED.has(segment)) return true;
  return false;
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
