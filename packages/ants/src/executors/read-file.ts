// READ_FILE: a whole file (or a slice of it), bounded by the step budget, hashed.
import { readFileSync, statSync } from "node:fs";
import { InputError, WorkspaceError, applySlice, formatSlice, parseSlice, resolveInsideWorkspace, sha256Hex } from "@catalytic/core";
import type { Executor } from "../context.js";
import { checkStepBytes } from "./limits.js";

export const readFile: Executor = (step, ctx, receipt) => {
  const filePath = step.refs.file_path;
  if (!filePath) throw new InputError("CAT_PLAN_INVALID", "READ_FILE step has no refs.file_path", { hint: "re-plan the request" });
  const absolute = resolveInsideWorkspace(ctx.root, filePath);
  const stat = statSync(absolute, { throwIfNoEntry: false });
  if (!stat) {
    throw new WorkspaceError("CAT_FILE_NOT_FOUND", `${filePath} does not exist`, {
      hint: "the file was moved or deleted after planning; restore it or re-plan",
      details: { path: filePath },
    });
  }
  if (!stat.isFile()) throw new WorkspaceError("CAT_FILE_UNREADABLE", `${filePath} is not a regular file`, { hint: "read a file, not a folder" });
  let data: Buffer;
  let slice: string | undefined;
  if (step.refs.slice === undefined) {
    // Checked before reading, so an oversized file is never loaded.
    checkStepBytes(ctx, filePath, stat.size);
    data = readFileSync(absolute);
  } else {
    const parsed = parseSlice(step.refs.slice);
    slice = formatSlice(parsed);
    data = Buffer.from(applySlice(readFileSync(absolute, "utf8"), parsed), "utf8");
  }
  checkStepBytes(ctx, filePath, data.length);
  ctx.consumeBudget(data.length, 0);
  const hash = sha256Hex(data);
  receipt.expand({ kind: "file", id: filePath, file_path: filePath, ...(slice ? { slice } : {}), content_hash: hash, bytes: data.length, cache_hit: false }, data);
  receipt.act({ type: "READ", target: filePath, status: "SUCCESS" });
};
