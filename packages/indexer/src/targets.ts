// Checks where a symbol definition points: the section it resolves to now, or why it does not.
import { type ErrorCode, SliceError, isCatalyticError, parseSlice } from "@catalytic/core";
import type { ExtractedSection } from "./extract.js";
import { parseHeadingPath } from "./front-matter.js";
import type { ModelProblem, SymbolDefinition } from "./model-types.js";

/** The part of the model target checks need (kept narrow so the check stays a pure function). */
export interface TargetLookup {
  sectionsOf(filePath: string): readonly ExtractedSection[] | undefined;
  getSection(sectionId: string): ExtractedSection | undefined;
  findHeading(filePath: string, headingPath: readonly string[]): ExtractedSection | "ambiguous" | undefined;
}

export interface TargetCheck {
  section?: ExtractedSection;
  stale: boolean;
  problem?: ModelProblem;
}

/** Splits a HEADING target `file#A > B` into file and heading path. */
export function splitHeadingRef(targetRef: string): { file: string; headingPath: string[] | undefined } {
  const hash = targetRef.indexOf("#");
  if (hash === -1) return { file: targetRef, headingPath: undefined };
  return { file: targetRef.slice(0, hash), headingPath: parseHeadingPath(targetRef.slice(hash + 1)) };
}

/** Heading section by path: the exact chain first, else the one section whose chain ends with it. */
export function findHeadingIn(sections: readonly ExtractedSection[], headingPath: readonly string[]): ExtractedSection | "ambiguous" | undefined {
  const matches: ExtractedSection[] = [];
  for (const s of sections) {
    if (s.kind === "file" || s.headingPath.length < headingPath.length) continue;
    const offset = s.headingPath.length - headingPath.length;
    if (!headingPath.every((part, i) => s.headingPath[offset + i] === part)) continue;
    if (offset === 0) return s;
    matches.push(s);
  }
  if (matches.length > 1) return "ambiguous";
  return matches[0];
}

export function checkSymbolTarget(model: TargetLookup, symbolId: string, definition: SymbolDefinition): TargetCheck {
  const problem = (code: ErrorCode, message: string): ModelProblem => ({
    code,
    message,
    file: definition.file,
    line: definition.line,
    ...(definition.character !== undefined ? { character: definition.character } : {}),
    symbolId,
  });
  let section: ExtractedSection | undefined;
  if (definition.targetType === "SECTION") {
    section = model.getSection(definition.targetRef);
    if (!section) {
      return {
        stale: true,
        problem: problem("CAT_SYMBOL_STALE", `${symbolId} pins section ${definition.targetRef.slice(0, 12)}…, which no longer exists (its content changed or moved)`),
      };
    }
  } else if (definition.targetType === "FILE") {
    section = model.sectionsOf(definition.targetRef)?.[0];
    if (!section) return { stale: false, problem: problem("CAT_FILE_NOT_FOUND", `${symbolId} targets ${definition.targetRef}, which is not an indexed file`) };
  } else {
    const { file, headingPath } = splitHeadingRef(definition.targetRef);
    if (!headingPath || headingPath.length === 0) {
      return { stale: false, problem: problem("CAT_SYMBOL_INVALID", `${symbolId}: HEADING target ${JSON.stringify(definition.targetRef)} must be file#Heading > Sub`) };
    }
    if (!model.sectionsOf(file)) return { stale: false, problem: problem("CAT_FILE_NOT_FOUND", `${symbolId} targets ${file}, which is not an indexed file`) };
    const found = model.findHeading(file, headingPath);
    if (found === "ambiguous") {
      return { stale: false, problem: problem("CAT_HEADING_NOT_FOUND", `${symbolId}: heading "${headingPath.join(" > ")}" matches several headings in ${file}; give the full path`) };
    }
    if (!found) return { stale: false, problem: problem("CAT_HEADING_NOT_FOUND", `${symbolId}: ${file} has no heading "${headingPath.join(" > ")}"`) };
    section = found;
  }
  const sliceProblem = definition.defaultSlice === undefined ? undefined : checkDefaultSlice(definition.defaultSlice, section);
  if (sliceProblem) return { section, stale: false, problem: problem(sliceProblem.code, `${symbolId}: default slice ${sliceProblem.message}`) };
  return { section, stale: false };
}

/** A default slice must parse, and a lines[] slice must fit the section (checkable without its text). */
function checkDefaultSlice(text: string, section: ExtractedSection): { code: ErrorCode; message: string } | undefined {
  try {
    const slice = parseSlice(text);
    const lines = section.lineEnd - section.lineStart;
    if (slice.kind === "lines" && slice.end > lines) {
      return { code: "CAT_SLICE_OUT_OF_BOUNDS", message: `${text} is out of bounds: the section has ${lines} lines` };
    }
    return undefined;
  } catch (error) {
    if (isCatalyticError(error) && error instanceof SliceError) return { code: error.code, message: error.message };
    throw error;
  }
}
