// Diagnostics for one file: every reference resolved against the model (unknown symbol, heading,
// slice grammar, ALL, bounds, stale pin, duplicate) plus the model's own problems located in that
// file (duplicate definitions, bad registry or front-matter entries). References in code are never
// scanned: the core scanner skips fenced and inline code.
import { checkSliceBounds, isCatalyticError, type ReferenceMatch } from "@catalytic/core";
import { chooseSlice, type ModelProblem, type SymbolRecord } from "@catalytic/indexer";
import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation, type Range } from "vscode-languageserver";
import type { CheckedReference, FeatureContext, VerdictCache } from "../host.js";
import { sectionRange } from "../positions.js";
import { definitionSites } from "./symbol-sites.js";

export const DIAGNOSTIC_SOURCE = "catalytic";
const SUGGESTIONS = 3;
const WARNINGS = new Set(["CAT_SYMBOL_STALE"]);

/** Data attached to diagnostics so code actions can fix them without re-resolving. */
export interface DiagnosticData {
  symbolId?: string;
  suggestions?: string[];
}

export function groupProblems(problems: readonly ModelProblem[]): Map<string, ModelProblem[]> {
  const byFile = new Map<string, ModelProblem[]>();
  for (const problem of problems) {
    const list = byFile.get(problem.file);
    if (list) list.push(problem);
    else byFile.set(problem.file, [problem]);
  }
  return byFile;
}

/**
 * `targets`, when given, collects the files the references resolve into (to tell whether a file depends
 * on itself); `cache` carries verdicts over from earlier calls made against the same model.
 */
export function diagnosticsFor(
  ctx: FeatureContext,
  file: string,
  problemsOfFile: readonly ModelProblem[] = [],
  targets?: Set<string>,
  cache: VerdictCache = new Map(),
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const match of ctx.docs.references(file)) {
    const key = `${match.symbolId}\u0000${match.slug ?? ""}\u0000${match.slice ?? ""}`;
    let checked = cache.get(key);
    if (checked === undefined) {
      checked = checkReference(ctx, match);
      cache.set(key, checked);
    }
    if (checked.target !== undefined) targets?.add(checked.target);
    const verdict = checked.verdict;
    if (verdict) diagnostics.push({ ...verdict, range: rangeFor(match, String(verdict.code)) });
  }
  for (const problem of problemsOfFile) diagnostics.push(problemDiagnostic(ctx, problem));
  return diagnostics;
}

function rangeFor(match: ReferenceMatch, code: string): Range {
  if (code.startsWith("CAT_SLICE_") && match.sliceRange) return match.sliceRange;
  if (code.startsWith("CAT_SYMBOL_")) return match.symbolRange;
  return match.range;
}

/**
 * The verdict is null when the reference resolves, else the diagnostic (without its range). Checks what resolution
 * would check (target, heading, slice grammar, bounds) without expanding the payload: the section text is
 * read only for slices whose bounds depend on it.
 */
function checkReference(ctx: FeatureContext, match: ReferenceMatch): CheckedReference {
  let target: string | undefined;
  try {
    const section = ctx.model.resolveSection(match.symbolId, match.slug);
    target = section.filePath;
    const record = ctx.model.getSymbol(match.symbolId) as SymbolRecord;
    const { slice } = chooseSlice(match.slice, record.defaultSlice, ctx.model.getConfig().default_slice);
    const outOfLines = slice.kind === "lines" && slice.end > section.lineEnd - section.lineStart;
    if (outOfLines || slice.kind === "chars") checkSliceBounds(ctx.model.sectionText(section.sectionId) ?? "", slice);
    return { verdict: null, target };
  } catch (error) {
    if (!isCatalyticError(error)) throw error;
    const data: DiagnosticData = { symbolId: match.symbolId };
    let relatedInformation: DiagnosticRelatedInformation[] | undefined;
    if (error.code === "CAT_SYMBOL_UNKNOWN") {
      const suggestions = Array.isArray(error.details.suggestions) ? (error.details.suggestions as string[]) : ctx.model.suggest(match.symbolId, SUGGESTIONS);
      data.suggestions = suggestions;
      relatedInformation = [];
      for (const id of suggestions) {
        const section = ctx.model.resolveTarget(id);
        if (section) relatedInformation.push({ location: { uri: ctx.docs.uriOf(section.filePath), range: sectionRange(section) }, message: `did you mean ${id}?` });
      }
    }
    const verdict: NonNullable<CheckedReference["verdict"]> = {
      severity: WARNINGS.has(error.code) ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error,
      code: error.code,
      source: DIAGNOSTIC_SOURCE,
      message: error.hint ? `${error.message} (${error.hint})` : error.message,
      ...(relatedInformation ? { relatedInformation } : {}),
      data,
    };
    return target === undefined ? { verdict } : { verdict, target };
  }
}

function problemDiagnostic(ctx: FeatureContext, problem: ModelProblem): Diagnostic {
  const site = problem.symbolId
    ? definitionSites(ctx, problem.symbolId).find((s) => s.file === problem.file && s.range.start.line === problem.line && s.origin !== "namespace")
    : undefined;
  const range = site?.range ?? { start: { line: problem.line, character: problem.character ?? 0 }, end: { line: problem.line + 1, character: 0 } };
  return {
    severity: WARNINGS.has(problem.code) ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error,
    code: problem.code,
    source: DIAGNOSTIC_SOURCE,
    message: problem.message,
    range,
    data: { ...(problem.symbolId ? { symbolId: problem.symbolId } : {}) } satisfies DiagnosticData,
  };
}
