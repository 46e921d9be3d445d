// A plan is untrusted input (docs/security.md): protected paths, recorded test commands, race-free writes under
// a directory-swapping attacker, tests that die with their ant. Built CLI, real processes.
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, runCatalytic, tempDir } from "./helpers.js";
import { receiptsOf, snapshot } from "./workspace-state.js";

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

function workspace(config: Record<string, unknown> = {}): { root: string; outside: string } {
  const base = tempDir("cat-sec-");
  const root = path.join(base, "ws");
  const outside = path.join(base, "outside");
  mkdirSync(path.join(root, ".git"), { recursive: true });
  mkdirSync(outside);
  writeFileSync(path.join(root, ".git", "config"), "[core]\n\trepositoryformatversion = 0\n");
  writeFileSync(path.join(root, "README.md"), "# Readme\n");
  writeFileSync(path.join(outside, "secret.txt"), "outside\n");
  writeFileSync(path.join(root, "catalytic.json"), JSON.stringify(config));
  return { root, outside };
}

function post(root: string, request: Record<string, unknown>): { code: number; stdout: string; stderr: string; jobId?: string } {
  const file = path.join(root, "..", `request-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ intent: "security", ...request }));
  const result = runCatalytic(["--root", root, "plan", "--request-file", file, "--json"]);
  rmSync(file);
  return { ...result, ...(result.code === 0 ? { jobId: JSON.parse(result.stdout).posted.job_id as string } : {}) };
}

/** Alive and not a zombie (a container's init may not reap orphans). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("writes a plan must never make", () => {
  it("plan refuses protected paths with CAT_PATH_PROTECTED naming the rule, and writes nothing", () => {
    const { root } = workspace({ protected_paths: ["deploy/**"] });
    const cases: Array<[string, string]> = [
      [".catalytic/cassette.db", ".catalytic/**"],
      [".catalytic/cas/ab/cd/x", ".catalytic/**"],
      [".git/config", "**/.git/**"],
      ["a/../.git/hooks/post-checkout", "**/.git/**"],
      [".GIT/config", "**/.git/**"],
      ["catalytic.json", "catalytic.json"],
      ["catalytic.symbols.json", "catalytic.symbols.json"],
      [".gitattributes", "**/.gitattributes"],
      [".vscode/settings.json", ".vscode/**"],
      [".envrc", "**/.envrc"],
      ["deploy/prod.yml", "deploy/**"],
    ];
    for (const [file_path, rule] of cases) {
      const result = post(root, { run_id: "p", request_id: "w", ops: [{ op: "WRITE_FILE", file_path, content: "x" }] });
      expect(result.code, file_path).toBe(1);
      expect(JSON.parse(result.stdout).error).toMatchObject({ code: "CAT_PATH_PROTECTED", details: { rule } });
    }
    expect(existsSync(path.join(root, ".catalytic"))).toBe(false);
    expect(readFileSync(path.join(root, ".git", "config"), "utf8")).toBe("[core]\n\trepositoryformatversion = 0\n");
  });

  it("RUN_TEST runs the command recorded when the job was posted; a later catalytic.json cannot change it", () => {
    const probe = (tag: string) => ({ command: process.execPath, args: ["-e", `require('fs').writeFileSync('ran-${tag}', '')`], timeout_seconds: 30 });
    const { root } = workspace({ tests: { probe: probe("v1") } });
    const posted = post(root, { run_id: "t", request_id: "q", ops: [{ op: "RUN_TEST", test_name: "probe" }] });
    expect(posted.code, posted.stderr).toBe(0);
    // The configuration changes after posting (by hand here; a plan cannot write it at all).
    writeFileSync(path.join(root, "catalytic.json"), JSON.stringify({ tests: { probe: probe("v2") } }));
    const run = runCatalytic(["--root", root, "execute", "--run-id", "t", "--job-id", posted.jobId!, "--workers", "1"]);
    expect(run.code).toBe(1);
    expect(receiptsOf(root, posted.jobId!)[0]!.error!.code).toBe("CAT_TEST_CHANGED");
    expect(existsSync(path.join(root, "ran-v1"))).toBe(false);
    expect(existsSync(path.join(root, "ran-v2"))).toBe(false);
    // Re-planned against the new configuration, the new command runs.
    const again = post(root, { run_id: "t", request_id: "q2", ops: [{ op: "RUN_TEST", test_name: "probe" }] });
    expect(runCatalytic(["--root", root, "execute", "--run-id", "t", "--job-id", again.jobId!, "--workers", "1"]).code).toBe(0);
    expect(existsSync(path.join(root, "ran-v2"))).toBe(true);
  });

  it("4 ants read and write while another process swaps their folders for symlinks to outside: nothing outside changes or is read, no SUCCESS lands outside", async () => {
    const { root, outside } = workspace();
    const dirs = ["d0", "d1", "d2", "d3"];
    for (const dir of dirs) {
      mkdirSync(path.join(root, dir, "sub"), { recursive: true });
      writeFileSync(path.join(root, dir, "target.md"), `inside ${dir}\n`);
      writeFileSync(path.join(root, dir, "read.md"), "inside read\n");
    }
    writeFileSync(path.join(outside, "read.md"), "outside read\n");
    mkdirSync(path.join(outside, "sub"));
    writeFileSync(path.join(outside, "target.md"), "outside target\n");
    writeFileSync(path.join(outside, "sub", "keep.md"), "outside keep\n");
    const ops = dirs.flatMap((dir) => [
      { op: "WRITE_FILE", file_path: `${dir}/target.md`, content: `written ${dir}\n` },
      ...Array.from({ length: 40 }, (_, k) => ({ op: "WRITE_FILE", file_path: k % 2 ? `${dir}/sub/f${k}.md` : `${dir}/f${k}.md`, content: `${dir} ${k}\n` })),
    ]);
    const reads = dirs.flatMap((dir) => Array.from({ length: 10 }, () => `${dir}/read.md`));
    const posted = post(root, { run_id: "race", request_id: "q", inputs: { files: reads }, ops, budgets: { max_steps: 500 } });
    expect(posted.code, posted.stderr).toBe(0);
    const outsideBefore = snapshot(outside);

    // The attacker: moves each folder aside and puts a symlink to outside in its place, then swaps back, in a loop.
    const stopFile = path.join(root, "..", "stop-swapping");
    const swapper: ChildProcess = spawn(
      process.execPath,
      [
        "-e",
        `const fs = require("fs"), path = require("path");
         const [root, outside, stop] = process.argv.slice(1);
         const dirs = ["d0", "d1", "d2", "d3"];
         let swaps = 0;
         while (!fs.existsSync(stop)) {
           for (const d of dirs) {
             const p = path.join(root, d);
             try { fs.renameSync(p, p + ".real"); fs.symlinkSync(outside, p); } catch {}
             Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
             try { fs.unlinkSync(p); fs.renameSync(p + ".real", p); swaps++; } catch {}
           }
         }
         process.stdout.write(String(swaps));`,
        "--",
        root,
        outside,
        stopFile,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let swaps = "";
    swapper.stdout!.on("data", (chunk) => (swaps += chunk));
    await sleep(100);
    const run = spawn(process.execPath, [CLI, "--root", root, "execute", "--run-id", "race", "--job-id", posted.jobId!, "--workers", "4", "--continue-on-fail", "--ttl", "30"], { stdio: "ignore" });
    const code = await new Promise<number | null>((resolve) => run.once("exit", resolve));
    writeFileSync(stopFile, "");
    await new Promise((resolve) => swapper.once("exit", resolve));
    for (const dir of dirs) {
      const p = path.join(root, dir);
      if (lstatSync(p, { throwIfNoEntry: false })?.isSymbolicLink()) unlinkSync(p);
      // An ant may have re-created a folder in the instant it was missing: then both stay.
      if (existsSync(`${p}.real`) && !existsSync(p)) renameSync(`${p}.real`, p);
    }

    expect(Number(swaps)).toBeGreaterThan(0);
    expect([0, 1]).toContain(code);
    // Nothing outside changed: no file overwritten, no file or temp file added.
    expect(snapshot(outside)).toEqual(outsideBefore);
    const receipts = receiptsOf(root, posted.jobId!);
    expect(receipts).toHaveLength(reads.length + ops.length);
    for (const receipt of receipts) {
      if (receipt.status === "SUCCESS" && receipt.op === "READ_FILE") {
        // A read never hashes the file outside.
        expect(receipt.expanded[0]!.content_hash).toBe(sha256("inside read\n"));
      } else if (receipt.status === "SUCCESS") {
        const write = receipt.actions[0]!;
        // A SUCCESS write is in the workspace, with the content it reports (in dN/, or in dN.real/ if the folder was moved after).
        const places = [write.target, write.target.replace(/^(d\d)\//, "$1.real/")].map((f) => path.join(root, f));
        expect(places.some((f) => existsSync(f) && sha256(readFileSync(f)) === write.after_hash), write.target).toBe(true);
      } else {
        // Refused (a symlink on the way, a folder moved mid-write, a folder missing at that instant): failures are honest.
        expect(receipt.error!.code).toMatch(/^CAT_/);
        expect(receipt.actions.filter((a) => a.status === "SUCCESS")).toEqual([]);
      }
    }
    const leftovers = readdirSync(root, { recursive: true }).filter((f) => String(f).endsWith(".catalytic-tmp"));
    expect(leftovers).toEqual([]);
  });
});

describe("RUN_TEST dies with its ant", () => {
  it("SIGKILL of the ant during a long test kills the test and everything it started", async () => {
    const script = [
      "const { spawn } = require('child_process');",
      "const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });",
      "require('fs').writeFileSync('pids.json', JSON.stringify([process.pid, child.pid]));",
      "setTimeout(() => {}, 60000);",
    ].join("\n");
    const { root } = workspace({ tests: { long: { command: process.execPath, args: ["-e", script], timeout_seconds: 120 } } });
    const posted = post(root, { run_id: "kill", request_id: "q", ops: [{ op: "RUN_TEST", test_name: "long" }] });
    expect(posted.code, posted.stderr).toBe(0);
    const ant = spawn(process.execPath, [CLI, "--root", root, "ants", "worker", "--run-id", "kill", "--job-id", posted.jobId!, "--worker-id", "doomed"], { stdio: "ignore" });
    const pidsFile = path.join(root, "pids.json");
    for (let i = 0; i < 200 && !existsSync(pidsFile); i++) await sleep(50);
    const pids = JSON.parse(readFileSync(pidsFile, "utf8")) as number[];
    try {
      expect(pids.every(alive)).toBe(true);
      ant.kill("SIGKILL");
      await new Promise((resolve) => ant.once("exit", resolve));
      for (let i = 0; i < 100 && pids.some(alive); i++) await sleep(50);
      expect(pids.filter(alive)).toEqual([]);
    } finally {
      for (const pid of pids) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
  });
});
