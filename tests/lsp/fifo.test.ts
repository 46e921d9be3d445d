// A FIFO that appears in the workspace (mkfifo notes/pipe.md) and is reported by the client's file watcher:
// the server must not open it (that blocks until a writer comes) and keeps answering.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";
import type { Hover } from "vscode-languageserver-protocol";
import { FIXTURES, LspClient, copyToTemp, removeTemp, uriOf } from "./client.js";

test("a FIFO reported by the file watcher is skipped with a warning; hover keeps answering", async () => {
  const root = copyToTemp(path.join(FIXTURES, "basic"), "catalytic-fifo-");
  const client = await LspClient.start(root);
  try {
    await client.waitForReady();
    const uri = await client.open("notes/usage.md", readFileSync(path.join(root, "notes/usage.md"), "utf8"));
    expect(spawnSync("mkfifo", [path.join(root, "notes/pipe.md")]).status).toBe(0);
    await client.notify("workspace/didChangeWatchedFiles", { changes: [{ uri: uriOf(path.join(root, "notes/pipe.md")), type: 1 }] });
    const hover = await Promise.race([
      client.request<Hover>("textDocument/hover", { textDocument: { uri }, position: { line: 2, character: 10 } }),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("the server stopped answering (blocked on the FIFO?)")), 10_000)),
    ]);
    expect((hover.contents as { value: string }).value).toContain("**@CANON/agreement#scope**");
    await client.waitFor(
      () => client.notifications.some((n) => n.method === "window/logMessage" && (n.params as { message: string }).message.includes("notes/pipe.md is not a regular file (a FIFO)")),
      "a warning naming the FIFO",
    );
  } finally {
    client.process.kill();
    await client.stop();
    removeTemp(root);
  }
});
