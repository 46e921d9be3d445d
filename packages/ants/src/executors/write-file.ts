// WRITE_FILE: create or replace a whole file inside the workspace (never a protected path, never through a symlink).
import { InputError } from "@catalytic/core";
import type { Executor } from "../context.js";
import { withWriteTarget } from "../fs-safe.js";
import { commitWrite } from "../writes.js";

export const writeFile: Executor = (step, ctx, receipt) => {
  const { file_path: filePath, content } = step.refs;
  if (!filePath || content === undefined) {
    throw new InputError("CAT_PLAN_INVALID", "WRITE_FILE step needs refs.file_path and refs.content", { hint: "re-plan the request" });
  }
  withWriteTarget(ctx.root, filePath, { createParents: true, protectedPaths: ctx.config.protected_paths }, (target) =>
    commitWrite(ctx, receipt, step.step_id, target, () => Buffer.from(content, "utf8")),
  );
  receipt.produce(content);
};
