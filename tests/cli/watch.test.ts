// `catalytic watch` as a real process: it keeps the index current through file edits, new and removed files and
// folders, .gitignore and configuration changes, reports each rebuild as a JSON line, and stops on SIGTERM.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdirSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CLI, runCatalytic, tempDir } from "./helpers.js";

interface Line {
  ok: boolean;
  trigger?: string;
  paths?: string[];
  report?: { files: number; added: number; changed: number; removed: number; folders_read: number; skipped: Array<{ path: string }> };
  error?: { code: string };
}

class Watch {
  readonly lines: Line[] = [];
  private buffer = "";
  private stderr = "";
  private waiters: Array<() => void> = [];
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      this.buffer += chunk;
      let newline: number;
      while ((newline = this.buffer.indexOf("\n")) !== -1) {
        this.lines.push(JSON.parse(this.buffer.slice(0, newline)) as Line);
        this.buffer = this.buffer.slice(newline + 1);
      }
      for (const wake of this.waiters.splice(0)) wake();
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
  }

  /** The first line from `from` on that matches; fails after 15 s naming what arrived. */
  async next(from: number, match: (line: Line) => boolean): Promise<Line> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const found = this.lines.slice(from).find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching line; got ${JSON.stringify(this.lines.slice(from))}; stderr: ${this.stderr}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }
}

const started: Watch[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const watch of started.splice(0)) {
    watch.child.kill("SIGKILL");
    await watch.exited;
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function workspace(): string {
  const root = tempDir("cat-watch-");
  dirs.push(root);
  writeFileSync(path.join(root, "catalytic.json"), JSON.stringify({ sources: [{ path: "docs", namespace: "DOCS" }] }));
  mkdirSync(path.join(root, "docs"));
  writeFileSync(path.join(root, "docs", "a.md"), "# A\n\nAlpha.\n");
  return root;
}

async function startWatch(root: string): Promise<Watch> {
  const watch = new Watch(spawn(process.execPath, [CLI, "--root", root, "watch", "--json", "--debounce-ms", "20"]));
  started.push(watch);
  const first = await watch.next(0, (line) => line.trigger === "start");
  expect(first.report).toMatchObject({ files: 1, added: 1 });
  // The first build's folders are watched once it has walked them; it then walks them once more.
  await new Promise((resolve) => setTimeout(resolve, 300));
  return watch;
}

const resolveSymbol = (root: string, symbol: string) => runCatalytic(["--root", root, "resolve", symbol, "--json"]);

describe("catalytic watch", () => {
  it("re-checks a changed file alone, and the index answers for it at once", async () => {
    const root = workspace();
    const watch = await startWatch(root);
    let mark = watch.lines.length;
    writeFileSync(path.join(root, "docs", "b.md"), "# B\n\nBeta.\n");
    const added = await watch.next(mark, (line) => line.report?.added === 1);
    expect(added).toMatchObject({ ok: true, trigger: "paths", paths: ["docs/b.md"] });
    expect(resolveSymbol(root, "@DOCS/b").code).toBe(0);

    mark = watch.lines.length;
    writeFileSync(path.join(root, "docs", "a.md"), "# A\n\nAlpha, edited.\n");
    expect(await watch.next(mark, (line) => line.report?.changed === 1)).toMatchObject({ trigger: "paths", paths: ["docs/a.md"] });
    expect(JSON.parse(resolveSymbol(root, "@DOCS/a").stdout).payload).toContain("Alpha, edited.");

    mark = watch.lines.length;
    unlinkSync(path.join(root, "docs", "b.md"));
    expect(await watch.next(mark, (line) => line.report?.removed === 1)).toMatchObject({ trigger: "paths", paths: ["docs/b.md"] });
    expect(resolveSymbol(root, "@DOCS/b").code).not.toBe(0);
  });

  it("walks again for a new folder (and watches it), a .gitignore, and reopens on a configuration change", async () => {
    const root = workspace();
    const watch = await startWatch(root);
    let mark = watch.lines.length;
    mkdirSync(path.join(root, "docs", "sub"));
    writeFileSync(path.join(root, "docs", "sub", "c.md"), "# C\n");
    const full = await watch.next(mark, (line) => line.report?.added === 1);
    expect(full.trigger).toBe("full");
    await new Promise((resolve) => setTimeout(resolve, 300));

    mark = watch.lines.length;
    writeFileSync(path.join(root, "docs", "sub", "d.md"), "# D\n"); // only seen if sub/ is watched now
    expect(await watch.next(mark, (line) => line.report?.added === 1)).toMatchObject({ trigger: "paths", paths: ["docs/sub/d.md"] });

    mark = watch.lines.length;
    writeFileSync(path.join(root, "docs", ".gitignore"), "sub/\n");
    expect(await watch.next(mark, (line) => line.report?.removed === 2)).toMatchObject({ trigger: "full", report: { files: 1 } });

    mark = watch.lines.length;
    writeFileSync(path.join(root, "catalytic.json"), JSON.stringify({ sources: [{ path: "docs", namespace: "NOTES" }] }));
    await watch.next(mark, (line) => line.trigger === "config");
    expect(resolveSymbol(root, "@NOTES/a").code).toBe(0);
    expect(resolveSymbol(root, "@DOCS/a").code).not.toBe(0);
  });

  it("reports a failed rebuild and goes on; SIGTERM stops it with exit 0", async () => {
    const root = workspace();
    const watch = await startWatch(root);
    let mark = watch.lines.length;
    writeFileSync(path.join(root, "catalytic.json"), "{ not json");
    const failed = await watch.next(mark, (line) => !line.ok);
    expect(failed.error?.code).toBe("CAT_CONFIG_INVALID");

    mark = watch.lines.length;
    writeFileSync(path.join(root, "docs", "e.md"), "# E\n"); // the old configuration still applies
    expect(await watch.next(mark, (line) => line.report?.added === 1)).toMatchObject({ ok: true, paths: ["docs/e.md"] });

    watch.child.kill("SIGTERM");
    expect(await watch.exited).toBe(0);
  });

  it("refuses a workspace root that does not exist", () => {
    const result = runCatalytic(["--root", path.join(tempDir(), "missing"), "watch", "--json"]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).error.code).toBe("CAT_WORKSPACE_NOT_FOUND");
  });
});
