// Real OS processes against one ledger file: concurrency and crash recovery.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, test } from "vitest";
// @ts-expect-error plain ESM helper without types
import { bundleCassette } from "../scripts/bundle.mjs";
import { chainSteps, openTemp, planInput, sleep } from "./helpers.js";

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "worker.mjs");
let bundle = "";

beforeAll(async () => {
  bundle = (await bundleCassette()) as string;
}, 60_000);

interface WorkerRun {
  child: ChildProcess;
  firstLine: Promise<string>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

function startWorker(args: string[], env: Record<string, string> = {}): WorkerRun {
  const child = spawn(process.execPath, [WORKER, bundle, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  let stdout = "";
  let stderr = "";
  let resolveLine: (line: string) => void = () => {};
  const firstLine = new Promise<string>((resolve) => (resolveLine = resolve));
  child.stdout!.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    const newline = stdout.indexOf("\n");
    if (newline >= 0) resolveLine(stdout.slice(0, newline));
  });
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, firstLine, exit };
}

describe("processes", () => {
  test.each(["drain", "chain", "batch"])("8 processes (%s) claim and complete 2,000 steps: each exactly one receipt, none lost, no BUSY, verify passes", async (mode) => {
    const { cassette, dbPath, dir } = openTemp();
    const posted = cassette.postPlan(planInput("run-c", "bulk", chainSteps("c", 2000)));
    const barrier = path.join(dir, "go");
    const workers = Array.from({ length: 8 }, (_, i) => startWorker([dbPath, "run-c", `w${i}`, mode], { CASSETTE_TEST_BARRIER: barrier }));
    while (!Array.from({ length: 8 }, (_, i) => existsSync(`${barrier}.w${i}`)).every(Boolean)) await sleep(10);
    writeFileSync(barrier, "");
    const results = await Promise.all(workers.map((worker) => worker.exit));
    const summaries = results.map((result) => {
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      return JSON.parse(result.stdout) as { workerId: string; completed: number; errors: string[] };
    });
    expect(summaries.flatMap((summary) => summary.errors)).toEqual([]);
    expect(summaries.reduce((sum, summary) => sum + summary.completed, 0)).toBe(2000);
    // More than one process really took part.
    expect(summaries.filter((summary) => summary.completed > 0).length).toBeGreaterThan(1);

    const receipts = cassette.listReceipts(posted.jobId);
    expect(receipts).toHaveLength(2000);
    expect(new Set(receipts.map((receipt) => receipt.stepId)).size).toBe(2000);
    for (const receipt of receipts) expect((receipt.receipt as { by: string }).by).toBe(receipt.workerId);
    const status = cassette.jobStatus(posted.jobId);
    expect(status).toMatchObject({ committed: 2000, pending: 0, leased: 0, receipts: 2000, done: true, outcomes: { SUCCESS: 2000, FAILURE: 0, ABORTED: 0 } });
    expect(status.workersSeen.length).toBe(summaries.filter((summary) => summary.completed > 0).length);
    const verdict = cassette.verify("run-c");
    expect(verdict.issues).toEqual([]);
    expect(verdict.ok).toBe(true);
  }, 120_000);

  test("crash: SIGKILL a lease holder, requeue after expiry, another worker finishes, the old token is rejected", async () => {
    const { cassette, dbPath } = openTemp();
    const posted = cassette.postPlan(planInput("run-k", "crash", chainSteps("k", 6)));
    const holder = startWorker([dbPath, "run-k", "doomed", "hold", "3", "2"]);
    const held = JSON.parse(await holder.firstLine) as { held: Array<{ stepId: string; fencingToken: number }> };
    expect(held.held.map((step) => step.stepId)).toEqual(["k_00000", "k_00001", "k_00002"]);
    holder.child.kill("SIGKILL");
    const exit = await holder.exit;
    expect(exit.signal).toBe("SIGKILL");

    // Before expiry nothing is requeued; the held steps stay LEASED by the dead worker.
    expect(cassette.requeueExpired("run-k")).toEqual([]);
    expect(cassette.getStep("k_00000")).toMatchObject({ status: "LEASED", leaseOwner: "doomed" });
    await sleep(2300);
    expect(cassette.verify("run-k").issues.filter((issue) => issue.check === "leases")).toHaveLength(3);
    expect(cassette.requeueExpired("run-k")).toEqual(["k_00000", "k_00001", "k_00002"]);

    const rescuer = startWorker([dbPath, "run-k", "rescuer", "drain"]);
    const rescued = await rescuer.exit;
    expect(rescued.code).toBe(0);
    expect(JSON.parse(rescued.stdout)).toEqual({ workerId: "rescuer", completed: 6, errors: [] });

    for (const step of held.held) {
      expect(() =>
        cassette.completeStep({ runId: "run-k", stepId: step.stepId, workerId: "doomed", fencingToken: step.fencingToken, receipt: { late: true }, outcome: "SUCCESS" }),
      ).toThrow(expect.objectContaining({ code: "CAT_STALE_TOKEN" }));
      expect(cassette.getReceiptForStep(step.stepId)).toMatchObject({ workerId: "rescuer", fencingToken: 3 });
    }
    expect(cassette.jobStatus(posted.jobId)).toMatchObject({ done: true, receipts: 6, workersSeen: ["doomed", "rescuer"] });
    expect(cassette.verify("run-k")).toMatchObject({ ok: true, issues: [] });
  }, 60_000);
});
