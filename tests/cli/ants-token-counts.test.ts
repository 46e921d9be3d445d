// Receipts' token counts served by the spawner (docs/ants.md "Token counts"), with the built CLI and real processes:
// the same receipts as an ant counting itself, and a counter that answers wrong or goes away fails the step with
// CAT_TOKEN_COUNT_FAILED. This test process plays the spawner where its answers must be controlled.
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, REPO_ROOT, runCatalytic, tempDir } from "./helpers.js";
import { receiptsOf } from "./workspace-state.js";
import { Cassette } from "../../packages/cassette/src/index.js";
import { TOKENIZER, canonicalJson, loadTokenCounter, type Receipt } from "../../packages/core/src/index.js";

const RUN = "counts";

/** The same workspace, byte for byte, each call: texts with non-ASCII characters and a special-token marker. */
function makeWorkspace(): string {
  const root = path.join(tempDir("cat-ants-counts-"), "ws");
  mkdirSync(path.join(root, "docs"), { recursive: true });
  writeFileSync(path.join(root, "README.md"), "# Readme\n\nCafé — naïve façade; 日本語のテキスト; <|endoftext|> stays text.\n");
  for (let i = 0; i < 12; i++) {
    writeFileSync(path.join(root, "docs", `doc-${i}.md`), `# Doc ${i}\n\nIntro ${i}: ünïcödé ${"word ".repeat(i * 7)}\n\n## Part\n\nPart of ${i} — 😀 ${i}.\n`);
  }
  writeFileSync(path.join(root, "catalytic.json"), JSON.stringify({}));
  const build = runCatalytic(["--root", root, "build", "--json"]);
  expect(build.code, build.stderr).toBe(0);
  return root;
}

/** Posts a job reading every section and file, a note and a write (tokens_out); returns its id. */
function postJob(root: string): string {
  const sections: string[] = [];
  for (let i = 0; i < 12; i++) {
    const out = runCatalytic(["--root", root, "extract", path.join(root, "docs", `doc-${i}.md`), "--json"]);
    for (const s of JSON.parse(out.stdout).sections as Array<{ section_id: string }>) if (!sections.includes(s.section_id)) sections.push(s.section_id);
  }
  const request = {
    run_id: RUN,
    request_id: "r1",
    intent: "counts",
    inputs: { sections, files: ["README.md", "docs/doc-3.md"], notes: ["a note — with ünïcödé"] },
    ops: [{ op: "WRITE_FILE", file_path: "out/new.md", content: "written — 書いた\n" }],
  };
  const file = path.join(root, "..", "request.json");
  writeFileSync(file, JSON.stringify(request));
  const planned = runCatalytic(["--root", root, "plan", "--request-file", file, "--json"]);
  expect(planned.code, planned.stderr).toBe(0);
  return JSON.parse(planned.stdout).posted.job_id as string;
}

const withoutTimings = (receipts: Receipt[]) => receipts.map(({ timings: _, ...rest }) => canonicalJson(rest));

function bytesUsed(root: string, jobId: string): number {
  const cassette = Cassette.openWorkspace(root);
  try {
    return cassette.jobStatus(jobId).bytesUsed;
  } finally {
    cassette.close();
  }
}

interface Request {
  type: string;
  id: number;
  texts: string[];
}

/**
 * Runs `ants worker --token-counts spawner` with this process as its spawner: `answer` replies to each request
 * (undefined: this side disconnects instead). Resolves with the exit code, stderr and the requests seen.
 */
function antWithCounter(
  root: string,
  jobId: string,
  answer: (request: Request) => unknown,
  extraArgs: string[] = [],
): Promise<{ code: number | null; stderr: string; requests: Request[] }> {
  const args = [CLI, "--root", root, "ants", "worker", "--run-id", RUN, "--job-id", jobId, "--worker-id", "ant-1", "--token-counts", "spawner", ...extraArgs];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe", "ipc"], serialization: "advanced" });
  const requests: Request[] = [];
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += String(chunk)));
  child.on("message", async (message: Request) => {
    requests.push(message);
    const reply = await answer(message);
    if (reply === undefined) child.disconnect();
    else if (child.connected) child.send(reply as object);
  });
  // 'exit', not 'close': after this side disconnects, Node emits no 'close' for the child.
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stderr, requests })));
}

