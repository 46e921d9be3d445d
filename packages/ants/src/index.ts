// Public API of @catalytic/ants.
export { runWorker } from "./worker.js";
export type { WorkerOptions, WorkerResult, StopReason } from "./worker.js";
export type { TokenCountSource } from "./token-counts.js";
export { spawnAnts, checkWorkerCount, MAX_WORKERS } from "./spawn.js";
export type { SpawnOptions, SpawnResult } from "./spawn.js";
export { manifestPath } from "./manifest.js";
export type { SpawnManifest, ManifestWorker } from "./manifest.js";
export { restoreRun } from "./restore.js";
export type { RestoreResult, RestoreOptions, RestoreConflict } from "./restore.js";
