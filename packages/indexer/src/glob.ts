// Minimal glob matching for catalytic.json include/exclude patterns: `**`, `*`, `?`, `{a,b}`, `[abc]`.
// Patterns match POSIX paths relative to a source root; a pattern without `/` also matches at any depth
// only when it starts with `**/` (explicit), so `*.md` means "Markdown files in the source root".

const cache = new Map<string, RegExp>();

function escapeChar(char: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(char) ? `\\${char}` : char;
}

function translate(pattern: string): string {
  let out = "";
  let braceDepth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === "*") {
      if (pattern[i + 1] === "*") {
        const atSegmentStart = i === 0 || pattern[i - 1] === "/";
        const atSegmentEnd = i + 2 === pattern.length || pattern[i + 2] === "/";
        if (atSegmentStart && atSegmentEnd) {
          if (pattern[i + 2] === "/") {
            out += "(?:[^/]+/)*"; // `**/` = zero or more whole directories
            i += 2;
          } else {
            out += ".*";
            i += 1;
          }
          continue;
        }
        i += 1; // `a**b` behaves like `a*b`
      }
      out += "[^/]*";
    } else if (char === "?") {
      out += "[^/]";
    } else if (char === "{") {
      braceDepth++;
      out += "(?:";
    } else if (char === "}" && braceDepth > 0) {
      braceDepth--;
      out += ")";
    } else if (char === "," && braceDepth > 0) {
      out += "|";
    } else if (char === "[") {
      const close = pattern.indexOf("]", i + 2);
      if (close === -1) {
        out += "\\[";
      } else {
        const body = pattern.slice(i + 1, close).replace(/^!/, "^").replace(/\\/g, "\\\\");
        out += `[${body}]`;
        i = close;
      }
    } else {
      out += escapeChar(char);
    }
  }
  return out;
}

/** Compiles a glob to an anchored RegExp (memoised: patterns come from a small config). */
export function globToRegExp(pattern: string): RegExp {
  let compiled = cache.get(pattern);
  if (!compiled) {
    compiled = new RegExp(`^${translate(pattern.replace(/^\.\//, ""))}$`);
    cache.set(pattern, compiled);
  }
  return compiled;
}

/** True when the POSIX relative path matches the glob. */
export function matchGlob(pattern: string, relativePath: string): boolean {
  return globToRegExp(pattern).test(relativePath);
}

export function matchAny(patterns: readonly string[], relativePath: string): boolean {
  for (const pattern of patterns) if (globToRegExp(pattern).test(relativePath)) return true;
  return false;
}
