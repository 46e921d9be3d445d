// The manifest of one `ants spawn`: .catalytic/runs/<run>/manifest-<job>.json, rewritten atomically.
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { STATE_DIR } from "@catalytic/core";

export interface ManifestWorker {
  workerId: string;
  pid: number | null;
  startedAt: string;
  endedAt: string | null;
  exitCode: number | null;
  signal: string | null;
  /** Last lines the worker wrote on stderr. */
  stderrTail: string;
}

export interface SpawnManifest {
  runId: string;
  jobId: string;
  spawnerPid: number;
  command: string[];
  continueOnFail: boolean;
  startedAt: string;
  endedAt: string | null;
  exitCode: number | null;
  workers: ManifestWorker[];
}

/** Run and job ids become one safe path segment each (no separators, no dot-dot). */
function segment(id: string): string {
  return encodeURIComponent(id).replace(/\./g, "%2E");
}

/** `.catalytic/runs/<run>/`: manifests and the run's before-state records. */
export function runDir(root: string, runId: string): string {
  return path.join(root, STATE_DIR, "runs", segment(runId));
}

export function manifestPath(root: string, runId: string, jobId: string): string {
  return path.join(runDir(root, runId), `manifest-${segment(jobId)}.json`);
}

export function writeManifest(file: string, manifest: SpawnManifest): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(temp, file);
}
