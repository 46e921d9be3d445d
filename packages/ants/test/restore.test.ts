import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, sha256Hex } from "@catalytic/core";
import { EXECUTORS } from "../src/executors/index.js";
import { restoreRun, runWorker } from "../src/index.js";
import { ABSENT, filesRoot } from "../src/restore.js";
import { ReceiptDraft } from "../src/receipt.js";
import { makeWorkspace, postRawSteps, receiptsOf, withCassette } from "./helpers.js";

async function runWrites(root: string) {
  writeFileSync(path.join(root, "binary.bin"), Buffer.from([0, 255, 13, 10, 128]));
  const readme = readFileSync(path.join(root, "README.md"));
  const { jobId } = postRawSteps(root, "r", "q", [
    { op: "WRITE_FILE", refs: { file_path: "README.md", content: "first\nsecond\n" } },
    { op: "PATCH_FILE", refs: { file_path: "README.md", file_hash: sha256Hex("first\nsecond\n"), patch_start_line: 2, patch_end_line: 2, content: "patched" } , depends_on: [1] },
    { op: "WRITE_FILE", refs: { file_path: "binary.bin", content: "text now" } },
    { op: "WRITE_FILE", refs: { file_path: "a/b/created.md", content: "new" } },
  ]);
  const result = await runWorker({ root, runId: "r", jobId, workerId: "ant-1", idlePolls: 1, pollIntervalMs: 10 });
  expect(result.exitCode).toBe(0);
  return { readme };
}

describe("restoreRun", () => {
  it("reverts every write newest first, byte for byte, deletes created files and folders, and proves the root", async () => {
    const { root } = makeWorkspace();
    const { readme } = await runWrites(root);
    expect(readFileSync(path.join(root, "README.md"), "utf8")).toBe("first\npatched\n");
    const result = restoreRun(root, "r");
    expect(readFileSync(path.join(root, "README.md")).equals(readme)).toBe(true);
    expect([...readFileSync(path.join(root, "binary.bin"))]).toEqual([0, 255, 13, 10, 128]);
    expect(existsSync(path.join(root, "a"))).toBe(false);
    const expected = new Map([
      ["README.md", sha256Hex(readme)],
      ["binary.bin", sha256Hex(Buffer.from([0, 255, 13, 10, 128]))],
      ["a/b/created.md", ABSENT],
    ]);
    expect(result.rootBefore).toBe(filesRoot(expected));
    expect(result.rootAfter).toBe(result.rootBefore);
    expect(result.rootAtStart).not.toBe(result.rootBefore);
    expect(result.writesReverted).toBe(4);
    expect(result.restored).toEqual([
      { file: "README.md", hash: sha256Hex(readme) },
      { file: "a/b/created.md", hash: ABSENT },
      { file: "binary.bin", hash: sha256Hex(Buffer.from([0, 255, 13, 10, 128])) },
    ]);
    // A second restore has nothing to do.
    expect(restoreRun(root, "r")).toMatchObject({ alreadyRestored: true, writesReverted: 0, rootAfter: result.rootBefore });
  });

  it("refuses with CAT_RESTORE_CONFLICT and changes nothing when a file changed after the run", async () => {
    const { root } = makeWorkspace();
    await runWrites(root);
    writeFileSync(path.join(root, "binary.bin"), "edited by hand\n");
    expect(() => restoreRun(root, "r")).toThrow(expect.objectContaining({ code: "CAT_RESTORE_CONFLICT" }));
    expect(readFileSync(path.join(root, "README.md"), "utf8")).toBe("first\npatched\n");
    expect(readFileSync(path.join(root, "a/b/created.md"), "utf8")).toBe("new");
    expect(readFileSync(path.join(root, "binary.bin"), "utf8")).toBe("edited by hand\n");
  });

  it("a run without writes restores nothing; an unknown run is CAT_JOB_NOT_FOUND", async () => {
    const { root } = makeWorkspace();
    const { jobId } = postRawSteps(root, "reads", "q", [{ op: "READ_FILE", refs: { file_path: "README.md" } }]);
    await runWorker({ root, runId: "reads", jobId, workerId: "ant-1", idlePolls: 1, pollIntervalMs: 10 });
    expect(restoreRun(root, "reads")).toMatchObject({ restored: [], alreadyRestored: true, writesReverted: 0 });
    expect(() => restoreRun(root, "no-such-run")).toThrow(expect.objectContaining({ code: "CAT_JOB_NOT_FOUND" }));
  });
});

