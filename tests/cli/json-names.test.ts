// Every --json output names its fields in the contract's snake_case (docs/cli.md "JSON output"); data keys (a
// message payload, a receipt document, outcome counts) keep their spelling.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCatalytic, tempDir } from "./helpers.js";

const CAMEL = /^[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+$/;
const root = tempDir("cat-json-names-");

afterAll(() => rmSync(root, { recursive: true, force: true }));

function json(...args: string[]): Record<string, any> {
  const run = runCatalytic(["--root", root, ...args, "--json"], { cwd: root });
  return JSON.parse(run.stdout.trim()) as Record<string, any>;
}

/** Every camelCase field name in a value, with its JSON path; `skip` names paths whose value is data. */
function camelKeys(value: unknown, at = "$", skip: (at: string) => boolean = () => false): string[] {
  if (skip(at) || value === null || typeof value !== "object") return [];
  if (Array.isArray(value)) return value.flatMap((item, i) => camelKeys(item, `${at}[${i}]`, skip));
  return Object.entries(value).flatMap(([key, item]) => [...(CAMEL.test(key) ? [`${at}.${key}`] : []), ...camelKeys(item, `${at}.${key}`, skip)]);
}

describe("--json field names", () => {
  mkdirSync(path.join(root, ".git"));
  writeFileSync(path.join(root, "guide.md"), "---\nsymbols:\n  \"@DOC/guide\": \"\"\n---\n# Guide\n\nOne.\n\n## Part\n\nTwo.\n");
  writeFileSync(path.join(root, "catalytic.json"), JSON.stringify({ tests: { unit: { command: "node", args: ["-v"], timeout_seconds: 30 } } }));
  writeFileSync(path.join(root, "request.json"), JSON.stringify({ run_id: "r", request_id: "q", intent: "names", inputs: { symbols: ["@DOC/guide"] }, ops: [{ op: "NOTE", message: "hi" }] }));
  writeFileSync(path.join(root, "message.json"), JSON.stringify({ camelCaseKey: { innerKey: 1 } }));
  writeFileSync(path.join(root, "receipt.json"), JSON.stringify({ writtenBy: "a client" }));

  it("are snake_case in the index, symbol, plan, execute and restore commands", () => {
    const outputs: Record<string, unknown> = {
      build: json("build"),
      verify: json("verify"),
      extract: json("extract", "guide.md"),
      resolve: json("resolve", "@DOC/guide"),
      search: json("search", "guide"),
      symbolsList: json("symbols", "list"),
      symbolsGet: json("symbols", "get", "@DOC/guide"),
      planDry: json("plan", "--request-file", "request.json", "--dry-run"),
      plan: json("plan", "--request-file", "request.json"),
    };
    const jobId = (outputs.plan as Record<string, any>).posted.job_id as string;
    expect(jobId).toMatch(/^job_/);
    outputs.execute = json("execute", "--run-id", "r", "--job-id", jobId);
    outputs.antsStatus = json("ants", "status", "--run-id", "r", "--job-id", jobId);
    outputs.restore = json("restore", "--run-id", "r");
    outputs.error = json("get", "nope");
    for (const [command, output] of Object.entries(outputs)) expect(camelKeys(output), command).toEqual([]);
    expect(outputs.build).toMatchObject({ ok: true, index_hash: expect.any(String) });
    expect(outputs.error).toMatchObject({ ok: false, error: { code: "CAT_SECTION_NOT_FOUND" } });
  });

  it("are snake_case in the cassette commands, which print a payload and a receipt document as written", () => {
    const posted = json("cassette", "post", "--file", "message.json", "--run-id", "m", "--source", "USER");
    expect(posted).toMatchObject({ ok: true, step_id: expect.any(String), job_id: expect.any(String) });
    const claimed = json("cassette", "claim", "--run-id", "m", "--worker", "w1");
    expect(claimed.step.payload).toEqual({ camelCaseKey: { innerKey: 1 } });
    const done = json("cassette", "complete", "--run-id", "m", "--step", posted.step_id, "--worker", "w1", "--token", "1", "--receipt", "receipt.json", "--outcome", "SUCCESS");
    const shown = json("cassette", "show", "--receipt", done.receipt_id);
    expect(shown.receipt).toMatchObject({ receipt_id: done.receipt_id, receipt: { writtenBy: "a client" }, prev_receipt_hash: null });
    const outputs = {
      posted,
      claimed,
      done,
      shown,
      receipts: json("cassette", "receipts", "--job-id", posted.job_id),
      status: json("cassette", "status", "--run-id", "m"),
      jobs: json("cassette", "jobs"),
      runs: json("cassette", "runs"),
      verify: json("cassette", "verify"),
    };
    const data = (at: string) => /\.payload$|\.receipt$|\.receipts\[\d+\]\.receipt$/.test(at) && !at.endsWith("$.receipt");
    for (const [command, output] of Object.entries(outputs)) expect(camelKeys(output, "$", data), command).toEqual([]);
  });
});
