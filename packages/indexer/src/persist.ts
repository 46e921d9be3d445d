// Loading a WorkspaceModel from index.db (no file is re-read) and persisting its resolved symbols.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { CatalyticConfig } from "@catalytic/core";
import type { ExtractedSection } from "./extract.js";
import { WorkspaceModel } from "./model.js";
import type { ParsedRegistry } from "./registry.js";
import { type SectionRow, type StoredFrontMatter, sectionFromRow } from "./rows.js";
import * as files from "./sql/files.js";
import * as sectionSql from "./sql/sections.js";
import * as symbolSql from "./sql/symbols.js";
import type { Statements } from "./statements.js";

export interface LoadedModel {
  model: WorkspaceModel;
  /** Database row of every loaded section object. */
  rowOf: Map<ExtractedSection, number>;
}

/** Reads a workspace file as text, or undefined when it is gone. */
export function fileReader(root: string): (filePath: string) => string | undefined {
  return (filePath) => {
    try {
      return readFileSync(path.join(root, filePath), "utf8");
    } catch {
      return undefined;
    }
  };
}

export function loadModelFromDb(statements: Statements, root: string, config: CatalyticConfig, registry: ParsedRegistry): LoadedModel {
  const model = new WorkspaceModel({ config, readText: fileReader(root) });
  const rowOf = new Map<ExtractedSection, number>();
  const byFile = new Map<string, ExtractedSection[]>();
  for (const row of statements.get(sectionSql.SELECT_ALL_SECTIONS).iterate() as IterableIterator<SectionRow>) {
    const section = sectionFromRow(row);
    rowOf.set(section, row.id);
    let list = byFile.get(row.file_path);
    if (!list) byFile.set(row.file_path, (list = []));
    list.push(section);
  }
  for (const row of statements.get(files.SELECT_FILES_WITH_FRONT_MATTER).all() as Array<{ file_path: string; content_hash: string; front_matter: string }>) {
    const frontMatter = JSON.parse(row.front_matter) as StoredFrontMatter;
    model.loadFile({
      filePath: row.file_path,
      contentHash: row.content_hash,
      sections: byFile.get(row.file_path) ?? [],
      frontMatterSymbols: frontMatter.symbols,
      frontMatterProblems: frontMatter.problems,
    });
  }
  model.setRegistry(registry.entries, registry.problems);
  return { model, rowOf };
}

/** Rewrites the symbols table from the model (every symbol, its resolved section row and first problem). */
export function writeSymbols(statements: Statements, model: WorkspaceModel, rowOf: Map<ExtractedSection, number>): number {
  statements.get(symbolSql.DELETE_ALL_SYMBOLS).run();
  const insert = statements.get(symbolSql.INSERT_SYMBOL);
  let count = 0;
  for (const record of model.listSymbols()) {
    const section = record.problem?.code === "CAT_SYMBOL_DUPLICATE" ? undefined : model.resolveTarget(record.symbolId);
    insert.run({
      symbol_id: record.symbolId,
      target_type: record.targetType,
      target_ref: record.targetRef,
      default_slice: record.defaultSlice ?? null,
      section_row: section ? (rowOf.get(section) ?? null) : null,
      section_id: section?.sectionId ?? null,
      stale: record.stale ? 1 : 0,
      problem_code: record.problem?.code ?? null,
      problem_message: record.problem?.message ?? null,
      definitions: JSON.stringify(record.definitions),
    });
    count++;
  }
  return count;
}