describe("restore is true", () => {
  it("an ant killed between its write and its receipt: the retry reports the true before, and restore brings the original back", async () => {
    const { root } = makeWorkspace();
    const original = readFileSync(path.join(root, "README.md"));
    const { jobId, steps } = postRawSteps(root, "crash", "q", [
      { op: "WRITE_FILE", refs: { file_path: "README.md", content: "written by the run\n" } },
      { op: "PATCH_FILE", refs: { file_path: "README.md", file_hash: sha256Hex("written by the run\n"), patch_start_line: 1, patch_end_line: 1, content: "patched" }, depends_on: [1] },
    ]);
    // The doomed ant: claims step 1, writes, and dies before its receipt (the lease then runs out).
    const claimed = withCassette(root, (c) => c.claimNextStep("crash", jobId, "doomed", 0.05))!;
    expect(claimed.stepId).toBe(steps[0]!.step_id);
    const draft = new ReceiptDraft({ runId: "crash", jobId, stepId: claimed.stepId, op: "WRITE_FILE", workerId: "doomed", fencingToken: claimed.fencingToken });
    await EXECUTORS.WRITE_FILE(steps[0]!, { root, runId: "crash", jobId, config: loadConfig(root), consumeBudget() {}, firstUseOf: () => false, expansions: () => { throw new Error("no reads"); }, signal: new AbortController().signal }, draft);
    expect(readFileSync(path.join(root, "README.md"), "utf8")).toBe("written by the run\n");
    await new Promise((resolve) => setTimeout(resolve, 120));

    const rescue = await runWorker({ root, runId: "crash", jobId, workerId: "rescuer", idlePolls: 5, pollIntervalMs: 10 });
    expect(rescue.exitCode).toBe(0);
    const [write] = receiptsOf(root, jobId).filter((r) => r.step_id === steps[0]!.step_id);
    expect(write!.worker_id).toBe("rescuer");
    expect(write!.actions[0]).toMatchObject({ type: "WRITE", before_hash: sha256Hex(original), after_hash: sha256Hex("written by the run\n") });

    const result = restoreRun(root, "crash");
    expect(readFileSync(path.join(root, "README.md")).equals(original)).toBe(true);
    expect(result.rootAfter).toBe(result.rootBefore);
    expect(result.rootBefore).toBe(filesRoot(new Map([["README.md", sha256Hex(original)]])));
  });

  it("a retry finding the file changed by someone else since the interrupted attempt fails with CAT_WRITE_CONFLICT", async () => {
    const { root } = makeWorkspace();
    const { jobId, steps } = postRawSteps(root, "crash2", "q", [{ op: "WRITE_FILE", refs: { file_path: "README.md", content: "run\n" } }]);
    const claimed = withCassette(root, (c) => c.claimNextStep("crash2", jobId, "doomed", 0.05))!;
    const draft = new ReceiptDraft({ runId: "crash2", jobId, stepId: claimed.stepId, op: "WRITE_FILE", workerId: "doomed", fencingToken: claimed.fencingToken });
    await EXECUTORS.WRITE_FILE(steps[0]!, { root, runId: "crash2", jobId, config: loadConfig(root), consumeBudget() {}, firstUseOf: () => false, expansions: () => { throw new Error("no reads"); }, signal: new AbortController().signal }, draft);
    writeFileSync(path.join(root, "README.md"), "user edit\n");
    await new Promise((resolve) => setTimeout(resolve, 120));
    await runWorker({ root, runId: "crash2", jobId, workerId: "rescuer", idlePolls: 5, pollIntervalMs: 10 });
    expect(receiptsOf(root, jobId)[0]!.error!.code).toBe("CAT_WRITE_CONFLICT");
    expect(readFileSync(path.join(root, "README.md"), "utf8")).toBe("user edit\n");
  });

  it("two jobs write one file with a user edit between them: CAT_RESTORE_CONFLICT names the file and changes nothing; --force restores", async () => {
    const { root } = makeWorkspace();
    const original = readFileSync(path.join(root, "README.md"), "utf8");
    const first = postRawSteps(root, "two", "q1", [{ op: "WRITE_FILE", refs: { file_path: "README.md", content: "job one\n" } }]);
    expect((await runWorker({ root, runId: "two", jobId: first.jobId, workerId: "a", idlePolls: 1, pollIntervalMs: 10 })).exitCode).toBe(0);
    writeFileSync(path.join(root, "README.md"), "the user's edit\n");
    const second = postRawSteps(root, "two", "q2", [{ op: "WRITE_FILE", refs: { file_path: "README.md", content: "job two\n" } }]);
    expect((await runWorker({ root, runId: "two", jobId: second.jobId, workerId: "b", idlePolls: 1, pollIntervalMs: 10 })).exitCode).toBe(0);

    let error: any;
    try {
      restoreRun(root, "two");
    } catch (e) {
      error = e;
    }
    expect(error?.code).toBe("CAT_RESTORE_CONFLICT");
    expect(error.message).toContain("README.md");
    expect(error.details.conflicts).toEqual([{ file: "README.md", reason: "changed_between_writes", expected: sha256Hex("job one\n"), actual: sha256Hex("the user's edit\n") }]);
    expect(readFileSync(path.join(root, "README.md"), "utf8")).toBe("job two\n");

    const forced = restoreRun(root, "two", { force: true });
    expect(readFileSync(path.join(root, "README.md"), "utf8")).toBe(original);
    expect(forced.forced.map((c) => c.file)).toEqual(["README.md"]);
    expect(forced.rootAfter).toBe(forced.rootBefore);
  });

  it("a file the run created and a user then changed is a conflict, not a silent delete", async () => {
    const { root } = makeWorkspace();
    const { jobId } = postRawSteps(root, "created", "q", [{ op: "WRITE_FILE", refs: { file_path: "new/file.md", content: "new\n" } }]);
    await runWorker({ root, runId: "created", jobId, workerId: "a", idlePolls: 1, pollIntervalMs: 10 });
    writeFileSync(path.join(root, "new/file.md"), "user work\n");
    expect(() => restoreRun(root, "created")).toThrow(expect.objectContaining({ code: "CAT_RESTORE_CONFLICT", message: expect.stringContaining("new/file.md") }));
    expect(readFileSync(path.join(root, "new/file.md"), "utf8")).toBe("user work\n");
  });
});

describe("restore after restore", () => {
  it("a run restored and then continued restores again to the state before its first write", async () => {
    const { root } = makeWorkspace();
    const original = readFileSync(path.join(root, "README.md"), "utf8");
    const first = postRawSteps(root, "again", "q1", [{ op: "WRITE_FILE", refs: { file_path: "README.md", content: "one\n" } }]);
    await runWorker({ root, runId: "again", jobId: first.jobId, workerId: "a", idlePolls: 1, pollIntervalMs: 10 });
    restoreRun(root, "again");
    const second = postRawSteps(root, "again", "q2", [{ op: "WRITE_FILE", refs: { file_path: "README.md", content: "two\n" } }]);
    await runWorker({ root, runId: "again", jobId: second.jobId, workerId: "b", idlePolls: 1, pollIntervalMs: 10 });
    const result = restoreRun(root, "again");
    expect(readFileSync(path.join(root, "README.md"), "utf8")).toBe(original);
    expect(result).toMatchObject({ filesReverted: 1, forced: [] });
  });
});
