// Section: the canonical content unit extracted from a source file (docs/contract.md "Section", docs/indexer.md "Sections").
import { z } from "zod";
import { countAtLeast, nonEmptyString, sha256Hex } from "./common.js";

export const SectionSchema = z
  .object({
    section_id: sha256Hex("sha256 of `file_path:line_start:line_end:content_hash`."),
    file_path: nonEmptyString("POSIX path relative to the workspace root."),
    heading_path: z
      .array(z.string())
      .describe("Enclosing headings from the root to this section; empty for the file-level section."),
    line_start: countAtLeast(0, "First line, 0-based, inclusive."),
    line_end: countAtLeast(0, "End line, 0-based, exclusive (line_start <= line_end)."),
    content_hash: sha256Hex("sha256 of the section text with CRLF normalised to LF."),
  })
  .strict()
  .refine((section) => section.line_start <= section.line_end, {
    path: ["line_end"],
    message: "line_end must not be before line_start",
  })
  .describe("Catalytic Section: one addressable, hashed range of a source file.");

export type Section = z.infer<typeof SectionSchema>;
