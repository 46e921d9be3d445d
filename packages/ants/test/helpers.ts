// Real workspaces in temp dirs: files, config with named tests, symbols, a built index, plans posted
// through the planner (or, for the safety tests, steps posted straight into the cassette).
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { planHash, stepId, type PlanStep, type Receipt } from "@catalytic/core";
import { Cassette } from "@catalytic/cassette";
import { Index } from "@catalytic/indexer";
import { planInWorkspace } from "@catalytic/planner";

export const GUIDE = "# Guide\n\nIntro line one.\nIntro line two.\n\n## Install\n\nRun the installer.\n";

export const TESTS = {
  unit: { command: process.execPath, args: ["-e", "console.log('unit ok')"], timeout_seconds: 30 },
  failing: { command: process.execPath, args: ["-e", "console.error('boom'); process.exit(3)"], timeout_seconds: 30 },
  slow: { command: process.execPath, args: ["-e", "setTimeout(() => {}, 30000)"], timeout_seconds: 1 },
  chatty: { command: process.execPath, args: ["-e", "process.stdout.write('x'.repeat(10000) + 'END')"], timeout_seconds: 30 },
  argv: {
    command: process.execPath,
    args: ["-e", "console.log(JSON.stringify(process.argv.slice(1))); process.exit(4)", "; touch ../outside/pwned", "$(touch ../outside/pwned2)", "`id`", "a && b | c > ../outside/redirect"],
    timeout_seconds: 30,
  },
  renewed: { command: process.execPath, args: ["-e", "setTimeout(() => {}, 2500)"], timeout_seconds: 30 },
};

export function makeWorkspace(config: Record<string, unknown> = {}): { root: string; outside: string } {
  const base = mkdtempSync(path.join(os.tmpdir(), "cat-ants-"));
  const root = path.join(base, "ws");
  const outside = path.join(base, "outside");
  mkdirSync(root);
  mkdirSync(outside);
  writeFileSync(path.join(outside, "secret.txt"), "do not touch\n");
  writeFileSync(path.join(root, "README.md"), "# Readme\n\nline 3\nline 4\n");
  writeFileSync(path.join(root, "guide.md"), GUIDE);
  writeFileSync(path.join(root, "catalytic.json"), JSON.stringify({ tests: TESTS, ...config }, null, 2));
  writeFileSync(
    path.join(root, "catalytic.symbols.json"),
    JSON.stringify({ symbols: { "@TEST/example": { target_type: "FILE", target_ref: "guide.md", default_slice: "lines[0:4]" } } }, null, 2),
  );
  const index = Index.open(root);
  try {
    index.build();
  } finally {
    index.close();
  }
  return { root, outside };
}

/** Posts a request through the planner; returns the job id and the plan. */
export function postRequest(root: string, request: Record<string, unknown>) {
  const result = planInWorkspace(root, { intent: "test", ...request }, { dryRun: false });
  return { jobId: result.posted!.jobId, plan: result.plan };
}

export interface RawStep {
  op: PlanStep["op"];
  refs: PlanStep["refs"];
  depends_on?: number[];
}

/** A RUN_TEST of a test in TESTS records its command, as the planner would; anything else is posted as given. */
function withTestCommand(raw: RawStep): PlanStep["refs"] {
  const name = raw.refs.test_name;
  if (raw.op !== "RUN_TEST" || raw.refs.test_command || name === undefined || !Object.hasOwn(TESTS, name)) return raw.refs;
  const test = TESTS[name as keyof typeof TESTS];
  return { ...raw.refs, test_command: { command: test.command, args: test.args, cwd: "." } };
}

/**
 * Posts steps straight into the cassette, bypassing the planner's checks: how a tampered or
 * hand-written plan reaches the ants, which must defend themselves.
 */
export function postRawSteps(root: string, runId: string, requestId: string, raw: RawStep[], budget?: { maxBytes: number | null; maxSymbols: number | null }): { jobId: string; steps: PlanStep[] } {
  const steps: PlanStep[] = [];
  raw.forEach((r, i) => {
    const body = { ordinal: i + 1, op: r.op, refs: withTestCommand(r), depends_on: (r.depends_on ?? []).map((o) => steps[o - 1]!.step_id) };
    steps.push({ step_id: stepId({ run_id: runId, request_id: requestId, ...body }), ...body });
  });
  const cassette = Cassette.openWorkspace(root);
  try {
    const posted = cassette.postPlan({
      runId,
      idempotencyKey: requestId,
      request: { run_id: runId, request_id: requestId, intent: "raw" },
      intent: "raw",
      planHash: planHash(runId, requestId, steps),
      plannerVersion: "test",
      steps: steps.map((s) => ({ stepId: s.step_id, ordinal: s.ordinal, op: s.op, payload: s, dependsOn: s.depends_on })),
      ...(budget ? { budget } : {}),
    });
    return { jobId: posted.jobId, steps };
  } finally {
    cassette.close();
  }
}

export function receiptsOf(root: string, jobId: string): Receipt[] {
  const cassette = Cassette.openWorkspace(root);
  try {
    return cassette.listReceipts(jobId).map((r) => r.receipt as Receipt);
  } finally {
    cassette.close();
  }
}

export function withCassette<T>(root: string, fn: (cassette: Cassette) => T): T {
  const cassette = Cassette.openWorkspace(root);
  try {
    return fn(cassette);
  } finally {
    cassette.close();
  }
}
