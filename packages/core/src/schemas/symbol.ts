// Symbol: a compact, named reference to a file, a heading or one pinned section (docs/contract.md "Symbol", docs/indexer.md "Symbols").
import { z } from "zod";
import { nonEmptyString, sliceText } from "./common.js";

/**
 * `@NS/NAME`: NS is [A-Z][A-Z0-9_]*, NAME is one or more `/`-separated segments of [A-Za-z0-9_.-],
 * and the id never ends in `.`, `-` or `/` (those are prose after a reference). Same grammar as the
 * reference scanner's isSymbolId.
 */
export const SYMBOL_ID_PATTERN = /^@[A-Z][A-Z0-9_]*\/(?:[A-Za-z0-9_.-]+\/)*[A-Za-z0-9_.-]*[A-Za-z0-9_]$/;

export const SymbolIdSchema = z
  .string()
  .regex(SYMBOL_ID_PATTERN, "not a symbol id: expected @NS/NAME (NS upper case, NAME of [A-Za-z0-9_.-] segments, not ending in . - or /)")
  .describe("Symbol id @NS/NAME, e.g. @CANON/guide/intro.");

export const SymbolTargetTypeSchema = z
  .enum(["FILE", "HEADING", "SECTION"])
  .describe("FILE and HEADING name a place and re-resolve on every build; SECTION pins one content version.");

export const SymbolSchema = z
  .object({
    symbol_id: SymbolIdSchema,
    target_type: SymbolTargetTypeSchema,
    target_ref: nonEmptyString(
      "FILE: a workspace-relative POSIX file path; HEADING: `file_path#Heading > Sub`; SECTION: a section_id.",
    ),
    default_slice: sliceText("Slice applied when a reference gives none, e.g. lines[0:40]. Optional.").optional(),
  })
  .strict()
  .describe("Catalytic Symbol: a named reference to a file, heading or section.");

export type SymbolId = z.infer<typeof SymbolIdSchema>;
export type SymbolTargetType = z.infer<typeof SymbolTargetTypeSchema>;
export type CatalyticSymbol = z.infer<typeof SymbolSchema>;
