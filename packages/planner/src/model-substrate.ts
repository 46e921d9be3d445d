// A PlanSubstrate over the indexer's in-memory WorkspaceModel (the language server's live model).
import { SectionError } from "@catalytic/core";
import type { WorkspaceModel } from "@catalytic/indexer";
import { workspaceFile } from "./files.js";
import type { PlanSubstrate, SubstrateSymbol } from "./substrate.js";

function textOf(model: WorkspaceModel, sectionId: string, filePath: string): string {
  const text = model.sectionText(sectionId);
  if (text === undefined) {
    throw new SectionError("CAT_FILE_UNREADABLE", `cannot read ${filePath} for section ${sectionId}`, {
      hint: "check that the file exists, then run 'catalytic build'",
      details: { file_path: filePath, section_id: sectionId },
    });
  }
  return text;
}

/** Symbols and sections come from `model`; files are read from disk under `root`. */
export function modelSubstrate(model: WorkspaceModel, root: string): PlanSubstrate {
  return {
    symbol(symbolId): SubstrateSymbol | undefined {
      if (!model.getSymbol(symbolId)) return undefined;
      // Throws the model's typed error for duplicate, stale or missing targets.
      const section = model.resolveSection(symbolId);
      const record = model.getSymbol(symbolId);
      const content = textOf(model, section.sectionId, section.filePath);
      return {
        symbolId,
        sectionId: section.sectionId,
        ...(record?.defaultSlice !== undefined ? { defaultSlice: record.defaultSlice } : {}),
        content,
      };
    },
    suggestSymbols: (symbolId) => model.suggest(symbolId, 3),
    section(sectionId) {
      const section = model.getSection(sectionId);
      if (!section) return undefined;
      return { sectionId, filePath: section.filePath, content: textOf(model, sectionId, section.filePath) };
    },
    file: (relativePath) => workspaceFile(root, relativePath),
  };
}
