// A real temp workspace with the files and symbols the reference fixtures name, and a model built by the real indexer.
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type CatalyticError, loadConfig } from "@catalytic/core";
import { WorkspaceModel, readRegistry } from "@catalytic/indexer";
import { modelSubstrate, planOptionsFromConfig, type PlanOptions, type PlanSubstrate } from "../src/index.js";

export const FIXTURES = path.resolve(import.meta.dirname, "../../../fixtures/reference/plan-requests");

export const GUIDE = [
  "# Guide",
  "",
  "Intro line one.",
  "Intro line two.",
  "",
  "## Install",
  "",
  "Run the installer.",
  "",
  "## Usage",
  "",
  "Use it well.",
  "",
].join("\n");

export function makeWorkspace(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "cat-planner-"));
  writeFileSync(path.join(root, "README.md"), "# Readme\n\nHello from the readme.\n");
  writeFileSync(path.join(root, "AGENTS.md"), "# Agents\n\nAnts do the work.\n");
  writeFileSync(path.join(root, "LICENSE"), "MIT License\n\nCopyright (c) Catalytic\n");
  writeFileSync(path.join(root, "CHANGELOG.md"), "# Changelog\n\n## 0.1.0\n\nFirst release.\n");
  writeFileSync(path.join(root, "guide.md"), GUIDE);
  writeFileSync(
    path.join(root, "catalytic.json"),
    `${JSON.stringify({ tests: { unit: { command: "node", args: ["-e", "process.exit(0)"], timeout_seconds: 30 } } }, null, 2)}\n`,
  );
  writeFileSync(
    path.join(root, "catalytic.symbols.json"),
    `${JSON.stringify(
      {
        symbols: {
          "@TEST/example": { target_type: "FILE", target_ref: "guide.md", default_slice: "lines[0:4]" },
          "@TEST/install": { target_type: "HEADING", target_ref: "guide.md#Install" },
          "@TEST/usage": { target_type: "HEADING", target_ref: "guide.md#Usage" },
        },
      },
      null,
      2,
    )}\n`,
  );
  return root;
}

export function copyWorkspace(root: string): string {
  const copy = mkdtempSync(path.join(os.tmpdir(), "cat-planner-copy-"));
  cpSync(root, copy, { recursive: true });
  return copy;
}

/** WorkspaceModel over every Markdown file at the root, built by the indexer's own extraction. */
export function buildModel(root: string): WorkspaceModel {
  const model = new WorkspaceModel({ config: loadConfig(root) });
  for (const name of readdirSync(root).filter((n) => n.endsWith(".md")).sort()) {
    model.setFile(name, readFileSync(path.join(root, name), "utf8"));
  }
  const registry = readRegistry(root);
  model.setRegistry(registry.entries, registry.problems);
  return model;
}

export function planningFor(root: string): { substrate: PlanSubstrate; options: PlanOptions; model: WorkspaceModel } {
  const model = buildModel(root);
  return { substrate: modelSubstrate(model, root), options: planOptionsFromConfig(loadConfig(root)), model };
}

export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(path.join(FIXTURES, name), "utf8"));
}

/** The typed error `fn` throws; fails the test when it throws nothing. */
export function failure(fn: () => unknown): CatalyticError {
  try {
    fn();
  } catch (error) {
    return error as CatalyticError;
  }
  throw new Error("expected a failure");
}
