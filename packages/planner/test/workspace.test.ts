import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { canonicalJson, loadConfig } from "@catalytic/core";
import { Index } from "@catalytic/indexer";
import { indexSubstrate, modelSubstrate, plan, planInWorkspace, planOptionsFromConfig, readRequestFile, verifyPlanInWorkspace } from "../src/index.js";
import { buildModel, makeWorkspace } from "./workspace.js";

function buildIndex(root: string): void {
  const index = Index.open(root);
  try {
    index.build();
  } finally {
    index.close();
  }
}

const request = {
  run_id: "run_ws",
  request_id: "req_ws",
  intent: "workspace",
  inputs: { symbols: ["@TEST/example", { symbol_id: "@TEST/usage", slice: "head(8)" }], files: ["README.md"], notes: ["n"] },
  ops: [{ op: "RUN_TEST", test_name: "unit" }],
};

describe("indexSubstrate: the SQLite index as the planner's substrate", () => {
  it("plans exactly what the in-memory model substrate plans", () => {
    const root = makeWorkspace();
    buildIndex(root);
    const options = planOptionsFromConfig(loadConfig(root));
    const index = Index.open(root, { mustExist: true });
    try {
      const fromIndex = plan(request, indexSubstrate(index, root), options);
      const fromModel = plan(request, modelSubstrate(buildModel(root), root), options);
      expect(canonicalJson(fromIndex)).toBe(canonicalJson(fromModel));
      const install = index.getSymbol("@TEST/install")!.sectionId!;
      expect(plan({ ...request, inputs: { sections: [install] } }, indexSubstrate(index, root), options).steps[0]!.refs).toEqual({ section_id: install, slice: "head(4000)" });
      expect(() => plan({ ...request, inputs: { symbols: ["@TEST/exampel"] } }, indexSubstrate(index, root), options)).toThrow(
        expect.objectContaining({ code: "CAT_SYMBOL_UNKNOWN", details: expect.objectContaining({ suggestions: expect.arrayContaining(["@TEST/example"]) }) }),
      );
    } finally {
      index.close();
    }
  });

  it("a file-only request plans without an index; a symbol request without one is CAT_INDEX_MISSING", () => {
    const root = makeWorkspace();
    expect(planInWorkspace(root, { ...request, inputs: { files: ["README.md"] }, ops: [] }, { dryRun: true }).plan.steps).toHaveLength(1);
    expect(() => planInWorkspace(root, request, { dryRun: true })).toThrow(expect.objectContaining({ code: "CAT_INDEX_MISSING" }));
    expect(existsSync(path.join(root, ".catalytic", "index.db"))).toBe(false);
  });
});

describe("planInWorkspace", () => {
  it("dry run writes nothing: no cassette.db is created, an existing one is not changed", () => {
    const root = makeWorkspace();
    buildIndex(root);
    const cassetteDb = path.join(root, ".catalytic", "cassette.db");
    const dry = planInWorkspace(root, request, { dryRun: true });
    expect(dry.posted).toBeUndefined();
    expect(existsSync(cassetteDb)).toBe(false);
    const posted = planInWorkspace(root, request, { dryRun: false });
    expect(posted.plan).toEqual(dry.plan);
    const bytes = readFileSync(cassetteDb);
    const mtime = statSync(cassetteDb).mtimeMs;
    expect(planInWorkspace(root, { ...request, request_id: "other" }, { dryRun: true }).plan.request_id).toBe("other");
    expect(readFileSync(cassetteDb).equals(bytes)).toBe(true);
    expect(statSync(cassetteDb).mtimeMs).toBe(mtime);
  });

  it("a failing request creates no cassette", () => {
    const root = makeWorkspace();
    buildIndex(root);
    expect(() => planInWorkspace(root, { ...request, budgets: { max_steps: 1 } }, { dryRun: false })).toThrow(/max_steps/);
    expect(existsSync(path.join(root, ".catalytic", "cassette.db"))).toBe(false);
  });

  it("posts once per (run_id, request_id) and verifies against the workspace", () => {
    const root = makeWorkspace();
    buildIndex(root);
    const first = planInWorkspace(root, request, { dryRun: false });
    const second = planInWorkspace(root, request, { dryRun: false });
    expect(second.posted).toEqual({ ...first.posted, created: false });
    expect(verifyPlanInWorkspace(root, "run_ws", "req_ws")).toMatchObject({ ok: true, differences: [] });
    writeFileSync(path.join(root, "catalytic.json"), JSON.stringify({ tests: { unit: { command: "node", timeout_seconds: 7 } } }));
    const verification = verifyPlanInWorkspace(root, "run_ws", "req_ws");
    expect(verification.ok).toBe(false);
    expect(verification.differences.map((d) => d.ordinal)).toEqual([5]);
  });

  it("readRequestFile: missing file, malformed JSON and schema errors are typed", () => {
    const root = makeWorkspace();
    expect(() => readRequestFile(root, "nope.json")).toThrow(expect.objectContaining({ code: "CAT_FILE_NOT_FOUND" }));
    writeFileSync(path.join(root, "bad.json"), "{}}");
    expect(() => readRequestFile(root, "bad.json")).toThrow(expect.objectContaining({ code: "CAT_JSON_MALFORMED" }));
    writeFileSync(path.join(root, "invalid.json"), JSON.stringify({ run_id: "r" }));
    expect(() => readRequestFile(root, "invalid.json")).toThrow(expect.objectContaining({ code: "CAT_SCHEMA_INVALID" }));
    writeFileSync(path.join(root, "ok.json"), JSON.stringify(request));
    expect(readRequestFile(root, "ok.json").run_id).toBe("run_ws");
  });
});
