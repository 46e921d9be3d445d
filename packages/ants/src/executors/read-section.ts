// READ_SECTION: a bounded slice of one indexed section.
import { InputError } from "@catalytic/core";
import type { Executor } from "../context.js";
import { checkStepBytes } from "./limits.js";

export const readSection: Executor = (step, ctx, receipt) => {
  const sectionId = step.refs.section_id;
  if (!sectionId) throw new InputError("CAT_PLAN_INVALID", "READ_SECTION step has no refs.section_id", { hint: "re-plan the request" });
  const expansion = ctx.expansions().readSection(sectionId, step.refs.slice);
  checkStepBytes(ctx, `section ${sectionId} (${expansion.slice})`, expansion.bytes);
  ctx.consumeBudget(expansion.bytes, 0);
  receipt.expand({
    kind: "section",
    id: sectionId,
    slice: expansion.slice,
    section_id: sectionId,
    content_hash: expansion.payloadHash,
    bytes: expansion.bytes,
    cache_hit: expansion.cacheHit,
    file_path: expansion.filePath,
  }, expansion.payload);
  receipt.act({ type: "READ", target: sectionId, status: "SUCCESS" });
};
