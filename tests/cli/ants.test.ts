// End to end with the built CLI bundle and real worker processes: plan, ants spawn, receipts,
// cassette verify, restore; hostile steps; the failure policy.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, runCatalytic, tempDir } from "./helpers.js";
import { receiptsOf, snapshot } from "./workspace-state.js";
// The ledger API (from source) only to post steps the planner would refuse.
import { Cassette } from "../../packages/cassette/src/index.js";
import { planHash, stepId, type PlanStep } from "../../packages/core/src/index.js";

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

interface Workspace {
  root: string;
  outside: string;
}

function cli(ws: Workspace, args: string[]) {
  return runCatalytic(["--root", ws.root, ...args]);
}

function json<T = any>(result: { stdout: string }): T {
  return JSON.parse(result.stdout) as T;
}

const META_ARGS = ["-e", "console.log(JSON.stringify(process.argv.slice(1))); process.exit(5)", "; touch ../outside/pwned", "$(touch ../outside/pwned2)", "| tee ../outside/pwned3"];

const CHECK_SCRIPT = [
  "const fs = require('fs');",
  "const want = { 'out/w1.md': 'one\\nPATCHED\\n', 'out/w2.md': 'two\\n', 'out/w3.md': 'three\\n', 'out/w4.md': 'four\\n', 'README.md': 'rewritten\\n', 'p1.md': 'alpha\\nBETA\\ngamma\\n' };",
  "for (const [f, c] of Object.entries(want)) if (fs.readFileSync(f, 'utf8') !== c) { console.error('not yet: ' + f); process.exit(1); }",
  "console.log('all writes present');",
].join("\n");

function makeWorkspace(): Workspace {
  const base = tempDir("cat-ants-e2e-");
  const root = path.join(base, "ws");
  const outside = path.join(base, "outside");
  mkdirSync(path.join(root, "docs"), { recursive: true });
  mkdirSync(outside);
  writeFileSync(path.join(outside, "secret.txt"), "outside the workspace\n");
  writeFileSync(path.join(root, "README.md"), "# Readme\n\nThe e2e workspace.\n");
  writeFileSync(path.join(root, "p1.md"), "alpha\nbeta\ngamma\n");
  writeFileSync(path.join(root, "check.js"), CHECK_SCRIPT);
  for (let i = 0; i < 20; i++) {
    const n = String(i).padStart(3, "0");
    writeFileSync(path.join(root, "docs", `doc-${n}.md`), `# Doc ${n}\n\nIntro ${n}.\n\n## Part A\n\nA of ${n}.\n\n## Part B\n\nB of ${n}.\n`);
  }
  writeFileSync(
    path.join(root, "catalytic.json"),
    JSON.stringify({
      sources: [{ path: ".", include: ["**/*.md"] }, { path: "docs", include: ["**/*.md"], namespace: "DOCS" }],
      tests: {
        check: { command: process.execPath, args: ["check.js"], timeout_seconds: 60 },
        sleepy: { command: process.execPath, args: ["-e", "setTimeout(() => console.log('slept'), 3000)"], timeout_seconds: 60 },
        meta: { command: process.execPath, args: META_ARGS, timeout_seconds: 60 },
      },
    }),
  );
  const build = runCatalytic(["--root", root, "build", "--json"]);
  expect(build.code, build.stderr).toBe(0);
  return { root, outside };
}

function sectionIds(ws: Workspace, file: string): string[] {
  const result = cli(ws, ["extract", path.join(ws.root, file), "--json"]);
  expect(result.code, result.stderr).toBe(0);
  return [...new Set(json<{ sections: Array<{ section_id: string }> }>(result).sections.map((s) => s.section_id))];
}

function postRequest(ws: Workspace, request: Record<string, unknown>): { jobId: string; steps: PlanStep[] } {
  const file = path.join(ws.root, `${String(request.request_id)}.json`);
  writeFileSync(file, JSON.stringify({ intent: "e2e", ...request }));
  const result = cli(ws, ["plan", "--request-file", file, "--json"]);
  rmSync(file);
  expect(result.code, result.stderr).toBe(0);
  const out = json(result);
  return { jobId: out.posted.job_id, steps: out.plan.steps };
}

