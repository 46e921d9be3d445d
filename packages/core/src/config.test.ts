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

describe("catalytic.json ranges and protected paths", () => {
  it("rejects timeouts above the timer's range and leases above the ants' limit, naming each path", () => {
    const { problems } = checkConfigText(
      JSON.stringify({ tests: { t: { command: "node", timeout_seconds: 2_147_484 }, z: { command: "node", timeout_seconds: 0 } }, lease_ttl_seconds: 604_801 }),
    );
    expect(problems.map((p) => p.path).sort()).toEqual(["$.lease_ttl_seconds", "$.tests.t.timeout_seconds", "$.tests.z.timeout_seconds"]);
    expect(checkConfigText(JSON.stringify({ tests: { t: { command: "node", timeout_seconds: 86_400 } }, lease_ttl_seconds: 604_800 })).problems).toEqual([]);
  });

  it("protected_paths: relative globs without '..'", () => {
    expect(checkConfigText(JSON.stringify({ protected_paths: ["secrets/**"] })).config?.protected_paths).toEqual(["secrets/**"]);
    expect(checkConfigText(JSON.stringify({ protected_paths: ["/etc/**", "../x", ""] })).problems.map((p) => p.path)).toEqual([
      "$.protected_paths[0]",
      "$.protected_paths[1]",
      "$.protected_paths[2]",
    ]);
  });
});
