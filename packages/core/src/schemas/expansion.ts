// Expansion: one bounded content retrieval for a symbol or section (CONTRACT "Expansion").
import { z } from "zod";
import { nonEmptyString, sha256Hex, sliceText } from "./common.js";
import { SymbolIdSchema } from "./symbol.js";

export const ExpansionSchema = z
  .object({
    run_id: nonEmptyString("Run the expansion belongs to (part of the cache key)."),
    symbol_or_section_id: z
      .union([SymbolIdSchema, sha256Hex("A section_id.")])
      .describe("The expanded symbol id (@NS/NAME) or section id (sha256 hex)."),
    slice: sliceText("The bounded slice actually applied, e.g. lines[0:100] or head(4000); never ALL."),
    content_hash: sha256Hex("sha256 of the expanded content (the payload)."),
    payload_ref: nonEmptyString("Where the expanded payload is stored (content-addressed store key or path)."),
  })
  .strict()
  .describe("Catalytic Expansion: a bounded slice of a symbol or section, addressed by content.");

export type Expansion = z.infer<typeof ExpansionSchema>;
