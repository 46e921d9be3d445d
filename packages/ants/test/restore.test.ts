import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "@catalytic/core";
import { ABSENT, filesRoot, restoreRun, runWorker } from "../src/index.js";
import { makeWorkspace, postRawSteps } from "./helpers.js";

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
