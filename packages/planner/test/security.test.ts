// Plans are untrusted: protected paths are refused at plan time, and RUN_TEST records the command it will run.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { plan } from "../src/index.js";
import { failure, makeWorkspace, planningFor } from "./workspace.js";

const base = { run_id: "run_s", request_id: "req_s", intent: "attack" };

describe("plan: protected paths", () => {
  const root = makeWorkspace();
  const planIn = (request: unknown) => {
    const { substrate, options } = planningFor(root);
    return plan(request, substrate, options);
  };

  it.each([
    [".catalytic/cassette.db", ".catalytic/**"],
    [".catalytic/cas/ab/cd/abcd", ".catalytic/**"],
    [".git/config", "**/.git/**"],
    ["./.git/hooks/pre-commit", "**/.git/**"],
    ["docs/../.git/config", "**/.git/**"],
    [".GIT/config", "**/.git/**"],
    ["catalytic.json", "catalytic.json"],
    ["catalytic.symbols.json", "catalytic.symbols.json"],
    [".gitattributes", "**/.gitattributes"],
    [".vscode/settings.json", ".vscode/**"],
    [".envrc", "**/.envrc"],
  ])("WRITE_FILE %s is CAT_PATH_PROTECTED naming %s", (file_path, rule) => {
    const error = failure(() => planIn({ ...base, ops: [{ op: "WRITE_FILE", file_path, content: "x" }] }));
    expect(error.code).toBe("CAT_PATH_PROTECTED");
    expect(error.message).toContain("ops[0]");
    expect(error.message).toContain(JSON.stringify(rule));
    expect(error.details).toMatchObject({ rule, input: "ops[0]" });
  });

  it("PATCH_FILE of catalytic.json is refused too", () => {
    const error = failure(() =>
      planIn({ ...base, ops: [{ op: "PATCH_FILE", file_path: "catalytic.json", file_hash: "a".repeat(64), patch_start_line: 1, patch_end_line: 1, content: "{}" }] }),
    );
    expect(error.code).toBe("CAT_PATH_PROTECTED");
  });

  it("catalytic.json protected_paths adds rules", () => {
    const custom = makeWorkspace();
    writeFileSync(path.join(custom, "catalytic.json"), JSON.stringify({ protected_paths: ["deploy/**"] }));
    const { substrate, options } = planningFor(custom);
    const error = failure(() => plan({ ...base, ops: [{ op: "WRITE_FILE", file_path: "Deploy/prod.yml", content: "x" }] }, substrate, options));
    expect(error.details).toMatchObject({ rule: "deploy/**", source: "catalytic.json" });
    expect(plan({ ...base, ops: [{ op: "WRITE_FILE", file_path: "docs/new.md", content: "x" }] }, substrate, options).steps).toHaveLength(1);
  });
});

describe("plan: RUN_TEST records the configured command", () => {
  it("the step carries command, args and cwd, so the plan hash covers what will run", () => {
    const root = makeWorkspace();
    const { substrate, options } = planningFor(root);
    const out = plan({ ...base, ops: [{ op: "RUN_TEST", test_name: "unit" }] }, substrate, options);
    expect(out.steps[0]!.refs).toEqual({ test_name: "unit", test_command: { command: "node", args: ["-e", "process.exit(0)"], cwd: "." } });
    writeFileSync(path.join(root, "catalytic.json"), JSON.stringify({ tests: { unit: { command: "sh", args: ["-c", "id"] } } }));
    const changed = planningFor(root);
    expect(plan({ ...base, ops: [{ op: "RUN_TEST", test_name: "unit" }] }, changed.substrate, changed.options).plan_hash).not.toBe(out.plan_hash);
  });

  it("a test named like an Object prototype key is not configured", () => {
    const root = makeWorkspace();
    const { substrate, options } = planningFor(root);
    expect(failure(() => plan({ ...base, ops: [{ op: "RUN_TEST", test_name: "constructor" }] }, substrate, options)).code).toBe("CAT_TEST_NOT_CONFIGURED");
  });
});
