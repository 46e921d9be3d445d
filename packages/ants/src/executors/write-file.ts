// WRITE_FILE: create or replace a whole file inside the workspace.
import { InputError } from "@catalytic/core";
import type { Executor } from "../context.js";
import { writeTarget } from "../fs-safe.js";
import { commitWrite } from "../writes.js";

export const writeFile: Executor = (step, ctx, receipt) => {
  const { file_path: filePath, content } = step.refs;
  if (!filePath || content === undefined) {
    throw new InputError("CAT_PLAN_INVALID", "WRITE_FILE step needs refs.file_path and refs.content", { hint: "re-plan the request" });
  }
  const target = writeTarget(ctx.root, filePath);
  commitWrite(ctx.root, receipt, filePath, target, Buffer.from(content, "utf8"));
  receipt.produce(content);
};
