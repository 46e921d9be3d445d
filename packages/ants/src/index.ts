// Public API of @catalytic/ants.
export { runWorker } from "./worker.js";
export type { WorkerOptions, WorkerResult, StopReason } from "./worker.js";
export { casGet, casPut } from "./cas.js";
export { patchLines } from "./executors/patch-file.js";
export { OUTPUT_TAIL_BYTES } from "./executors/run-test.js";
export { spawnAnts, combineExitCodes, checkWorkerCount, MAX_WORKERS } from "./spawn.js";
export type { SpawnOptions, SpawnResult } from "./spawn.js";
export { manifestPath } from "./manifest.js";
export type { SpawnManifest, ManifestWorker } from "./manifest.js";
export { restoreRun, filesRoot, ABSENT } from "./restore.js";
export type { RestoreResult, RestoreOptions, RestoreConflict } from "./restore.js";
