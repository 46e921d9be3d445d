// The executor of each plan step op.
import type { PlanStepOp } from "@catalytic/core";
import type { Executor } from "../context.js";
import { note } from "./note.js";
import { patchFile } from "./patch-file.js";
import { readFile } from "./read-file.js";
import { readSection } from "./read-section.js";
import { readSymbol } from "./read-symbol.js";
import { runTest } from "./run-test.js";
import { writeFile } from "./write-file.js";

export const EXECUTORS: Record<PlanStepOp, Executor> = {
  READ_SYMBOL: readSymbol,
  READ_SECTION: readSection,
  READ_FILE: readFile,
  WRITE_FILE: writeFile,
  PATCH_FILE: patchFile,
  RUN_TEST: runTest,
  NOTE: note,
};
