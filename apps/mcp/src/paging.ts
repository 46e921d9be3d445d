// Output caps (docs/mcp.md#budgets): a payload or a list past the cap is cut where it still fits and
// marked `truncated` with a cursor that continues it; what cannot fit at all is CAT_OUTPUT_TOO_LARGE.
import { InputError, canonicalJson, sha256Hex, type TokenCounter } from "@catalytic/core";

interface Page<T> {
  value: T;
  tokens: number;
  truncated: boolean;
  /** Offset the next page starts at (characters of a payload, items of a list). */
  next?: number;
}

function tooLarge(what: string, cap: number, hint: string): InputError {
  return new InputError("CAT_OUTPUT_TOO_LARGE", `${what} does not fit the output cap of ${cap} tokens`, { hint, details: { cap_tokens: cap } });
}

/** Largest index in [lo, hi] with fits(i), given fits is monotone and fits(lo) holds. */
function largest(lo: number, hi: number, fits: (i: number) => boolean): number {
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** `text` from `offset`, cut at the last line end (else character) that keeps it within `cap` tokens. */
export function fitText(text: string, offset: number, cap: number, counter: TokenCounter, hint: string): Page<string> {
  const rest = text.slice(offset);
  const all = counter.count(rest);
  if (all <= cap) return { value: rest, tokens: all, truncated: false };
  const fits = (end: number) => counter.count(rest.slice(0, end)) <= cap;
  const lineEnds = [0];
  for (let i = rest.indexOf("\n"); i !== -1; i = rest.indexOf("\n", i + 1)) lineEnds.push(i + 1);
  let end = lineEnds[largest(0, lineEnds.length - 1, (i) => fits(lineEnds[i]!))]!;
  if (end === 0) {
    end = largest(0, rest.length, fits);
    // never split a surrogate pair
    if (end > 0 && /[\uD800-\uDBFF]/.test(rest[end - 1]!)) end--;
  }
  if (end === 0) throw tooLarge("not even the first character of the payload", cap, hint);
  const value = rest.slice(0, end);
  return { value, tokens: counter.count(value), truncated: true, next: offset + end };
}

/** Items from `offset` while their canonical JSON stays within `cap` tokens in total. */
export function fitList<T>(items: readonly T[], offset: number, cap: number, counter: TokenCounter, hint: string): Page<T[]> {
  const taken: T[] = [];
  let tokens = 0;
  for (let i = offset; i < items.length; i++) {
    const cost = counter.count(canonicalJson(items[i] as never));
    if (tokens + cost > cap) {
      if (taken.length === 0) throw tooLarge("a single result", cap, hint);
      return { value: taken, tokens, truncated: true, next: i };
    }
    taken.push(items[i] as T);
    tokens += cost;
  }
  return { value: taken, tokens, truncated: false };
}

interface CursorState {
  v: 1;
  tool: string;
  /** Hash of the request the cursor continues and of the content it was cut from. */
  key: string;
  offset: number;
}

/** The hash a cursor binds to: the call's arguments (without the cursor) and the content version. */
export function cursorKey(args: unknown, contentHash: string): string {
  return sha256Hex(`${canonicalJson(args as never)}\n${contentHash}`).slice(0, 32);
}

export function encodeCursor(tool: string, key: string, offset: number): string {
  return Buffer.from(JSON.stringify({ v: 1, tool, key, offset } satisfies CursorState)).toString("base64url");
}

/** The offset a cursor continues from; CAT_CURSOR_INVALID when it belongs to another request or the content changed. */
export function decodeCursor(cursor: string | undefined, tool: string, key: string): number {
  if (cursor === undefined) return 0;
  let state: Partial<CursorState> | undefined;
  try {
    state = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as Partial<CursorState>;
  } catch {
    state = undefined;
  }
  if (!state || state.v !== 1 || typeof state.offset !== "number" || !Number.isSafeInteger(state.offset) || state.offset < 0) {
    throw new InputError("CAT_CURSOR_INVALID", "the cursor is not one this server issued", { hint: "pass next_cursor exactly as a previous result returned it" });
  }
  if (state.tool !== tool || state.key !== key) {
    throw new InputError("CAT_CURSOR_INVALID", `the cursor belongs to another ${state.tool === tool ? "request, or the content changed since" : `tool (${String(state.tool)})`}`, {
      hint: "repeat the call with the same arguments as the one that returned the cursor, or start again without a cursor",
    });
  }
  return state.offset;
}
