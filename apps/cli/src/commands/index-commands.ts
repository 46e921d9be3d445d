// Index commands: `build`, `verify`, `get`, `extract`, `export` over .catalytic/index.db.
import path from "node:path";
import { InputError, UsageError, resolveInsideWorkspace, toPosixRelative } from "@catalytic/core";
import { type ExtractedSection, Index, extractSections, fileKind, readFrontMatter, readRegularFile } from "@catalytic/indexer";
import { requiredPositional, stringOption } from "../args.js";
import type { Command, CommandContext } from "../command.js";

/** Opens an index that must already be built (CAT_INDEX_MISSING otherwise). */
export function openBuiltIndex(ctx: CommandContext): Index {
  return Index.open(ctx.root, { mustExist: true });
}

export function lines(section: ExtractedSection): string {
  return `${section.filePath}:${section.lineStart}-${section.lineEnd}`;
}

export function headingLabel(section: ExtractedSection): string {
  return section.headingPath.length ? section.headingPath.join(" > ") : "(whole file)";
}

const build: Command = {
  name: "build",
  summary: "Index every source file into .catalytic/index.db (unchanged files cost a stat)",
  details:
    "Sources come from catalytic.json (default: every **/*.md, honouring .gitignore). --json prints counts, index hash and timings.\n" +
    "--path FILE (repeatable) re-checks only those files, as a file watcher reports them, instead of walking every folder.",
  options: {
    path: { type: "string", multiple: true, description: "re-check only this file (relative to the current directory; repeatable)" },
  },
  run(ctx, args) {
    // Like every path typed on the command line, relative to the current directory.
    const paths = (args.options.path as string[] | undefined)?.map((p) => toPosixRelative(ctx.root, path.resolve(p)));
    const index = Index.open(ctx.root);
    try {
      const labels = { walk: "scanning", read: "indexing", symbols: "symbols", done: "done" } as const;
      let phase: string | undefined;
      let bar = ctx.progress("scanning", 0);
      const report = index.build({
        ...(paths ? { paths } : {}),
        onProgress(p) {
          if (p.phase !== phase) {
            bar.finish();
            phase = p.phase;
            bar = ctx.progress(labels[p.phase], p.phase === "done" ? 0 : p.total);
          }
          bar.tick(p.done, p.file);
        },
      });
      bar.finish();
      ctx.emitJson({ ok: true, ...report });
      ctx.print(
        `indexed ${report.files} files: ${report.sections} sections, ${report.symbols} symbols ` +
          `(added ${report.added}, changed ${report.changed}, removed ${report.removed}, unchanged ${report.unchanged}) in ${report.timings.totalMs} ms`,
      );
      ctx.print(`index hash ${report.indexHash}`);
      for (const skipped of report.skipped) ctx.note(`skipped ${skipped.path}: ${skipped.reason}`);
      if (report.problems > 0) ctx.note(`${report.problems} symbol problem(s): run 'catalytic symbols verify' to list them`);
      return 0;
    } finally {
      index.close();
    }
  },
};

const verify: Command = {
  name: "verify",
  summary: "Build (again if the first build changed something) and re-extract everything in memory: the index hash must not change",
  details: "Exit 0 when both builds and a fresh extraction agree; exit 1 listing every differing section.",
  run(ctx) {
    const index = Index.open(ctx.root);
    try {
      const report = index.verify();
      ctx.emitJson(report);
      ctx.print(`first build  ${report.firstHash}`);
      ctx.print(`second build ${report.secondHash}`);
      ctx.print(`fresh        ${report.freshHash}`);
      if (report.ok) {
        ctx.print("OK: the index is deterministic and matches a fresh extraction");
        return 0;
      }
      for (const d of report.differences) ctx.print(`only in ${d.side}: ${d.sectionId} ${d.filePath}:${d.lineStart}-${d.lineEnd}`);
      ctx.note(`error CAT_VERIFY_FAILED: ${report.differences.length} differing section(s) (run 'catalytic build' and report this if it persists)`);
      return 1;
    } finally {
      index.close();
    }
  },
};

