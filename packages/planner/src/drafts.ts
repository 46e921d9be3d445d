// Draft steps and the input-naming helpers shared by request inputs (plan.ts) and bundle items (bundle-steps.ts).
import { type PlanStep, type Slice, applySlice, formatSlice, parseSlice } from "@catalytic/core";
import { aboutInput } from "./errors.js";

/** A step before its id is known, plus the bytes it references (for max_bytes). */
export interface DraftStep {
  op: PlanStep["op"];
  refs: PlanStep["refs"];
  constraints?: PlanStep["constraints"];
  expected_outputs?: PlanStep["expected_outputs"];
  input: string;
  bytes: number;
}

/** Byte size of text as UTF-8. */
function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

/** Runs `fn`, naming `input` in any typed error it throws. */
export function withInput<T>(input: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw aboutInput(input, error);
  }
}

/** Parses a slice (ALL is an error) and names the input when it is bad. Returns the canonical text too. */
export function canonicalSlice(input: string, text: string): { text: string; slice: Slice } {
  return withInput(input, () => {
    const slice = parseSlice(text);
    return { text: formatSlice(slice), slice };
  });
}

export function boundedBytes(input: string, content: string, slice: Slice): number {
  return withInput(input, () => utf8Bytes(applySlice(content, slice)));
}
