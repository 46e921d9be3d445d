// `catalytic plan` and `plan verify` with the built CLI bundle.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, runCatalytic, tempDir } from "./helpers.js";

const FIXTURES = path.resolve(REPO_ROOT, "fixtures", "reference", "plan-requests");

function workspace(): string {
  const root = tempDir("cat-plan-cli-");
  mkdirSync(path.join(root, ".git"));
  for (const name of ["README.md", "AGENTS.md", "CHANGELOG.md"]) writeFileSync(path.join(root, name), `# ${name}\n\nText.\n`);
  writeFileSync(path.join(root, "LICENSE"), "MIT\n");
  writeFileSync(path.join(root, "guide.md"), "# Guide\n\nOne.\nTwo.\n");
  writeFileSync(path.join(root, "catalytic.json"), JSON.stringify({ tests: { unit: { command: "node", args: ["-v"], timeout_seconds: 30 } } }));
  writeFileSync(path.join(root, "catalytic.symbols.json"), JSON.stringify({ symbols: { "@TEST/example": { target_type: "FILE", target_ref: "guide.md", default_slice: "lines[0:2]" } } }));
  expect(runCatalytic(["--root", root, "build"]).code).toBe(0);
  return root;
}

describe("catalytic plan", () => {
  it("--dry-run prints the plan and writes nothing; posting is idempotent; verify passes, then reports a changed workspace", () => {
    const root = workspace();
    const request = path.join(root, "request.json");
    writeFileSync(
      request,
      JSON.stringify({ run_id: "r", request_id: "q", intent: "cli", inputs: { symbols: ["@TEST/example"], files: ["LICENSE"] }, ops: [{ op: "RUN_TEST", test_name: "unit" }] }),
    );
    const dry = runCatalytic(["--root", root, "plan", "--request-file", request, "--dry-run"]);
    expect(dry.code, dry.stderr).toBe(0);
    const plan = JSON.parse(dry.stdout);
    expect(plan).toMatchObject({ run_id: "r", request_id: "q", planner_version: "1.2.0", schema_version: "1.1" });
    expect(plan.steps.map((s: { op: string }) => s.op)).toEqual(["READ_SYMBOL", "READ_FILE", "RUN_TEST"]);
    expect(existsSync(path.join(root, ".catalytic", "cassette.db"))).toBe(false);

    const posted = JSON.parse(runCatalytic(["--root", root, "plan", "--request-file", request, "--json"]).stdout);
    expect(posted.plan).toEqual(plan);
    expect(posted.posted).toMatchObject({ created: true, step_ids: plan.steps.map((s: { step_id: string }) => s.step_id) });
    const again = runCatalytic(["--root", root, "plan", "--request-file", request]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`already posted: job ${posted.posted.job_id}`);

    const verify = runCatalytic(["--root", root, "plan", "verify", "--run-id", "r", "--request-id", "q"]);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain(`PASS: plan ${plan.plan_hash}`);

    writeFileSync(path.join(root, "catalytic.json"), JSON.stringify({ tests: { unit: { command: "node", timeout_seconds: 9 } } }));
    const changed = runCatalytic(["--root", root, "plan", "verify", "--run-id", "r", "--request-id", "q", "--json"]);
    expect(changed.code).toBe(1);
    expect(JSON.parse(changed.stdout)).toMatchObject({ ok: false, stored_plan_hash: plan.plan_hash, differences: [{ ordinal: 3, fields: ["constraints", "refs", "step_id"] }] });
  });

  it("a different request under the same (run_id, request_id) is CAT_PLAN_MISMATCH", () => {
    const root = workspace();
    const request = path.join(root, "request.json");
    writeFileSync(request, JSON.stringify({ run_id: "r", request_id: "q", intent: "one", inputs: { files: ["README.md"] } }));
    expect(runCatalytic(["--root", root, "plan", "--request-file", request]).code).toBe(0);
    writeFileSync(request, JSON.stringify({ run_id: "r", request_id: "q", intent: "one", inputs: { files: ["AGENTS.md"] } }));
    const tampered = runCatalytic(["--root", root, "plan", "--request-file", request, "--json"]);
    expect(tampered.code).toBe(1);
    expect(JSON.parse(tampered.stdout)).toMatchObject({ ok: false, error: { code: "CAT_PLAN_MISMATCH" } });
  });

  it.each([
    ["plan_request_min.json", 0, undefined],
    ["plan_request_files.json", 0, undefined],
    ["plan_request_parallel.json", 0, undefined],
    ["plan_request_no_symbols.json", 0, undefined],
    ["plan_request_invalid_symbol.json", 1, "CAT_JSON_MALFORMED"],
    ["plan_request_slice_all_forbidden.json", 1, "CAT_JSON_MALFORMED"],
  ])("fixture %s: exit %i %s", (name, code, error) => {
    const root = workspace();
    const result = runCatalytic(["--root", root, "plan", "--request-file", path.join(FIXTURES, name), "--dry-run", "--json"]);
    expect(result.code).toBe(code);
    if (error) expect(JSON.parse(result.stdout).error.code).toBe(error);
    else expect(JSON.parse(result.stdout).plan.run_id).toMatch(/^test_/);
  });

  it("typed failures: budget, unknown symbol, outside path, unconfigured test; usage errors exit 2", () => {
    const root = workspace();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ inputs: { files: ["README.md", "AGENTS.md"] }, budgets: { max_steps: 1 } }, "CAT_BUDGET_EXCEEDED"],
      [{ inputs: { symbols: ["@TEST/exampel"] } }, "CAT_SYMBOL_UNKNOWN"],
      [{ inputs: { files: ["../../etc/passwd"] } }, "CAT_PATH_OUTSIDE_WORKSPACE"],
      [{ ops: [{ op: "RUN_TEST", test_name: "e2e" }] }, "CAT_TEST_NOT_CONFIGURED"],
    ];
    for (const [body, code] of cases) {
      writeFileSync(path.join(root, "bad.json"), JSON.stringify({ run_id: "r", request_id: code, intent: "bad", ...body }));
      const result = runCatalytic(["--root", root, "plan", "--request-file", "bad.json"], { cwd: root });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`^error ${code}: `));
    }
    expect(existsSync(path.join(root, ".catalytic", "cassette.db"))).toBe(false);
    expect(runCatalytic(["--root", root, "plan"]).code).toBe(2);
    expect(runCatalytic(["--root", root, "plan", "verify", "--run-id", "r"]).code).toBe(2);
  });
});
