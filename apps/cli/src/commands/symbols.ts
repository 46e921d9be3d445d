// `catalytic symbols add|get|list|verify`: the symbol registry and every symbol the index knows.
import {
  SYMBOLS_FILE,
  SectionError,
  SymbolError,
  UsageError,
  checkSliceBounds,
  isSymbolId,
  parseSlice,
  resolveInsideWorkspace,
} from "@catalytic/core";
import { type ExtractedSection, type SymbolRecord, type WorkspaceModel, addSymbol, nearest, parseHeadingPath, unknownSymbolError } from "@catalytic/indexer";
import { requiredPositional, stringOption } from "../args.js";
import type { Command } from "../command.js";
import { headingLabel, lines, openBuiltIndex } from "./index-commands.js";

function describeTarget(model: WorkspaceModel, file: string, heading: string | undefined): { targetType: "FILE" | "HEADING"; targetRef: string; section: ExtractedSection } {
  const sections = model.sectionsOf(file);
  if (!sections) {
    throw new SectionError("CAT_FILE_NOT_FOUND", `${file} is not an indexed file`, {
      hint: "give the path relative to the workspace root of a file a source includes, and run 'catalytic build' after creating it",
      details: { file },
    });
  }
  if (heading === undefined) return { targetType: "FILE", targetRef: file, section: sections[0] as ExtractedSection };
  const headingPath = parseHeadingPath(heading);
  if (!headingPath || headingPath.length === 0) {
    throw new UsageError("CAT_USAGE", `--heading ${JSON.stringify(heading)} is not a heading path`, { hint: 'write --heading "Heading > Sub"' });
  }
  const found = model.findHeading(file, headingPath);
  if (!found || found === "ambiguous") {
    const available = sections.filter((s) => s.kind !== "file").map((s) => `"${s.headingPath.join(" > ")}"`);
    throw new SectionError(
      "CAT_HEADING_NOT_FOUND",
      found === "ambiguous" ? `"${heading}" matches several headings in ${file}` : `${file} has no heading "${heading}"`,
      { hint: available.length ? `use one of: ${available.slice(0, 6).join(", ")}` : `${file} has no headings; drop --heading`, details: { file, heading } },
    );
  }
  return { targetType: "HEADING", targetRef: `${file}#${headingPath.join(" > ")}`, section: found };
}

const add: Command = {
  name: "symbols add",
  summary: "Add a symbol to catalytic.symbols.json (sorted, stable formatting)",
  positionals: [{ name: "symbol", required: true, description: "@NS/NAME" }],
  options: {
    file: { type: "string", description: "target file, relative to the workspace root (a FILE symbol)" },
    heading: { type: "string", description: 'with --file: a heading path "A > B" (a HEADING symbol)' },
    section: { type: "string", description: "a section id to pin (a SECTION symbol; stale when that content changes)" },
    "default-slice": { type: "string", description: "slice applied when a reference gives none" },
  },
  details: "FILE and HEADING symbols re-resolve on every build; SECTION symbols pin one content version. Requires a built index.",
  run(ctx, args) {
    const symbolId = requiredPositional(args, 0, "symbol");
    if (!isSymbolId(symbolId)) {
      throw new SymbolError("CAT_SYMBOL_INVALID", `${JSON.stringify(symbolId)} is not a symbol id`, {
        hint: "write @NS/NAME: NS upper case ([A-Z][A-Z0-9_]*), NAME segments of [A-Za-z0-9_.-]",
      });
    }
    const file = stringOption(args, "file");
    const heading = stringOption(args, "heading");
    const sectionId = stringOption(args, "section");
    const defaultSlice = stringOption(args, "default-slice");
    if ((file === undefined) === (sectionId === undefined)) {
      throw new UsageError("CAT_USAGE", "give exactly one of --file or --section", { hint: "catalytic symbols add @NS/NAME --file docs/guide.md [--heading \"A > B\"]" });
    }
    if (heading !== undefined && file === undefined) throw new UsageError("CAT_USAGE", "--heading needs --file", { hint: "add --file <path>" });
    const slice = defaultSlice === undefined ? undefined : parseSlice(defaultSlice);
    const index = openBuiltIndex(ctx);
    try {
      const model = index.loadModel();
      const existing = model.getSymbol(symbolId);
      if (existing) {
        const where = existing.definitions.map((d) => `${d.file}:${d.line + 1}`).join(", ");
        throw new SymbolError("CAT_SYMBOL_EXISTS", `${symbolId} is already defined (${where})`, { hint: "pick another name or edit the existing definition" });
      }
      let target: { targetType: "FILE" | "HEADING" | "SECTION"; targetRef: string; section: ExtractedSection };
      if (file !== undefined) {
        resolveInsideWorkspace(ctx.root, file);
        target = describeTarget(model, file.replace(/\\/g, "/").replace(/^(\.\/)+/, ""), heading);
      } else {
        const section = model.getSection(sectionId as string);
        if (!section) {
          throw new SectionError("CAT_SECTION_NOT_FOUND", `no section ${sectionId} in the index`, {
            hint: "find current section ids with 'catalytic extract <file>' or 'catalytic search'",
          });
        }
        target = { targetType: "SECTION", targetRef: section.sectionId, section };
      }
      if (slice) {
        const text = model.sectionText(target.section.sectionId);
        if (text !== undefined) checkSliceBounds(text, slice);
      }
      addSymbol(ctx.root, { symbolId, targetType: target.targetType, targetRef: target.targetRef, ...(defaultSlice !== undefined ? { defaultSlice } : {}) });
      index.refreshSymbols();
      const record = index.getSymbol(symbolId) as SymbolRecord;
      ctx.emitJson({ ok: true, symbol: record, section: target.section });
      ctx.print(`added ${symbolId} -> ${target.targetType} ${target.targetRef} to ${SYMBOLS_FILE}`);
      ctx.print(`  resolves to ${lines(target.section)}  ${headingLabel(target.section)}`);
      return 0;
    } finally {
      index.close();
    }
  },
};