describe("ants: token counts served by the spawner", () => {
  it("ants spawn (counts in the spawner) writes the receipts an ant alone (its own tokenizer) writes, byte for byte but the timings", () => {
    const spawned = makeWorkspace();
    const alone = makeWorkspace();
    const jobId = postJob(spawned);
    expect(postJob(alone)).toBe(jobId);

    const spawn1 = runCatalytic(["--root", spawned, "ants", "spawn", "--run-id", RUN, "--job-id", jobId, "-n", "1", "--json"]);
    expect(spawn1.code, spawn1.stderr).toBe(0);
    const workerId = JSON.parse(spawn1.stdout).workers[0].worker_id as string;
    const own = runCatalytic(["--root", alone, "ants", "worker", "--run-id", RUN, "--job-id", jobId, "--worker-id", workerId, "--json"]);
    expect(own.code, own.stderr).toBe(0);

    const fromSpawner = receiptsOf(spawned, jobId);
    const fromAnt = receiptsOf(alone, jobId);
    expect(fromSpawner.length).toBeGreaterThan(20);
    expect(fromSpawner.every((r) => r.status === "SUCCESS")).toBe(true);
    expect(withoutTimings(fromSpawner)).toEqual(withoutTimings(fromAnt));
    expect(fromSpawner.some((r) => r.metrics.tokens_out > 0) && fromSpawner.some((r) => r.metrics.tokens_in > 0)).toBe(true);
  });

  it("an ant asks its spawner for every count: with honest answers its receipts are those of an ant counting itself", async () => {
    const served = makeWorkspace();
    const alone = makeWorkspace();
    const jobId = postJob(served);
    postJob(alone);
    const counter = await loadTokenCounter();
    const run = await antWithCounter(served, jobId, (request) => ({ type: "counts", id: request.id, counts: request.texts.map((text) => counter.count(text)), tokenizer: TOKENIZER }));
    expect(run.code, run.stderr).toBe(0);
    const own = runCatalytic(["--root", alone, "ants", "worker", "--run-id", RUN, "--job-id", jobId, "--worker-id", "ant-1", "--json"]);
    expect(own.code, own.stderr).toBe(0);

    const texts = run.requests.flatMap((request) => request.texts);
    const receipts = receiptsOf(served, jobId);
    // Every expansion payload and every produced text went through the spawner (the note and the written content).
    expect(texts.length).toBe(receipts.reduce((total, r) => total + r.expanded.length, 0) + 2);
    expect(texts).toContain("written — 書いた\n");
    expect(withoutTimings(receipts)).toEqual(withoutTimings(receiptsOf(alone, jobId)));
  });

  it("counts that take longer than the lease: the ant keeps its leases renewed while it waits, and commits every step (exit 0)", async () => {
    const root = makeWorkspace();
    const jobId = postJob(root);
    const counter = await loadTokenCounter();
    // The first answer comes after 2.5 s: the first step's lease (1 s) would have expired twice meanwhile.
    let first = true;
    const run = await antWithCounter(
      root,
      jobId,
      async (request) => {
        if (first) {
          first = false;
          await new Promise((resolve) => setTimeout(resolve, 2500));
        }
        return { type: "counts", id: request.id, counts: request.texts.map((text) => counter.count(text)), tokenizer: TOKENIZER };
      },
      ["--ttl", "1"],
    );
    expect(run.code, run.stderr).toBe(0);
    const receipts = receiptsOf(root, jobId);
    expect(receipts.every((r) => r.status === "SUCCESS")).toBe(true);
    expect(receipts.length).toBeGreaterThan(20);
  }, 30_000);

  const failures: Array<[string, (request: Request) => unknown, RegExp]> = [
    ["a count too many", (request) => ({ type: "counts", id: request.id, counts: [...request.texts.map(() => 1), 1], tokenizer: TOKENIZER }), /answered \[1,1\] for 1 text/],
    ["negative counts", (request) => ({ type: "counts", id: request.id, counts: request.texts.map(() => -1), tokenizer: TOKENIZER }), /answered \[-1/],
    ["another tokenizer", (request) => ({ type: "counts", id: request.id, counts: request.texts.map(() => 1), tokenizer: { ...TOKENIZER, name: "cl100k_base" } }), /counts with .*cl100k_base/],
    ["an answer to no request", (request) => ({ type: "counts", id: request.id + 1000, counts: request.texts.map(() => 1), tokenizer: TOKENIZER }), /not pending/],
    ["the spawner's error", (request) => ({ type: "count-error", id: request.id, message: "tokenizer missing" }), /could not count: tokenizer missing/],
    ["a spawner that goes away", () => undefined, /channel closed/],
  ];
  for (const [what, answer, message] of failures) {
    it(`${what}: the step fails with CAT_TOKEN_COUNT_FAILED, records no count and charges nothing; the ant stops (exit 1)`, async () => {
      const root = makeWorkspace();
      const jobId = postJob(root);
      const run = await antWithCounter(root, jobId, answer);
      expect(run.code, run.stderr).toBe(1);
      const receipts = receiptsOf(root, jobId);
      expect(receipts.length).toBeGreaterThan(0);
      for (const receipt of receipts) {
        expect(receipt.status).toBe("FAILURE");
        expect(receipt.error?.code).toBe("CAT_TOKEN_COUNT_FAILED");
        expect(receipt.error?.message).toMatch(message);
        expect(receipt.expanded).toEqual([]);
        expect(receipt.metrics).toMatchObject({ tokens_in: 0, tokens_out: 0, expansions: 0, bytes_expanded: 0 });
      }
      expect(bytesUsed(root, jobId)).toBe(0);
    });
  }

  it("a spawner whose tokenizer does not load answers every request with its error: the steps fail with CAT_TOKEN_COUNT_FAILED, the spawner reports (exit 1)", () => {
    const root = makeWorkspace();
    const jobId = postJob(root);
    // A CLI build without the tokenizer tables, outside the workspace (better-sqlite3 through NODE_PATH).
    const dist = tempDir("cat-dist-");
    cpSync(path.dirname(CLI), dist, { recursive: true });
    for (const name of ["o200k_base.cjs", "o200k_base.v8cache"]) rmSync(path.join(dist, name), { force: true });
    const env = { NODE_PATH: path.join(REPO_ROOT, "apps", "cli", "node_modules") };
    const run = spawnSync(process.execPath, [path.join(dist, "catalytic.cjs"), "--root", root, "ants", "spawn", "--run-id", RUN, "--job-id", jobId, "-n", "1", "--json"], {
      encoding: "utf8",
      env: { ...process.env, ...env },
    });
    expect(run.status, run.stderr).toBe(1);
    const out = JSON.parse(run.stdout);
    expect(out.error.code).toBe("CAT_STEP_FAILED");
    expect(out.workers.map((w: { exit_code: number }) => w.exit_code)).toEqual([1]);
    const receipts = receiptsOf(root, jobId);
    expect(receipts.length).toBeGreaterThan(0);
    for (const receipt of receipts) expect(receipt.error).toMatchObject({ code: "CAT_TOKEN_COUNT_FAILED", message: expect.stringMatching(/tokenizer did not load/) });
  });

  it("--token-counts spawner without a channel to a spawner is a usage error (exit 2) and claims nothing", () => {
    const root = makeWorkspace();
    const jobId = postJob(root);
    const run = runCatalytic(["--root", root, "ants", "worker", "--run-id", RUN, "--job-id", jobId, "--worker-id", "ant-1", "--token-counts", "spawner", "--json"]);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout).error.code).toBe("CAT_USAGE");
    expect(receiptsOf(root, jobId)).toEqual([]);
  });
});
