// Cutting a section that is over the per-item bound to the smallest `lines[a:b]` that covers its matching lines
// with a little context; when even that is over the bound, the window with the most matching lines that fits.
import { type Slice, type TokenCounter, normalizeNewlines } from "@catalytic/core";
import { lineMatches } from "./terms.js";

export interface Cut {
  slice: Slice;
  tokens: number;
}

function linesOfText(text: string): string[] {
  const lines = text.split(/(?<=\n)/);
  return lines.length > 0 && lines[lines.length - 1] === "" ? lines.slice(0, -1) : lines;
}

/** The window of at most `limit` line tokens with the most matching lines (earliest on ties). */
function densestWindow(lineTokens: number[], matching: boolean[], limit: number): [number, number] | undefined {
  let best: [number, number] | undefined;
  let bestMatches = -1;
  let start = 0;
  let tokens = 0;
  let matches = 0;
  for (let end = 0; end < lineTokens.length; end++) {
    tokens += lineTokens[end] as number;
    if (matching[end]) matches++;
    while (tokens > limit && start <= end) {
      tokens -= lineTokens[start] as number;
      if (matching[start]) matches--;
      start++;
    }
    if (start <= end && matches > bestMatches) {
      best = [start, end + 1];
      bestMatches = matches;
    }
  }
  return best;
}

/**
 * A bounded slice of `text` of at most `limit` tokens, or undefined when not even one line fits. Sections within the
 * bound are taken whole (`lines[0:n]`). Matching lines: those the search reported (`matched`, 0-based within the
 * section) and those mentioning a term (which also finds them in sub-sections, whose text search scores apart).
 */
export function cutSection(
  text: string,
  terms: readonly string[],
  matched: ReadonlySet<number>,
  counter: TokenCounter,
  limit: number,
  context: number,
): Cut | undefined {
  const normalized = normalizeNewlines(text);
  const lines = linesOfText(normalized);
  if (lines.length === 0) return undefined;
  const whole = counter.count(normalized);
  if (whole <= limit) return { slice: { kind: "lines", start: 0, end: lines.length }, tokens: whole };

  const matching = lines.map((line, i) => matched.has(i) || lineMatches(line, terms));
  const first = matching.indexOf(true);
  const last = matching.lastIndexOf(true);
  const count = (a: number, b: number): number => counter.count(lines.slice(a, b).join(""));
  // No line mentions a term (the heading path matched): the opening of the section.
  let [a, b] = first === -1 ? [0, lines.length] : [Math.max(0, first - context), Math.min(lines.length, last + context + 1)];
  if (count(a, b) > limit) {
    const window = densestWindow(
      lines.map((line) => counter.count(line)),
      matching,
      limit,
    );
    if (!window) return undefined;
    [a, b] = window;
    // Narrow the window to its matching lines plus context (the loop below keeps it within the bound).
    const inside = matching.slice(a, b);
    if (inside.includes(true)) {
      const lo = a + inside.indexOf(true);
      const hi = a + inside.lastIndexOf(true);
      [a, b] = [Math.max(0, lo - context), Math.min(lines.length, hi + context + 1)];
    }
  }
  // Line counts are summed per line; BPE merges across lines can differ slightly: shrink until exact.
  let tokens = count(a, b);
  while (tokens > limit && b - a > 1) tokens = count(a, --b);
  if (tokens > limit) return undefined;
  return { slice: { kind: "lines", start: a, end: b }, tokens };
}
