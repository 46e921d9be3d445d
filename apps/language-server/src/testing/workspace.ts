// Test support: a real WorkspaceModel and DocumentStore over in-memory buffers (no disk, no server).
import { CONFIG_FILE, SYMBOLS_FILE, checkConfigText, defaultConfig, type Logger } from "@catalytic/core";
import { WorkspaceModel, parseRegistry } from "@catalytic/indexer";
import { TextDocument } from "vscode-languageserver-textdocument";
import { URI } from "vscode-uri";
import { DocumentStore } from "../documents.js";
import type { FeatureContext } from "../host.js";

export const ROOT = "/workspace";

export interface MemoryWorkspace {
  ctx: FeatureContext;
  docs: DocumentStore;
  model: WorkspaceModel;
  uri(file: string): string;
  /** Replaces a file's buffer and re-indexes it (as an edit in the editor would). */
  edit(file: string, text: string): void;
  warnings: string[];
}

/** Files by workspace-relative path; catalytic.json and catalytic.symbols.json are read like the server reads them. */
export function memoryWorkspace(files: Record<string, string>): MemoryWorkspace {
  const warnings: string[] = [];
  const logger: Logger = { info: () => undefined, warn: (m) => void warnings.push(m), error: (m) => void warnings.push(m) };
  const docs = new DocumentStore(ROOT, (file, error) => warnings.push(`${file}: ${String(error)}`));
  const configText = files[CONFIG_FILE];
  const config = configText === undefined ? defaultConfig() : (checkConfigText(configText).config ?? defaultConfig());
  const model = new WorkspaceModel({ config, readText: (file) => docs.text(file) });
  const uri = (file: string): string => URI.file(`${ROOT}/${file}`).toString();
  const versions = new Map<string, number>();
  const edit = (file: string, text: string): void => {
    const version = (versions.get(file) ?? 0) + 1;
    versions.set(file, version);
    docs.setOpen(file, TextDocument.create(uri(file), file.endsWith(".json") ? "json" : "markdown", version, text));
    if (file === SYMBOLS_FILE) {
      const parsed = parseRegistry(text);
      model.setRegistry(parsed.entries, parsed.problems);
    } else if (file !== CONFIG_FILE) {
      model.setFile(file, text);
    }
  };
  for (const [file, text] of Object.entries(files)) edit(file, text);
  return { ctx: { model, docs, logger, hoverPreviewChars: 200 }, docs, model, uri, edit, warnings };
}

/** The fixture every feature test starts from: a namespaced canon, a registry, front matter, a note. */
export const BASIC_FILES: Record<string, string> = {
  "catalytic.json": JSON.stringify({ sources: [{ path: "canon", include: ["**/*.md"], namespace: "CANON" }, { path: "notes", include: ["**/*.md"] }] }),
  "catalytic.symbols.json": `{
  "symbols": {
    "@CONTRACTS/BUDGETS": {
      "default_slice": "lines[0:3]",
      "target_ref": "canon/plan.md#Plan > Budgets",
      "target_type": "HEADING"
    },
    "@TOOLS/SHARED": {
      "target_ref": "canon/tools.md",
      "target_type": "FILE"
    }
  }
}
`,
  "canon/agreement.md": `---
symbols:
  "@SKILLS/WRITING": "Agreement > Writing"
  "@TOOLS/SHARED": ""
---
# Agreement

## Scope

In scope: references.

## Writing

Write compact Markdown.
`,
  "canon/plan.md": "# Plan\n\nSteps.\n\n## Budgets\n\nmax_steps\nmax_bytes\nmax_symbols\n\n## Steps\n\nOrdered.\n",
  "canon/tools.md": "# Tools\n\nread, write, patch, test.\n",
  "notes/usage.md": [
    "# Usage",
    "",
    "See @CANON/agreement#scope and @CONTRACTS/BUDGETS and @SKILLS/WRITING.",
    "Typo @CANON/agrement, reversed @CANON/plan:lines[3:1], all @CANON/plan:ALL.",
    "Bounds @CANON/plan#budgets:lines[0:50] and heading @CANON/plan#nowhere.",
    "",
    "Code `@CANON/plan:ALL` and",
    "",
    "```",
    "@CANON/nothing",
    "```",
    "",
  ].join("\n"),
};
