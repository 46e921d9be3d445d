// The scheduler's timing rules with a recording sink and real timers (debounce 40 ms).
import type { Diagnostic } from "vscode-languageserver";
import { describe, expect, test } from "vitest";
import { DiagnosticsScheduler } from "./diagnostics-scheduler.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const diagnostic = (message: string): Diagnostic => ({ message, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } } });

function recorder(options: { declineFast?: boolean; results?: Record<string, Diagnostic[]> } = {}) {
  const computed: string[] = [];
  const published: Array<[string, number]> = [];
  const sink = {
    compute: (file: string, fast: boolean) => {
      computed.push(`${fast ? "fast" : "full"}:${file}`);
      if (fast && options.declineFast) return undefined;
      return options.results?.[file] ?? [];
    },
    publish: (file: string, diagnostics: Diagnostic[]) => void published.push([file, diagnostics.length]),
    isOpen: (file: string) => file.startsWith("open/"),
    onError: () => undefined,
  };
  return { sink, computed, published };
}

describe("DiagnosticsScheduler", () => {
  test("an edit after a quiet spell is checked fast at once, then fully when edits settle", async () => {
    const { sink, computed, published } = recorder();
    const scheduler = new DiagnosticsScheduler(sink, 40);
    scheduler.edited("open/a.md", ["open/b.md"]);
    await sleep(5);
    expect(computed).toEqual(["fast:open/a.md"]);
    expect(published).toEqual([["open/a.md", 0]]);
    await sleep(60);
    expect(computed.slice(1).sort()).toEqual(["full:open/a.md", "full:open/b.md"]);
    // Identical full results are not published again; b was never shown, so it gets its first publish.
    expect(published).toEqual([["open/a.md", 0], ["open/b.md", 0]]);
    scheduler.dispose();
  });

  test("a burst of edits gets one fast check and one full check", async () => {
    const { sink, computed } = recorder();
    const scheduler = new DiagnosticsScheduler(sink, 40);
    for (let i = 0; i < 5; i++) {
      scheduler.edited("open/a.md", []);
      await sleep(10);
    }
    await sleep(60);
    expect(computed).toEqual(["fast:open/a.md", "full:open/a.md"]);
    scheduler.dispose();
  });

  test("a declined fast check falls back to a full one", async () => {
    const { sink, computed } = recorder({ declineFast: true });
    const scheduler = new DiagnosticsScheduler(sink, 40);
    scheduler.edited("open/a.md", []);
    await sleep(5);
    expect(computed).toEqual(["fast:open/a.md", "full:open/a.md"]);
    scheduler.dispose();
  });

  test("sweeps publish files with problems, clear files that had some, and count them", async () => {
    const results: Record<string, Diagnostic[]> = { "x.md": [diagnostic("a"), diagnostic("b")], "y.md": [] };
    const { sink, published } = recorder({ results });
    const scheduler = new DiagnosticsScheduler(sink, 40);
    await new Promise<void>((resolve) => scheduler.sweep(["x.md", "y.md"], resolve));
    expect(published).toEqual([["x.md", 2]]);
    expect(scheduler.problemCount).toBe(2);
    results["x.md"] = [];
    await new Promise<void>((resolve) => scheduler.sweep(["x.md", "y.md"], resolve));
    expect(published).toEqual([["x.md", 2], ["x.md", 0]]);
    expect(scheduler.problemCount).toBe(0);
    scheduler.dispose();
  });
});
