import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkConfigText, defaultConfig, loadConfig } from "./config.js";
import { CatalyticError } from "./errors.js";

describe("catalytic.json", () => {
  it("defaults: every **/*.md under the root, head(4000), no tests", () => {
    const config = defaultConfig();
    expect(config.sources).toEqual([{ path: ".", include: ["**/*.md"], exclude: [] }]);
    expect(config.default_slice).toBe("head(4000)");
    expect(config.tests).toEqual({});
    expect(config.budgets.plan.max_steps).toBe(1000);
  });

  it("reports every problem with its JSON path", () => {
    const { config, problems } = checkConfigText(
      JSON.stringify({ sources: [{ path: "docs", namespace: "lower" }, { paht: "x" }], default_slice: 5 }),
    );
    expect(config).toBeUndefined();
    const paths = problems.map((p) => p.path);
    expect(paths).toContain("$.sources[0].namespace");
    expect(paths).toContain("$.sources[1].path");
    expect(paths).toContain("$.sources[1]");
    expect(paths).toContain("$.default_slice");
  });

  it("rejects a namespace used twice, naming both places", () => {
    const { problems } = checkConfigText(JSON.stringify({ sources: [{ path: "a", namespace: "CANON" }, { path: "b", namespace: "CANON" }] }));
    expect(problems).toEqual([{ path: "$.sources[1].namespace", message: "namespace CANON is already used by $.sources[0]" }]);
  });

  it("malformed JSON is one problem at $, not a crash", () => {
    const { problems } = checkConfigText("{ sources: ", "catalytic.json");
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe("$");
    expect(problems[0]!.message).toContain("not valid JSON");
  });

  it("loadConfig throws CAT_CONFIG_INVALID with the problems as details", () => {
    const root = mkdtempSync(path.join(os.tmpdir(), "cat-cfg-"));
    writeFileSync(path.join(root, "catalytic.json"), JSON.stringify({ tests: { unit: { command: "" } } }));
    try {
      loadConfig(root);
      expect.unreachable();
    } catch (error) {
      expect((error as CatalyticError).code).toBe("CAT_CONFIG_INVALID");
      expect((error as CatalyticError).details.problems).toEqual([
        { path: "$.tests.unit.command", message: expect.stringMatching(/>=1 characters/) },
      ]);
    }
  });
});