const get: Command = {
  name: "symbols get",
  summary: "Show one symbol: target, resolved section, definitions, problem",
  positionals: [{ name: "symbol", required: true, description: "@NS/NAME" }],
  run(ctx, args) {
    const symbolId = requiredPositional(args, 0, "symbol");
    const index = openBuiltIndex(ctx);
    try {
      const record = index.getSymbol(symbolId);
      if (!record) throw unknownSymbolError(symbolId, nearest(symbolId, index.listSymbols().map((s) => s.symbolId), 3));
      const section = record.sectionId ? index.getSection(record.sectionId) : undefined;
      ctx.emitJson({ ok: true, symbol: record, section: section ?? null });
      ctx.print(`${record.symbolId}  ${record.targetType} ${record.targetRef}`);
      if (record.defaultSlice) ctx.print(`  default slice ${record.defaultSlice}`);
      if (section) ctx.print(`  section ${section.sectionId}  ${lines(section)}  ${headingLabel(section)}`);
      for (const d of record.definitions) ctx.print(`  defined in ${d.file}:${d.line + 1} (${d.origin})`);
      if (record.problem) ctx.print(`  problem ${record.problem.code}: ${record.problem.message}`);
      return 0;
    } finally {
      index.close();
    }
  },
};

const list: Command = {
  name: "symbols list",
  summary: "List symbols (sorted), optionally by prefix",
  options: { prefix: { type: "string", description: "only ids starting with this, e.g. @CANON/" } },
  run(ctx, args) {
    const index = openBuiltIndex(ctx);
    try {
      const symbols = index.listSymbols(stringOption(args, "prefix") ?? "");
      ctx.emitJson({ ok: true, symbols });
      for (const s of symbols) {
        const flag = s.problem ? `  !${s.problem.code}` : "";
        ctx.print(`${s.symbolId}  ${s.targetType} ${s.targetRef}${s.defaultSlice ? `  (${s.defaultSlice})` : ""}${flag}`);
      }
      if (symbols.length === 0) ctx.note("no symbols (define them in catalytic.symbols.json, front matter, or with a namespace source)");
      return 0;
    } finally {
      index.close();
    }
  },
};

const verify: Command = {
  name: "symbols verify",
  summary: "Report unknown targets, stale pins, duplicates and invalid default slices (exit 1 if any)",
  run(ctx) {
    const index = openBuiltIndex(ctx);
    try {
      const problems = index.verifySymbols();
      ctx.emitJson({ ok: problems.length === 0, problems });
      for (const p of problems) ctx.print(`${p.file}:${p.line + 1}: ${p.code} ${p.message}`);
      if (problems.length === 0) {
        ctx.print(`OK: ${index.counts().symbols} symbols, no problems`);
        return 0;
      }
      ctx.note(`error CAT_VERIFY_FAILED: ${problems.length} symbol problem(s) (fix each place listed above)`);
      return 1;
    } finally {
      index.close();
    }
  },
};

export const symbolCommands: readonly Command[] = [add, get, list, verify];
