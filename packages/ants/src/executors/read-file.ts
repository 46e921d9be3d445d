// READ_FILE: a whole file (or a slice of it), bounded by the step budget, hashed. Opened without a check-then-use
// race (fs-safe.ts openForRead): what is hashed is the file inside the workspace that was checked.
import { closeSync, readFileSync } from "node:fs";
import { InputError, WorkspaceError, applySlice, formatSlice, parseSlice, sha256Hex } from "@catalytic/core";
import type { Executor } from "../context.js";
import { openForRead } from "../fs-safe.js";
import { checkStepBytes } from "./limits.js";

export const readFile: Executor = (step, ctx, receipt) => {
  const filePath = step.refs.file_path;
  if (!filePath) throw new InputError("CAT_PLAN_INVALID", "READ_FILE step has no refs.file_path", { hint: "re-plan the request" });
  let opened: ReturnType<typeof openForRead>;
  try {
    opened = openForRead(ctx.root, filePath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    throw new WorkspaceError("CAT_FILE_NOT_FOUND", `${filePath} does not exist`, {
      hint: "the file was moved or deleted after planning; restore it or re-plan",
      details: { path: filePath },
    });
  }
  const { fd, stat } = opened;
  let data: Buffer;
  let slice: string | undefined;
  try {
    if (!stat.isFile()) throw new WorkspaceError("CAT_FILE_UNREADABLE", `${filePath} is not a regular file`, { hint: "read a file, not a folder" });
    if (step.refs.slice === undefined) {
      // Checked before reading, so an oversized file is never loaded.
      checkStepBytes(ctx, filePath, stat.size);
      data = readFileSync(fd);
    } else {
      const parsed = parseSlice(step.refs.slice);
      slice = formatSlice(parsed);
      data = Buffer.from(applySlice(readFileSync(fd, "utf8"), parsed), "utf8");
    }
  } finally {
    closeSync(fd);
  }
  checkStepBytes(ctx, filePath, data.length);
  ctx.consumeBudget(data.length, 0);
  const hash = sha256Hex(data);
  receipt.expand({ kind: "file", id: filePath, file_path: filePath, ...(slice ? { slice } : {}), content_hash: hash, bytes: data.length, cache_hit: false }, data);
  receipt.act({ type: "READ", target: filePath, status: "SUCCESS" });
};
