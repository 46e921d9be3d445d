// READ_SYMBOL: the bounded expansion of a symbol (through the index's expansion cache).
import { InputError } from "@catalytic/core";
import type { Executor } from "../context.js";
import { checkStepBytes } from "./limits.js";

export const readSymbol: Executor = (step, ctx, receipt) => {
  const symbolId = step.refs.symbol_id;
  if (!symbolId) throw new InputError("CAT_PLAN_INVALID", "READ_SYMBOL step has no refs.symbol_id", { hint: "re-plan the request" });
  const expansion = ctx.expansions().resolveSymbol(symbolId, step.refs.slice, ctx.runId);
  checkStepBytes(ctx, `${symbolId} (${expansion.slice})`, expansion.bytes);
  ctx.consumeBudget(expansion.bytes, ctx.firstUseOf(symbolId, step.ordinal) ? 1 : 0);
  receipt.expand({
    kind: "symbol",
    id: symbolId,
    slice: expansion.slice,
    section_id: expansion.sectionId,
    content_hash: expansion.payloadHash,
    bytes: expansion.bytes,
    cache_hit: expansion.cacheHit,
    file_path: expansion.filePath,
  }, expansion.payload);
  receipt.act({ type: "READ", target: symbolId, status: "SUCCESS" });
  // The indexer's expansion cache already keeps the payload in the CAS.
  if (expansion.payloadRef) receipt.output("payload_ref", expansion.payloadRef);
};
