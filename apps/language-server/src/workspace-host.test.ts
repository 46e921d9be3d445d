// WorkspaceHost over a real temp workspace: a change on disk re-indexes that file only; an edit inside a
// prose line of one file keeps the reference verdicts that resolve into other files, and re-checks the rest.
import type { Logger } from "@catalytic/core";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { TextDocument } from "vscode-languageserver-textdocument";
import { URI } from "vscode-uri";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { diagnosticsFor } from "./features/diagnostics.js";

import { WorkspaceHost } from "./workspace-host.js";

const logger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const PLAN = "# Plan\n\nSteps.\n\n## Budgets\n\nmax_steps and max_bytes.\n";
const TOOLS = "# Tools\n\nread, write.\n";
const NOTE = "# Note\n\nSee @CANON/plan#budgets:chars[0:30] and @CANON/tools.\n";
let root: string;

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), "catalytic-host-"));
  mkdirSync(path.join(root, "canon"));
  writeFileSync(path.join(root, "catalytic.json"), JSON.stringify({ sources: [{ path: "canon", include: ["**/*.md"], namespace: "CANON" }, { path: ".", include: ["note.md"] }] }));
  writeFileSync(path.join(root, "canon/plan.md"), PLAN);
  writeFileSync(path.join(root, "canon/tools.md"), TOOLS);
  writeFileSync(path.join(root, "note.md"), NOTE);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function loaded(): Promise<WorkspaceHost> {
  const host = new WorkspaceHost(root, logger);
  await host.loadAll(() => undefined);
  return host;
}

describe("WorkspaceHost", () => {
  test("a file changed on disk is the only one re-indexed", async () => {
    const host = await loaded();
    const toolsSections = host.model.sectionsOf("canon/tools.md");
    const noteSections = host.model.sectionsOf("note.md");
    writeFileSync(path.join(root, "canon/plan.md"), PLAN.replace("Steps.", "Steps, edited."));
    expect(host.diskChanged("canon/plan.md", false)).toBe(true);
    expect(host.flush()).toEqual(["canon/plan.md"]);
    expect(host.model.sectionsOf("canon/tools.md")).toBe(toolsSections);
    expect(host.model.sectionsOf("note.md")).toBe(noteSections);
    expect(host.model.sectionText(host.model.sectionsOf("canon/plan.md")?.[0]?.sectionId as string)).toContain("Steps, edited.");
  });

  test("a prose edit of one file keeps verdicts into other files and re-checks those into it", async () => {
    const host = await loaded();
    expect(diagnosticsFor(host.context(), "note.md", [], undefined, host.verdictCache())).toEqual([]);
    const verdicts = host.verdictCache();
    const intoTools = [...verdicts.entries()].find(([, checked]) => checked.target === "canon/tools.md");
    expect(intoTools).toBeDefined();
    // Shrink the Budgets section below 30 characters with an edit inside its prose line.
    const planUri = URI.file(path.join(root, "canon/plan.md")).toString();
    host.didChange("canon/plan.md", TextDocument.create(planUri, "markdown", 1, PLAN));
    host.flush();
    host.didChange("canon/plan.md", TextDocument.create(planUri, "markdown", 2, PLAN.replace("max_steps and max_bytes.", "max.")));
    const diagnostics = diagnosticsFor(host.context(), "note.md", [], undefined, host.verdictCache());
    expect(diagnostics.map((d) => d.code)).toEqual(["CAT_SLICE_OUT_OF_BOUNDS"]);
    expect(host.verdictCache()).toBe(verdicts);
    expect(verdicts.get(intoTools?.[0] as string)).toBe(intoTools?.[1]);
  });

  test("an edit that changes a file's outline starts the verdicts afresh", async () => {
    const host = await loaded();
    diagnosticsFor(host.context(), "note.md", [], undefined, host.verdictCache());
    const verdicts = host.verdictCache();
    const planUri = URI.file(path.join(root, "canon/plan.md")).toString();
    host.didChange("canon/plan.md", TextDocument.create(planUri, "markdown", 1, PLAN.replace("## Budgets", "## Limits")));
    expect(diagnosticsFor(host.context(), "note.md", [], undefined, host.verdictCache()).map((d) => d.code)).toEqual(["CAT_HEADING_NOT_FOUND"]);
    expect(host.verdictCache()).not.toBe(verdicts);
  });
});
