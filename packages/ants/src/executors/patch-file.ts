// PATCH_FILE: replace lines patch_start_line..patch_end_line (1-based, inclusive) of an existing file,
// only when the file's current sha256 is the one the plan names.
import { ExecutionError, InputError, SliceError, WorkspaceError, sha256Hex } from "@catalytic/core";
import type { Executor } from "../context.js";
import { withWriteTarget } from "../fs-safe.js";
import { commitWrite } from "../writes.js";

/** Lines as byte ranges, each with its own "\n" (the last may lack one). Bytes are kept as they are. */
function splitLines(data: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (let nl = data.indexOf(10); nl !== -1; nl = data.indexOf(10, start)) {
    lines.push(data.subarray(start, nl + 1));
    start = nl + 1;
  }
  if (start < data.length) lines.push(data.subarray(start));
  return lines;
}

/**
 * The replacement takes the place of the lines, terminators included. When the last replaced line
 * ended with "\n" and non-empty replacement text does not, one is added so the next line stays its own.
 */
export function patchLines(data: Buffer, startLine: number, endLine: number, content: string): Buffer {
  const lines = splitLines(data);
  if (startLine < 1 || endLine < startLine || endLine > lines.length) {
    throw new SliceError("CAT_SLICE_OUT_OF_BOUNDS", `lines ${startLine}..${endLine} are outside the file's ${lines.length} line(s)`, {
      hint: "patch lines are 1-based and inclusive; re-plan against the file's current content",
      details: { patch_start_line: startLine, patch_end_line: endLine, lines: lines.length },
    });
  }
  const lastReplaced = lines[endLine - 1] as Buffer;
  const needsNewline = content !== "" && !content.endsWith("\n") && lastReplaced[lastReplaced.length - 1] === 10;
  return Buffer.concat([...lines.slice(0, startLine - 1), Buffer.from(needsNewline ? `${content}\n` : content, "utf8"), ...lines.slice(endLine)]);
}

export const patchFile: Executor = (step, ctx, receipt) => {
  const { file_path: filePath, file_hash: expected, patch_start_line: startLine, patch_end_line: endLine, content } = step.refs;
  if (!filePath || !expected || startLine === undefined || endLine === undefined || content === undefined) {
    throw new InputError("CAT_PLAN_INVALID", "PATCH_FILE step needs file_path, file_hash, patch_start_line, patch_end_line and content", {
      hint: "re-plan the request",
    });
  }
  withWriteTarget(ctx.root, filePath, { createParents: false, protectedPaths: ctx.config.protected_paths }, (target) =>
    commitWrite(ctx, receipt, step.step_id, target, (current) => {
      if (!current) {
        throw new WorkspaceError("CAT_FILE_NOT_FOUND", `${filePath} does not exist, so it cannot be patched`, {
          hint: "write it with WRITE_FILE first, or fix the path",
          details: { path: filePath },
        });
      }
      const actual = sha256Hex(current);
      if (actual !== expected) {
        throw new ExecutionError("CAT_PATCH_HASH_MISMATCH", `${filePath} has sha256 ${actual}, not the ${expected} the patch was made for`, {
          hint: "the file changed since the plan was made; re-plan with its current hash",
          details: { path: filePath, expected, actual },
        });
      }
      const patched = patchLines(current, startLine, endLine, content);
      // The lines a patch replaces are what it had to see: recorded as their expansion (docs/economy.md#per-step-metrics).
      const replaced = Buffer.concat(splitLines(current).slice(startLine - 1, endLine));
      receipt.expand(
        { kind: "file", id: filePath, file_path: filePath, slice: `lines[${startLine - 1}:${endLine}]`, content_hash: sha256Hex(replaced), bytes: replaced.length, cache_hit: false },
        replaced,
      );
      return patched;
    }),
  );
  receipt.produce(content);
};
