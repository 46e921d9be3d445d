// Cutting a section that is over the per-item bound to the smallest `lines[a:b]` that covers its matching lines
// with a little context; when even that is over the bound, the window that fits with the most weight (lines that
// mention more of the intent weigh more).
import { type Slice, type TokenCounter, normalizeNewlines } from "@catalytic/core";
import { termsIn } from "./terms.js";

export interface Cut {
  slice: Slice;
  tokens: number;
}

function linesOfText(text: string): string[] {
  const lines = text.split(/(?<=\n)/);
  return lines.length > 0 && lines[lines.length - 1] === "" ? lines.slice(0, -1) : lines;
}

/** The window of at most `limit` line tokens with the highest total weight (earliest on ties). */
function densestWindow(lineTokens: number[], weights: number[], limit: number): [number, number] | undefined {
  let best: [number, number] | undefined;
  let bestWeight = -1;
  let start = 0;
  let tokens = 0;
  let weight = 0;
  for (let end = 0; end < lineTokens.length; end++) {
    tokens += lineTokens[end] as number;
    weight += weights[end] as number;
    while (tokens > limit && start <= end) {
      tokens -= lineTokens[start] as number;
      weight -= weights[start] as number;
      start++;
    }
    if (start <= end && weight > bestWeight) {
      best = [start, end + 1];
      bestWeight = weight;
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

  // A line weighs the number of intent terms it mentions, plus one when search matched it.
  const weights = lines.map((line, i) => termsIn(line, terms) + (matched.has(i) ? 1 : 0));
  const matching = weights.map((w) => w > 0);
  const first = matching.indexOf(true);
  const last = matching.lastIndexOf(true);
  const count = (a: number, b: number): number => counter.count(lines.slice(a, b).join(""));
  // No line mentions a term (the heading path matched): the opening of the section.
  let [a, b] = first === -1 ? [0, lines.length] : [Math.max(0, first - context), Math.min(lines.length, last + context + 1)];
  if (count(a, b) > limit) {
    const window = densestWindow(
      lines.map((line) => counter.count(line)),
      weights,
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