describe("ants end to end (built CLI, real processes)", () => {
  it("200 reads, 5 writes, 2 patches and 1 test with 4 ants: one receipt per step, dependencies respected, verify passes, restore is exact", () => {
    const ws = makeWorkspace();
    const before = snapshot(ws.root);
    const sections = Array.from({ length: 20 }, (_, i) => sectionIds(ws, `docs/doc-${String(i).padStart(3, "0")}.md`)).flat();
    expect(sections.length).toBeGreaterThanOrEqual(60);
    const docs = Array.from({ length: 20 }, (_, i) => `docs/doc-${String(i).padStart(3, "0")}.md`);
    const symbols = docs.map((d) => `@DOCS/${path.basename(d, ".md")}`);
    const reads = {
      symbols: [...symbols, ...symbols, ...symbols.map((s) => ({ symbol_id: s, slice: "lines[0:3]" }))],
      sections: sections.slice(0, 60),
      files: ["README.md", ...docs, ...docs, ...docs, ...docs].slice(0, 80),
    };
    const readCount = reads.symbols.length + reads.sections.length + reads.files.length;
    expect(readCount).toBe(200);
    const ops = [
      { op: "WRITE_FILE", file_path: "out/w1.md", content: "one\ntwo\n" },
      { op: "WRITE_FILE", file_path: "out/w2.md", content: "two\n" },
      { op: "WRITE_FILE", file_path: "out/w3.md", content: "three\n" },
      { op: "WRITE_FILE", file_path: "out/w4.md", content: "four\n" },
      { op: "WRITE_FILE", file_path: "README.md", content: "rewritten\n" },
      { op: "PATCH_FILE", file_path: "out/w1.md", file_hash: sha256("one\ntwo\n"), patch_start_line: 2, patch_end_line: 2, content: "PATCHED" },
      { op: "PATCH_FILE", file_path: "p1.md", file_hash: sha256("alpha\nbeta\ngamma\n"), patch_start_line: 2, patch_end_line: 2, content: "BETA" },
      { op: "RUN_TEST", test_name: "check" },
    ];
    const { jobId, steps } = postRequest(ws, { run_id: "e2e", request_id: "big", inputs: reads, ops, budgets: { max_steps: 300 } });
    expect(steps).toHaveLength(208);

    const spawn = cli(ws, ["ants", "spawn", "--run-id", "e2e", "--job-id", jobId, "-n", "4", "--json"]);
    expect(spawn.code, spawn.stderr).toBe(0);
    const spawned = json(spawn);
    expect(spawned.workers).toHaveLength(4);
    expect(spawned.workers.map((w: { exit_code: number }) => w.exit_code)).toEqual([0, 0, 0, 0]);
    const manifest = JSON.parse(readFileSync(spawned.manifest, "utf8"));
    expect(spawned.manifest).toBe(path.join(ws.root, ".catalytic", "runs", "e2e", `manifest-${jobId}.json`));
    expect(manifest).toMatchObject({ runId: "e2e", jobId, exitCode: 0 });
    expect(manifest.workers.every((w: { pid: number; endedAt: string }) => w.pid > 0 && w.endedAt)).toBe(true);

    // Every step exactly one receipt, all SUCCESS, all from the spawned ants.
    const receipts = receiptsOf(ws.root, jobId);
    expect(receipts).toHaveLength(208);
    expect(receipts.map((r) => r.step_id).sort()).toEqual(steps.map((s) => s.step_id).sort());
    expect(receipts.every((r) => r.status === "SUCCESS")).toBe(true);
    const workerIds = new Set(manifest.workers.map((w: { workerId: string }) => w.workerId));
    expect(receipts.every((r) => workerIds.has(r.worker_id))).toBe(true);

    // Dependencies: a step starts only after each dependency committed (commit order and clock).
    const position = new Map(receipts.map((r, i) => [r.step_id, i]));
    const byStep = new Map(receipts.map((r) => [r.step_id, r]));
    const withDeps = steps.filter((s) => s.depends_on.length > 0);
    expect(withDeps.map((s) => s.op)).toEqual(["WRITE_FILE", "PATCH_FILE", "RUN_TEST"]);
    expect(withDeps[2]!.depends_on).toHaveLength(7);
    for (const step of withDeps) {
      for (const dep of step.depends_on) {
        expect(position.get(dep)!).toBeLessThan(position.get(step.step_id)!);
        expect(byStep.get(dep)!.timings.finished_at <= byStep.get(step.step_id)!.timings.started_at).toBe(true);
      }
    }
    const test = receipts.find((r) => r.op === "RUN_TEST")!;
    expect(test.outputs).toMatchObject({ exit_code: 0, output_tail: "all writes present\n" });
    expect(readFileSync(path.join(ws.root, "out/w1.md"), "utf8")).toBe("one\nPATCHED\n");

    const verify = cli(ws, ["cassette", "verify", "--json"]);
    expect(verify.code, verify.stdout).toBe(0);
    expect(json(verify).ok).toBe(true);
    expect(cli(ws, ["plan", "verify", "--run-id", "e2e", "--request-id", "big"]).code).toBe(0);
    const status = json(cli(ws, ["ants", "status", "--run-id", "e2e", "--job-id", jobId, "--json"]));
    expect(status.status).toMatchObject({ committed: 208, pending: 0, done: true });

    const restore = cli(ws, ["restore", "--run-id", "e2e", "--json"]);
    expect(restore.code, restore.stderr).toBe(0);
    const restored = json(restore);
    expect(restored.root_after).toBe(restored.root_before);
    expect(restored.writes_reverted).toBe(7);
    expect(snapshot(ws.root)).toEqual(before);
    // Human output proves it too: the root over the touched files before the run, before and after the restore.
    const again = cli(ws, ["restore", "--run-id", "e2e"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("run e2e: already restored (every touched file has its pre-run hash)");
    expect(again.stdout).toContain(`root before run     ${restored.root_before}`);
    expect(again.stdout).toContain(`root before restore ${restored.root_before}`);
    expect(again.stdout).toContain(`root after restore  ${restored.root_before}`);
    expect(restored.root_at_start).not.toBe(restored.root_before);
  });

  it("a read-only job of 480 reads with 3 ants: one receipt per step, every read charged once, reuse only of committed or own content, verify passes", () => {
    const ws = makeWorkspace();
    const sections = Array.from({ length: 20 }, (_, i) => sectionIds(ws, `docs/doc-${String(i).padStart(3, "0")}.md`)).flat();
    const files = Array.from({ length: 20 }, (_, i) => `docs/doc-${String(i).padStart(3, "0")}.md`);
    // Each section and file read several times, in an order that spreads the repeats over the ants' batches.
    const reads = { sections: [...sections, ...sections, ...sections, ...sections, ...sections, ...sections].slice(0, 360), files: [...files, ...files, ...files, ...files, ...files, ...files] };
    const { jobId, steps } = postRequest(ws, { run_id: "reads", request_id: "many", inputs: reads, budgets: { max_steps: 600 } });
    expect(steps).toHaveLength(480);
    const spawn = cli(ws, ["ants", "spawn", "--run-id", "reads", "--job-id", jobId, "-n", "3", "--json"]);
    expect(spawn.code, spawn.stderr).toBe(0);
    expect(json(spawn).workers.map((w: { exit_code: number }) => w.exit_code)).toEqual([0, 0, 0]);
    const receipts = receiptsOf(ws.root, jobId);
    expect(receipts.map((r) => r.step_id).sort()).toEqual(steps.map((s) => s.step_id).sort());
    expect(receipts.every((r) => r.status === "SUCCESS")).toBe(true);
    // The budget charged in the commits equals what the receipts say they expanded.
    const status = json(cli(ws, ["ants", "status", "--run-id", "reads", "--job-id", jobId, "--json"])).status;
    expect(status).toMatchObject({ committed: 480, leased: 0, pending: 0, done: true });
    expect(status.bytes_used).toBe(receipts.reduce((sum, r) => sum + r.metrics.bytes_expanded, 0));
    // Reuse: content is marked reused only after a receipt that expanded it, and the first expansion of each
    // content in the chain is new (ants racing on the same content may both count it new, never neither).
    const seen = new Set<string>();
    for (const receipt of receipts) {
      for (const item of receipt.expanded) {
        if (!seen.has(item.content_hash)) expect(item.reused).toBe(false);
        seen.add(item.content_hash);
      }
    }
    expect(receipts.some((r) => r.expanded.some((e) => e.reused))).toBe(true);
    expect(cli(ws, ["cassette", "verify"]).code).toBe(0);
  });

  it("hostile steps each get a FAILURE receipt and nothing is written outside the workspace", () => {
    const ws = makeWorkspace();
    const outsideBefore = snapshot(ws.outside);
    // The planner refuses these outright ...
    for (const file_path of ["../../etc/passwd", "/etc/passwd"]) {
      const refused = postRequestRaw(ws, { run_id: "hostile", request_id: `refused-${file_path.length}`, ops: [{ op: "WRITE_FILE", file_path, content: "x" }] });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("CAT_PATH_OUTSIDE_WORKSPACE");
    }
    // ... so they are posted straight into the ledger, as a tampered plan would be.
    mkdirSync(path.join(ws.root, "sub"));
    symlinkSync(ws.outside, path.join(ws.root, "sub", "escape"));
    symlinkSync(path.join(ws.outside, "secret.txt"), path.join(ws.root, "secret-link.txt"));
    const hostile: Array<[PlanStep["op"], PlanStep["refs"], string]> = [
      ["WRITE_FILE", { file_path: "../../etc/passwd", content: "pwned" }, "CAT_PATH_OUTSIDE_WORKSPACE"],
      ["WRITE_FILE", { file_path: path.join(ws.outside, "abs.txt"), content: "pwned" }, "CAT_PATH_OUTSIDE_WORKSPACE"],
      ["WRITE_FILE", { file_path: "sub/escape/pwned.txt", content: "pwned" }, "CAT_PATH_OUTSIDE_WORKSPACE"],
      ["PATCH_FILE", { file_path: "secret-link.txt", file_hash: sha256("outside the workspace\n"), patch_start_line: 1, patch_end_line: 1, content: "pwned" }, "CAT_PATH_OUTSIDE_WORKSPACE"],
      ["READ_FILE", { file_path: "../outside/secret.txt" }, "CAT_PATH_OUTSIDE_WORKSPACE"],
      ["RUN_TEST", { test_name: "check; touch ../outside/pwned", test_command: { command: "sh", args: ["-c", "touch ../outside/pwned"], cwd: "." } }, "CAT_TEST_NOT_CONFIGURED"],
      ["RUN_TEST", { test_name: "meta", test_command: { command: process.execPath, args: META_ARGS, cwd: "." } }, "CAT_TEST_FAILED"],
      ["RUN_TEST", { test_name: "meta", test_command: { command: "sh", args: ["-c", "touch ../outside/pwned"], cwd: "." } }, "CAT_TEST_CHANGED"],
      ["WRITE_FILE", { file_path: ".catalytic/cassette.db", content: "pwned" }, "CAT_PATH_PROTECTED"],
      ["WRITE_FILE", { file_path: "catalytic.json", content: "{}" }, "CAT_PATH_PROTECTED"],
    ];
    const jobId = postRawSteps(ws.root, "hostile", "raw", hostile.map(([op, refs]) => ({ op, refs })));
    const run = cli(ws, ["ants", "spawn", "--run-id", "hostile", "--job-id", jobId, "-n", "2", "--continue-on-fail", "--json"]);
    expect(run.code).toBe(1);
    const receipts = receiptsOf(ws.root, jobId);
    expect(receipts).toHaveLength(hostile.length);
    const byOrdinal = new Map(receipts.map((r) => [r.step_id, r]));
    const cassette = Cassette.openWorkspace(ws.root);
    const steps = cassette.listSteps(jobId);
    cassette.close();
    steps.forEach((step, i) => {
      const receipt = byOrdinal.get(step.stepId)!;
      expect(receipt.status).toBe("FAILURE");
      expect(receipt.error!.code).toBe(hostile[i]![2]);
    });
    const meta = receipts.find((r) => r.op === "RUN_TEST" && r.error!.code === "CAT_TEST_FAILED")!;
    expect(JSON.parse(meta.outputs.output_tail as string)).toEqual(["; touch ../outside/pwned", "$(touch ../outside/pwned2)", "| tee ../outside/pwned3"]);
    expect(snapshot(ws.outside)).toEqual(outsideBefore);
    expect(existsSync(path.join(ws.root, "pwned"))).toBe(false);
  });

  it("draws a progress bar on a TTY (through script(1)), and none when piped", () => {
    const ws = makeWorkspace();
    const { jobId } = postRequest(ws, { run_id: "tty", request_id: "bar", inputs: { files: Array.from({ length: 40 }, () => "README.md") } });
    const quoted = (arg: string) => `'${arg.replace(/'/g, "'\\''")}'`;
    const command = [process.execPath, CLI, "--root", ws.root, "execute", "--run-id", "tty", "--job-id", jobId, "--workers", "2"].map(quoted).join(" ");
    const tty = spawnSync("script", ["-qec", command, "/dev/null"], { encoding: "utf8" });
    expect(tty.status).toBe(0);
    expect(tty.stdout).toMatch(new RegExp(`job ${jobId} \\[[#-]{28}\\] \\d+/40`));
    expect(tty.stdout).toContain(`job ${jobId}: 40/40 committed (40 succeeded, 0 failed), 0 pending`);
    const { jobId: piped } = postRequest(ws, { run_id: "tty", request_id: "piped", inputs: { files: ["README.md"] } });
    const plain = cli(ws, ["execute", "--run-id", "tty", "--job-id", piped]);
    expect(plain.code).toBe(0);
    expect(plain.stderr).not.toContain("[");
  });

  it("a SIGKILLed ant's step is requeued when its lease expires and completed by another ant", async () => {
    const ws = makeWorkspace();
    const { jobId } = postRequest(ws, { run_id: "crash", request_id: "kill", ops: [{ op: "RUN_TEST", test_name: "sleepy" }, { op: "NOTE", message: "after" }] });
    const doomed = spawn(process.execPath, [CLI, "--root", ws.root, "ants", "worker", "--run-id", "crash", "--job-id", jobId, "--worker-id", "doomed", "--ttl", "1"], { stdio: "ignore" });
    const statusOf = () => {
      const cassette = Cassette.openWorkspace(ws.root);
      try {
        return cassette.jobStatus(jobId);
      } finally {
        cassette.close();
      }
    };
    for (let i = 0; i < 200 && statusOf().leased === 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(statusOf().leased).toBe(1);
    doomed.kill("SIGKILL");
    await new Promise((resolve) => doomed.once("exit", resolve));
    const rescue = cli(ws, ["ants", "worker", "--run-id", "crash", "--job-id", jobId, "--worker-id", "rescuer", "--ttl", "1", "--json"]);
    expect(rescue.code, rescue.stderr).toBe(0);
    expect(json(rescue)).toMatchObject({ executed: 2, failed: 0, stopped_because: "done" });
    // The NOTE was claimable at once; the test only after the dead ant's lease ran out and was requeued.
    const receipts = receiptsOf(ws.root, jobId);
    expect(receipts.map((r) => [r.op, r.status, r.worker_id])).toEqual([
      ["NOTE", "SUCCESS", "rescuer"],
      ["RUN_TEST", "SUCCESS", "rescuer"],
    ]);
    expect(receipts[1]!.fencing_token).toBeGreaterThan(1);
    expect(receipts[1]!.outputs.output_tail).toBe("slept\n");
    expect(cli(ws, ["cassette", "verify"]).code).toBe(0);
  });

  it("failure policy: a missing file stops the ants (exit 1); --continue-on-fail completes the rest and still exits 1", () => {
    const ws = makeWorkspace();
    const files = ["gone.md", ...Array.from({ length: 12 }, () => "README.md")];
    writeFileSync(path.join(ws.root, "gone.md"), "soon gone\n");
    const first = postRequest(ws, { run_id: "policy", request_id: "stop", inputs: { files } });
    const second = postRequest(ws, { run_id: "policy", request_id: "continue", inputs: { files } });
    rmSync(path.join(ws.root, "gone.md"));

    const stop = cli(ws, ["ants", "spawn", "--run-id", "policy", "--job-id", first.jobId, "-n", "1"]);
    expect(stop.code).toBe(1);
    const stopped = receiptsOf(ws.root, first.jobId);
    expect(stopped.map((r) => r.error?.code)).toEqual(["CAT_FILE_NOT_FOUND"]);

    // ants status: the job's progress and the last spawn's workers; a job of another run is not found.
    const status = cli(ws, ["ants", "status", "--run-id", "policy", "--job-id", first.jobId]);
    expect(status.code, status.stderr).toBe(0);
    const lines = status.stdout.trim().split("\n");
    expect(lines[0]).toBe(`job ${first.jobId}: 1/13 committed, 0 leased, 12 pending (12 runnable); 0 succeeded, 1 failed`);
    expect(lines[1]).toMatch(/^bytes used 0(\/\d+)?, symbols used 0(\/\d+)?$/);
    expect(lines[2]).toMatch(/^ {2}ant-\d+-1 pid \d+ exit 1$/);
    const wrongRun = cli(ws, ["ants", "status", "--run-id", "other", "--job-id", first.jobId, "--json"]);
    expect(wrongRun.code).toBe(1);
    expect(json(wrongRun).error).toMatchObject({ code: "CAT_JOB_NOT_FOUND" });

    const go = cli(ws, ["execute", "--run-id", "policy", "--job-id", second.jobId, "--workers", "2", "--continue-on-fail", "--json"]);
    expect(go.code).toBe(1);
    expect(json(go).status).toMatchObject({ committed: 13, pending: 0 });
    const all = receiptsOf(ws.root, second.jobId);
    expect(all).toHaveLength(13);
    expect(all.filter((r) => r.status === "FAILURE").map((r) => r.error!.code)).toEqual(["CAT_FILE_NOT_FOUND"]);
  });
});

function postRequestRaw(ws: Workspace, request: Record<string, unknown>) {
  const file = path.join(ws.root, "raw-request.json");
  writeFileSync(file, JSON.stringify({ intent: "e2e", ...request }));
  const result = cli(ws, ["plan", "--request-file", file]);
  rmSync(file);
  return result;
}

/** Posts steps into the cassette without the planner, as a tampered plan would arrive. */
function postRawSteps(root: string, runId: string, requestId: string, raw: Array<{ op: PlanStep["op"]; refs: PlanStep["refs"] }>): string {
  const steps: PlanStep[] = raw.map((r, i) => {
    const body = { ordinal: i + 1, op: r.op, refs: r.refs, depends_on: [] };
    return { step_id: stepId({ run_id: runId, request_id: requestId, ...body }), ...body };
  });
  const cassette = Cassette.openWorkspace(root);
  try {
    return cassette.postPlan({
      runId,
      idempotencyKey: requestId,
      request: { run_id: runId, request_id: requestId, intent: "tampered" },
      intent: "tampered",
      planHash: planHash(runId, requestId, steps),
      plannerVersion: "hand-written",
      steps: steps.map((s) => ({ stepId: s.step_id, ordinal: s.ordinal, op: s.op, payload: s, dependsOn: [] })),
    }).jobId;
  } finally {
    cassette.close();
  }
}
