// A real workspace in a temp dir with a built index, plans posted through the planner and executed by a real ant.
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Cassette } from "@catalytic/cassette";
import { Index } from "@catalytic/indexer";
import { planInWorkspace } from "@catalytic/planner";
import { runWorker } from "@catalytic/ants";

export const GUIDE = "# Guide\n\nIntro line one.\nIntro line two.\n\n## Install\n\nRun the installer: it copies the files and checks them.\n\n## Use\n\nCall it with a file name.\n";
export const README = "# Readme\n\nline 3\nline 4\n";

export function makeWorkspace(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "cat-report-"));
  writeFileSync(path.join(root, "README.md"), README);
  writeFileSync(path.join(root, "guide.md"), GUIDE);
  writeFileSync(path.join(root, "catalytic.json"), JSON.stringify({ tests: { ok: { command: process.execPath, args: ["-e", "console.log('ok')"] } } }));
  writeFileSync(
    path.join(root, "catalytic.symbols.json"),
    JSON.stringify({ symbols: { "@TEST/install": { target_type: "HEADING", target_ref: "guide.md#Guide > Install" } } }),
  );
  const index = Index.open(root);
  try {
    index.build();
  } finally {
    index.close();
  }
  return root;
}

/** Posts a request and runs one ant over it; returns the job id. */
export async function runRequest(root: string, request: Record<string, unknown>): Promise<string> {
  const { posted } = planInWorkspace(root, { intent: "report test", ...request }, { dryRun: false });
  const jobId = posted!.jobId;
  const result = await runWorker({ root, runId: request.run_id as string, jobId, workerId: "ant-report", continueOnFail: true, idlePolls: 2, pollIntervalMs: 10 });
  if (result.exitCode === 2) throw new Error(`worker failed: ${JSON.stringify(result.error)}`);
  return jobId;
}

export function withCassette<T>(root: string, use: (cassette: Cassette) => T): T {
  const cassette = Cassette.openWorkspace(root);
  try {
    return use(cassette);
  } finally {
    cassette.close();
  }
}
