// The hover token counts' failure modes with real processes: a counter that is missing or keeps dying leaves
// the count out (undefined), never a guess, and stops being restarted after three failures.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { ForkedTokenCounts } from "./token-counts.js";

let dir: string;
const warnings: string[] = [];
const logger = { info: () => undefined, warn: (message: string) => void warnings.push(message), error: (message: string) => void warnings.push(message) };

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "catalytic-counts-"));
  warnings.length = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("ForkedTokenCounts", () => {
  test("no counter file: no count, one warning, nothing started", async () => {
    const counts = new ForkedTokenCounts(path.join(dir, "token-counter.cjs"), logger);
    expect(await counts.count("some text")).toBeUndefined();
    expect(await counts.count("other text")).toBeUndefined();
    expect(counts.started).toBe(0);
    expect(warnings).toEqual([expect.stringContaining("hovers show no token count")]);
  });

  test("a counter that dies: no count; after three deaths it is not started again", async () => {
    const file = path.join(dir, "token-counter.cjs");
    writeFileSync(file, "process.exit(3);\n");
    const counts = new ForkedTokenCounts(file, logger);
    for (const text of ["a", "b", "c", "d"]) expect(await counts.count(text)).toBeUndefined();
    expect(counts.started).toBe(3);
    expect(warnings.some((w) => w.includes("ended unexpectedly 3 times"))).toBe(true);
  });

  test("counts come back by request id and are cached by text; the same text asked twice at once is asked once", async () => {
    const file = path.join(dir, "token-counter.cjs");
    // A stand-in counter speaking the same protocol (the real one needs the bundled tokenizer; tests/lsp runs it).
    writeFileSync(file, 'let asked = 0; process.on("message", (m) => process.send({ id: m.id, count: m.text.length * 10 + ++asked })); process.on("disconnect", () => process.exit(0));\n');
    const counts = new ForkedTokenCounts(file, logger);
    try {
      const [a, b, c] = await Promise.all([counts.count("abc"), counts.count("abc"), counts.count("de")]);
      expect([a, b, c]).toEqual([31, 31, 22]);
      expect(counts.known("abc")).toBe(31);
      expect(await counts.count("abc")).toBe(31);
      expect(counts.known("never")).toBeUndefined();
      expect(counts.started).toBe(1);
    } finally {
      counts.stop();
    }
  });

  test("an idle counter is ended and a later count starts another; cached counts need none", async () => {
    const file = path.join(dir, "token-counter.cjs");
    writeFileSync(file, 'process.on("message", (m) => process.send({ id: m.id, count: m.text.length })); process.on("disconnect", () => process.exit(0));\n');
    const counts = new ForkedTokenCounts(file, logger, 20);
    try {
      expect(await counts.count("four")).toBe(4);
      // Past the idle time the process is ended (stop() kills it); wait until it is gone, then count again.
      const first = counts.pid;
      expect(first).toBeDefined();
      await expect.poll(() => counts.pid, { timeout: 5000 }).toBeUndefined();
      expect(await counts.count("four")).toBe(4);
      expect(counts.started).toBe(1);
      expect(await counts.count("seven!!")).toBe(7);
      expect(counts.started).toBe(2);
    } finally {
      counts.stop();
    }
  });
});
