// What the safety of writes and tests costs: median wall time of `catalytic execute` (1 ant) for 200 WRITE_FILE
// steps (race-free writes, before-state records) and for 20 RUN_TEST steps (process groups, the reaper), for one
// CLI bundle or two side by side (e.g. a build of main before the change), with the ratio.
// Usage: node packages/ants/bench/write-cost.mjs [--cli A.cjs] [--baseline B.cjs] [--repeat 3]
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const here = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    cli: { type: "string", default: path.resolve(here, "../../../apps/cli/dist/catalytic.cjs") },
    baseline: { type: "string" },
    repeat: { type: "string", default: "3" },
  },
});

function once(cli, kind) {
  const root = mkdtempSync(path.join(os.tmpdir(), "cat-write-cost-"));
  const run = (args) => execFileSync(process.execPath, [cli, "--root", root, ...args], { encoding: "utf8" });
  try {
    mkdirSync(path.join(root, ".git"));
    writeFileSync(path.join(root, "catalytic.json"), JSON.stringify({ tests: { t: { command: process.execPath, args: ["-e", ""], timeout_seconds: 60 } } }));
    const ops =
      kind === "writes"
        ? Array.from({ length: 200 }, (_, i) => ({ op: "WRITE_FILE", file_path: `out/d${i % 10}/f${i}.md`, content: `file ${i}\n` }))
        : Array.from({ length: 20 }, () => ({ op: "RUN_TEST", test_name: "t" }));
    writeFileSync(path.join(root, "request.json"), JSON.stringify({ run_id: "bench", request_id: kind, intent: "bench", ops }));
    const jobId = JSON.parse(run(["plan", "--request-file", path.join(root, "request.json"), "--json"])).posted.job_id;
    const start = process.hrtime.bigint();
    run(["execute", "--run-id", "bench", "--job-id", jobId, "--workers", "1"]);
    return Number(process.hrtime.bigint() - start) / 1e6;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const bundles = [["cli", values.cli], ...(values.baseline ? [["baseline", values.baseline]] : [])];
for (const kind of ["writes", "tests"]) {
  const medians = {};
  for (let r = 0; r < Number(values.repeat); r++) {
    // Alternate the bundles so load changes hit both alike.
    for (const [label, cli] of bundles) (medians[label] ??= []).push(once(cli, kind));
  }
  const line = bundles.map(([label]) => `${label} ${median(medians[label]).toFixed(0)} ms (${medians[label].map((t) => t.toFixed(0)).join(", ")})`);
  const ratio = values.baseline ? `, ratio cli/baseline ${(median(medians.cli) / median(medians.baseline)).toFixed(2)}` : "";
  console.log(`${kind === "writes" ? "200 WRITE_FILE" : "20 RUN_TEST"}: ${line.join("; ")}${ratio}`);
}
