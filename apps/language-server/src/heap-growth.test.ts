// The heap growth cap, in real node processes: the same allocation pattern as re-indexing a large buffer
// (tens of MB live, megabyte strings and line arrays per round) peaks lower with the flag the server sets.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { HEAP_GROWTH_FLAG } from "./heap-growth.js";

const WORKLOAD = `
const v8 = require("node:v8");
if (process.argv[1]) v8.setFlagsFromString(process.argv[1]);
const live = [];
for (let i = 0; i < 400000; i++) live.push({ id: "s" + i, line: i, path: ["a", "b"] });
const base = "x\\n".repeat(1 << 19);
let max = 0;
let kept;
for (let round = 0; round < 60; round++) {
  const text = base.slice(round) + String(round);
  const lines = [];
  for (let i = 0; i < 30000; i++) lines.push({ start: i * 30 + round, end: i * 30 + 29 });
  kept = [text.split("\\n"), lines, JSON.parse(JSON.stringify(lines))];
  max = Math.max(max, v8.getHeapStatistics().total_heap_size);
}
process.stdout.write(String(max + live.length * 0 + kept.length * 0));
`;

const peakHeap = (flag: string): number => Number(execFileSync(process.execPath, ["-e", WORKLOAD, flag], { encoding: "utf8" }));

describe("heap growth cap", () => {
  it("keeps the peak heap of a re-indexing workload lower than V8's default growth", () => {
    const uncapped = peakHeap("");
    const capped = peakHeap(HEAP_GROWTH_FLAG);
    expect(capped, `capped ${capped}, uncapped ${uncapped}`).toBeLessThan(uncapped * 0.9);
  });
});
