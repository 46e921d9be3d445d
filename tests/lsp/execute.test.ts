// catalytic/executeJob spawns real ants through the CLI bundle; receipts, progress and restore follow.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FIXTURES, LspClient, copyToTemp, removeTemp } from "./client.js";

const CLI = path.resolve(FIXTURES, "../../../apps/cli/dist/catalytic.cjs");
let root: string;
let client: LspClient;

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build @catalytic/cli first`);
  root = copyToTemp(path.join(FIXTURES, "basic"));
  client = await LspClient.start(root, { initializationOptions: { cliPath: CLI } });
  await client.waitForReady();
});

afterAll(async () => {
  await client.stop();
  removeTemp(root);
});

describe("executing a job with ants", () => {
  let jobId: string;

  test("plan, post, execute with 2 ants: every step committed with a receipt", async () => {
    const planned = await client.request<{ posted: { jobId: string; stepIds: string[] } }>("catalytic/planRequest", { requestFile: "requests/write-note.json", dryRun: false });
    jobId = planned.posted.jobId;
    const result = await client.request<{ exitCode: number; workers: Array<{ workerId: string; exitCode: number | null }>; manifest: string }>("catalytic/executeJob", {
      runId: "run-lsp-exec",
      jobId,
      workers: 2,
    });
    expect(result.exitCode).toBe(0);
    expect(result.workers).toHaveLength(2);
    expect(result.workers.every((w) => w.exitCode === 0)).toBe(true);
    expect(existsSync(result.manifest)).toBe(true);
    expect(readFileSync(path.join(root, "notes/summary.md"), "utf8")).toBe("# Summary\n\nBudgets fail closed.\n");

    const steps = await client.request<Array<{ stepId: string; op: string; status: string; outcome: string; receiptId: string | null }>>("catalytic/listSteps", { jobId });
    expect(steps.map((s) => [s.op, s.status, s.outcome])).toEqual([
      ["READ_SYMBOL", "COMMITTED", "SUCCESS"],
      ["READ_SYMBOL", "COMMITTED", "SUCCESS"],
      ["WRITE_FILE", "COMMITTED", "SUCCESS"],
    ]);
    expect(steps.every((s) => typeof s.receiptId === "string")).toBe(true);

    const receipt = await client.request<{ stepId: string; outcome: string; receipt: { expanded: unknown[] }; locations: Array<{ id: string; file: string; lineStart: number; lineEnd: number }> }>("catalytic/getReceipt", { stepId: steps[0]?.stepId });
    expect(receipt.outcome).toBe("SUCCESS");
    expect(receipt.receipt.expanded).toHaveLength(1);
    expect(receipt.locations).toEqual([{ id: "@CONTRACTS/BUDGETS", file: "canon/plan.md", lineStart: 4, lineEnd: 11 }]);

    const progress = await client.request<{ done: boolean; total: number; counts: { success: number }; workers: Array<{ committed: number }> }>("catalytic/jobProgress", { jobId });
    expect(progress.done).toBe(true);
    expect(progress.counts.success).toBe(3);
    expect(progress.workers.reduce((sum, w) => sum + w.committed, 0)).toBe(3);
    // The run panel's economy: tokens the two symbol reads put into context against the whole file they came from.
    const economy = progress as unknown as { tokensExpanded: number; savings: { baselineTokens: number; ratio: number } };
    expect(economy.tokensExpanded).toBeGreaterThan(0);
    expect(economy.savings.baselineTokens).toBeGreaterThan(economy.tokensExpanded);
    expect(economy.savings.ratio).toBeCloseTo(economy.tokensExpanded / economy.savings.baselineTokens, 10);
    // Show Report: the report object and its page, built by the server for the webview's nonce and CSP source.
    const page = await client.request<{ report: { runs: Array<{ run_id: string; totals: { steps: number } }> }; html: string }>("catalytic/report", {
      runId: "run-lsp-exec",
      nonce: "bHNwLXJlcG9ydA==",
      cspSource: "vscode-webview://test",
    });
    expect(page.report.runs.map((run) => [run.run_id, run.totals.steps])).toEqual([["run-lsp-exec", 3]]);
    expect(page.html).toContain(`<script nonce="bHNwLXJlcG9ydA==">`);
    expect(page.html).toContain("img-src vscode-webview://test data:");
    await expect(client.request("catalytic/report", { runId: "run-none", nonce: "n", cspSource: "c" })).rejects.toMatchObject({ data: { code: "CAT_RUN_NOT_FOUND" } });
    await client.waitFor(() => client.notifications.some((n) => n.method === "catalytic/jobsChanged" && (n.params as { jobIds: string[] }).jobIds.includes(jobId)), "jobsChanged after execution");
    expect((await client.request<{ ok: boolean }>("catalytic/verifyCassette", { runId: "run-lsp-exec" })).ok).toBe(true);
  });

  test("restoreRun reverts the run's write", async () => {
    const restored = await client.request<{ restored: Array<{ file: string; hash: string }>; rootBefore: string; rootAfter: string }>("catalytic/restoreRun", { runId: "run-lsp-exec" });
    expect(restored.restored).toEqual([{ file: "notes/summary.md", hash: "absent" }]);
    expect(restored.rootAfter).toBe(restored.rootBefore);
    expect(existsSync(path.join(root, "notes/summary.md"))).toBe(false);
  });

  test("an unknown job is a typed error from the CLI", async () => {
    await expect(client.request("catalytic/executeJob", { runId: "run-lsp-exec", jobId: "job-none", workers: 1 })).rejects.toMatchObject({ data: { code: "CAT_JOB_NOT_FOUND" } });
  });
});