const get: Command = {
  name: "get",
  summary: "Print a section's content by section id (metadata on stderr)",
  positionals: [{ name: "section_id", required: true, description: "sha256 section id (from extract, search or export)" }],
  options: { slice: { type: "string", description: "bounded slice: lines[a:b], chars[a:b], head(n), tail(n)" } },
  run(ctx, args) {
    const sectionId = requiredPositional(args, 0, "section_id");
    const index = openBuiltIndex(ctx);
    try {
      const read = index.readSection(sectionId, stringOption(args, "slice"));
      if (ctx.json) {
        ctx.emitJson({ ok: true, section: read.section, slice: read.sliceText ?? null, bytes: read.bytes, content: read.text });
        return 0;
      }
      ctx.stdout.write(read.text);
      ctx.note(`section ${read.section.sectionId}`);
      ctx.note(`  ${lines(read.section)}  ${headingLabel(read.section)}`);
      ctx.note(`  content hash ${read.section.contentHash}, ${read.sliceText ? `slice ${read.sliceText}, ` : ""}${read.bytes} bytes`);
      return 0;
    } finally {
      index.close();
    }
  },
};

const extract: Command = {
  name: "extract",
  summary: "List the sections of one file (no database write)",
  positionals: [{ name: "file", required: true, description: "file path (relative to the current folder or absolute, inside the workspace)" }],
  run(ctx, args) {
    const given = requiredPositional(args, 0, "file");
    const relative = toPosixRelative(ctx.root, path.resolve(given));
    const absolute = resolveInsideWorkspace(ctx.root, relative);
    let text: string;
    try {
      text = readRegularFile(absolute, relative);
    } catch (error) {
      if (error instanceof InputError) throw error;
      const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
      throw new InputError(missing ? "CAT_FILE_NOT_FOUND" : "CAT_FILE_UNREADABLE", `cannot read ${relative}: ${(error as Error).message}`, {
        hint: missing ? "check the path" : "check the file's permissions",
      });
    }
    const sections = extractSections(relative, text);
    const frontMatter = fileKind(relative) === "markdown" ? readFrontMatter(text) : undefined;
    ctx.emitJson({
      ok: true,
      file: relative,
      sections,
      frontMatter: frontMatter ? { symbols: frontMatter.symbols, problems: frontMatter.problems, endLine: frontMatter.endLine } : null,
    });
    for (const s of sections) ctx.print(`${s.sectionId}  ${String(s.lineStart).padStart(5)}-${String(s.lineEnd).padEnd(5)} ${"#".repeat(s.level)}${s.level ? " " : ""}${headingLabel(s)}`);
    for (const symbol of frontMatter?.symbols ?? []) ctx.print(`front matter symbol ${symbol.symbolId} -> ${symbol.headingPath.join(" > ") || "(whole file)"} (line ${symbol.line + 1})`);
    for (const problem of frontMatter?.problems ?? []) ctx.note(`${relative}:${problem.line + 1}: ${problem.code} ${problem.message}`);
    return 0;
  },
};

const exportCommand: Command = {
  name: "export",
  summary: "Write SECTION_INDEX.jsonl and SYMBOLS.jsonl (deterministic) into a folder",
  options: { jsonl: { type: "string", description: "output folder (created if missing)" } },
  run(ctx, args) {
    const dir = stringOption(args, "jsonl");
    if (!dir) throw new UsageError("CAT_MISSING_ARGUMENT", "--jsonl <dir> is required", { hint: "catalytic export --jsonl out/" });
    const index = openBuiltIndex(ctx);
    try {
      const report = index.exportJsonl(path.resolve(dir));
      ctx.emitJson({ ok: true, ...report });
      ctx.print(`wrote ${report.sections} sections and ${report.symbols} symbols:`);
      for (const file of report.files) ctx.print(`  ${file}`);
      return 0;
    } finally {
      index.close();
    }
  },
};

export const indexCommands: readonly Command[] = [build, verify, get, extract, exportCommand];
