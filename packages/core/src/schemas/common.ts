// Building blocks shared by the contract schemas.
import { z } from "zod";
import { SliceError } from "../errors.js";
import { parseSlice } from "../slice.js";
import { ID_PATTERN } from "../text.js";

/** Lower-case hex sha256: section ids, content hashes, plan hashes. */
export const SHA256_HEX_PATTERN = /^[0-9a-f]{64}$/;

/** Plan step ids: "step_" + the first 16 hex digits of a sha256 (see ids.ts stepId). */
export const STEP_ID_PATTERN = /^step_[0-9a-f]{16}$/;

export function sha256Hex(what: string) {
  return z.string().regex(SHA256_HEX_PATTERN, "expected 64 lower-case hex digits (sha256)").describe(what);
}

export function nonEmptyString(what: string) {
  return z.string().min(1, "must not be empty").describe(what);
}

const ID_RULE = "an id is 1-128 characters of A-Z a-z 0-9 . _ : @ + = , / -, starting with a letter or digit";

/** Run and request ids (ID_PATTERN in text.ts): printable, so they can reach terminals and file names raw. */
export function idString(what: string) {
  return z.string().regex(ID_PATTERN, ID_RULE).describe(`${what} Printable: ${ID_PATTERN.source}.`);
}

export function countAtLeast(min: number, what: string) {
  return z.number().int().min(min).describe(what);
}

export const StepIdSchema = z
  .string()
  .regex(STEP_ID_PATTERN, "expected step_ followed by 16 lower-case hex digits")
  .describe("Deterministic step id: \"step_\" + 16 hex digits of sha256 over the canonical step.");

/** Slice text in the grammar of slice.ts (bounded: ALL, empty ranges and malformed text are rejected). */
export function sliceText(what: string) {
  return z
    .string()
    .superRefine((value, ctx) => {
      try {
        parseSlice(value);
      } catch (error) {
        if (!(error instanceof SliceError)) throw error;
        ctx.addIssue({ code: "custom", message: `${error.code}: ${error.message} (${error.hint})` });
      }
    })
    .describe(what);
}
