import { loadTokenCounter, type TokenCounter } from "@catalytic/core";
import { beforeAll, describe, expect, it } from "vitest";
import { cursorKey, decodeCursor, encodeCursor, fitList, fitText } from "./paging.js";

let counter: TokenCounter;
beforeAll(async () => {
  counter = await loadTokenCounter();
});

function pages(text: string, cap: number): string[] {
  const out: string[] = [];
  let offset = 0;
  for (;;) {
    const page = fitText(text, offset, cap, counter, "hint");
    expect(page.tokens).toBeLessThanOrEqual(cap);
    expect(page.tokens).toBe(counter.count(page.value));
    out.push(page.value);
    if (!page.truncated) return out;
    offset = page.next!;
  }
}

describe("fitText", () => {
  it("returns the whole text under the cap, untruncated", () => {
    const page = fitText("one line\n", 0, 100, counter, "hint");
    expect(page).toEqual({ value: "one line\n", tokens: counter.count("one line\n"), truncated: false });
  });

  it("cuts at line ends, and the pages add up to the text", () => {
    const text = Array.from({ length: 40 }, (_, i) => `line ${i}: some words that take a few tokens`).join("\n");
    const parts = pages(text, 30);
    expect(parts.length).toBeGreaterThan(5);
    expect(parts.join("")).toBe(text);
    for (const part of parts.slice(0, -1)) expect(part.endsWith("\n")).toBe(true);
  });

  it("cuts inside a line longer than the cap without splitting a surrogate pair", () => {
    const text = "😀".repeat(200);
    const parts = pages(text, 7);
    expect(parts.join("")).toBe(text);
    for (const part of parts) expect(part.length % 2).toBe(0);
  });
});

describe("fitList", () => {
  it("pages between items and refuses a single item over the cap", () => {
    const items = Array.from({ length: 10 }, (_, i) => ({ id: i, text: "some words here" }));
    const first = fitList(items, 0, 40, counter, "smaller k");
    expect(first.truncated).toBe(true);
    const second = fitList(items, first.next!, 1000, counter, "smaller k");
    expect([...first.value, ...second.value]).toEqual(items);
    expect(() => fitList([{ text: "x ".repeat(100) }], 0, 10, counter, "smaller k")).toThrow(expect.objectContaining({ code: "CAT_OUTPUT_TOO_LARGE", hint: "smaller k" }));
  });
});

describe("cursors", () => {
  it("continue only the request and content version they were issued for", () => {
    const key = cursorKey({ ref: "@A/b" }, "hash1");
    const cursor = encodeCursor("resolve", key, 42);
    expect(decodeCursor(cursor, "resolve", key)).toBe(42);
    expect(decodeCursor(undefined, "resolve", key)).toBe(0);
    const invalid = expect.objectContaining({ code: "CAT_CURSOR_INVALID" });
    expect(() => decodeCursor(cursor, "resolve", cursorKey({ ref: "@A/b" }, "hash2"))).toThrow(invalid);
    expect(() => decodeCursor(cursor, "resolve", cursorKey({ ref: "@A/c" }, "hash1"))).toThrow(invalid);
    expect(() => decodeCursor(cursor, "search", key)).toThrow(invalid);
    expect(() => decodeCursor("not-a-cursor", "resolve", key)).toThrow(invalid);
  });
});
