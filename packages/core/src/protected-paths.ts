// Paths no plan may write: Catalytic's own state, git metadata, and files that make tools run commands.
// Matched on a normalised, case-folded form of the path, so `./.GIT//config` is `.git/config` (docs/security.md).
import path from "node:path";
import { WorkspaceError } from "./errors.js";

export interface ProtectedRule {
  pattern: string;
  /** "default" (always on) or "catalytic.json" (`protected_paths`). */
  source: "default" | "catalytic.json";
  /** Why the path is protected. */
  why: string;
}

/** Always protected; `protected_paths` in catalytic.json adds to these, it cannot remove them. */
export const DEFAULT_PROTECTED_PATHS: readonly ProtectedRule[] = [
  { pattern: ".catalytic/**", source: "default", why: "the ledger, the content store and the index: writing them destroys history and restore" },
  { pattern: "**/.git/**", source: "default", why: "git config and hooks run commands (core.fsmonitor, hooks), also in nested repositories" },
  { pattern: "catalytic.json", source: "default", why: "the configuration names the commands RUN_TEST may run" },
  { pattern: "catalytic.symbols.json", source: "default", why: "the symbol registry decides what every reference expands to" },
  { pattern: "**/.gitattributes", source: "default", why: "attributes select the filter and diff drivers git runs" },
  { pattern: ".gitmodules", source: "default", why: "submodule entries decide what 'git submodule update' fetches and checks out" },
  { pattern: ".husky/**", source: "default", why: "git hooks kept in the tree (core.hooksPath) run on commit and push" },
  { pattern: ".vscode/**", source: "default", why: "editor tasks and settings run commands when the folder is opened" },
  { pattern: "**/.envrc", source: "default", why: "direnv runs .envrc when a shell enters the folder" },
];

/**
 * The form a path is compared in: POSIX separators, `.`/`..`/empty segments resolved, Unicode NFC, lower case,
 * trailing dots and spaces of each segment dropped (Windows ignores them). Case-insensitive on every platform:
 * on a case-sensitive file system refusing `.GIT/config` costs nothing; on the others it is the same file.
 */
export function protectionKey(relativePath: string): string {
  const posix = path.posix.normalize(relativePath.replace(/\\/g, "/").normalize("NFC").toLowerCase());
  return posix
    .split("/")
    .map((segment) => (segment === "." || segment === ".." ? segment : segment.replace(/[. ]+$/, "")))
    .filter((segment) => segment !== "" && segment !== ".")
    .join("/");
}

/** One glob segment (`*`, `?`, literals) as a regular expression. */
function segmentRegex(segment: string): RegExp {
  const body = segment.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]");
  return new RegExp(`^${body}$`);
}

/** Whether `segments` match the pattern segments; `**` matches zero or more whole segments. */
function matchSegments(pattern: readonly string[], segments: readonly string[]): boolean {
  if (pattern.length === 0) return segments.length === 0;
  const [head, ...rest] = pattern as [string, ...string[]];
  if (head === "**") {
    for (let i = 0; i <= segments.length; i++) if (matchSegments(rest, segments.slice(i))) return true;
    return false;
  }
  return segments.length > 0 && segmentRegex(head).test(segments[0] as string) && matchSegments(rest, segments.slice(1));
}

/** The first rule (defaults first, then `extra` from catalytic.json) protecting `relativePath`, if any. */
export function protectedRuleFor(relativePath: string, extra: readonly string[] = []): ProtectedRule | undefined {
  const key = protectionKey(relativePath).split("/");
  const rules = [...DEFAULT_PROTECTED_PATHS, ...extra.map((pattern): ProtectedRule => ({ pattern, source: "catalytic.json", why: "listed in protected_paths" }))];
  return rules.find((rule) => matchSegments(protectionKey(rule.pattern).split("/"), key));
}

/** Throws CAT_PATH_PROTECTED, naming the rule, when a plan may not write `relativePath`. */
export function assertWritable(relativePath: string, extra: readonly string[] = []): void {
  const rule = protectedRuleFor(relativePath, extra);
  if (!rule) return;
  throw new WorkspaceError("CAT_PATH_PROTECTED", `${JSON.stringify(relativePath)} is protected by rule ${JSON.stringify(rule.pattern)} (${rule.source}): ${rule.why}`, {
    hint: "plans never write protected paths; change the file by hand if you mean it (see docs/security.md)",
    details: { path: relativePath, rule: rule.pattern, source: rule.source },
  });
}
