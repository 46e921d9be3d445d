// A cold build of 10,000+ files writes through a writer thread (docs/indexer.md#cold-builds): a write that fails in
// that thread is a typed error through the real bundle, and leaves no index.db and no private file.
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CLI, tempDir } from "./helpers.js";

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop() as string, { recursive: true, force: true });
});

function largeWorkspace(): string {
  const root = tempDir();
  dirs.push(root);
  for (let i = 0; i < 10_000; i++) {
    const folder = path.join(root, `f${Math.floor(i / 500)}`);
    if (i % 500 === 0) mkdirSync(folder);
    writeFileSync(path.join(folder, `p${i}.md`), `# Page ${i}\n\nSome text for page ${i}.\n`);
  }
  return root;
}

describe("cold build through the writer thread", () => {
  it("is CAT_DB_ERROR when the thread cannot write, and leaves nothing behind", () => {
    const root = largeWorkspace();
    // Files may grow to 1 MiB (Node ignores SIGXFSZ, so write() fails with EFBIG): the migrated schema fits, the
    // thread's rows (~5 MB) do not.
    const result = spawnSync("bash", ["-c", 'ulimit -f 1024 && exec "$0" "$@"', process.execPath, CLI, "--root", root, "build", "--json"], { encoding: "utf8" });
    expect(result.status).toBe(2);
    const error = JSON.parse(result.stdout).error;
    expect(error).toMatchObject({ code: "CAT_DB_ERROR", details: { sqlite_code: "SQLITE_IOERR_WRITE" } });
    expect(error.hint).toContain("leaves no index.db");
    expect(readdirSync(path.join(root, ".catalytic"))).toEqual([]);
    // Without the limit the same build succeeds.
    const again = spawnSync(process.execPath, [CLI, "--root", root, "build", "--json"], { encoding: "utf8" });
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ ok: true, files: 10_000 });
  });
});
