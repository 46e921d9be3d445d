// Loading a WorkspaceModel from index.db: no source file is re-read (texts load lazily on demand).
import { readFileSync } from "node:fs";
import path from "node:path";
import type { CatalyticConfig } from "@catalytic/core";
import type { ExtractedSection } from "./extract.js";
import { WorkspaceModel } from "./model.js";
import type { ParsedRegistry } from "./registry.js";
import { type SectionRow, type StoredFrontMatter, sectionFromRow } from "./rows.js";
import * as files from "./sql/files.js";
import * as sectionSql from "./sql/sections.js";
import type { Statements } from "./statements.js";

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

export function loadModelFromDb(statements: Statements, root: string, config: CatalyticConfig, registry: ParsedRegistry): WorkspaceModel {
  const model = new WorkspaceModel({ config, readText: fileReader(root) });
  const byFile = new Map<string, ExtractedSection[]>();
  for (const row of statements.get(sectionSql.SELECT_ALL_SECTIONS).all() as SectionRow[]) {
    const section = sectionFromRow(row);
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
  return model;
}

