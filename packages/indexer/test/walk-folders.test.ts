// A full build re-lists only folders whose mtime changed (the walk's folder records); everything else is still
// stat'ed, so edits in place, new files, .gitignore edits, config changes and special files are seen exactly as
// a walk from scratch sees them.
import { execFileSync } from "node:child_process";
import { readdirSync, statSync, symlinkSync, unlinkSync, utimesSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { indexPath } from "../src/db.js";
import { dumpIndex, useIndexFixture, writeFile } from "./fixture.js";

const fixture = useIndexFixture();

/** Moves every folder's mtime a minute back: freshly written folders are too recent to trust (walk.ts RACY_MS). */
function ageFolders(root: string): void {
  const past = new Date(Date.now() - 60_000);
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory() && entry.name !== ".catalytic") visit(path.join(dir, entry.name));
    utimesSync(dir, past, past);
  };
  visit(root);
}

/** Writes a file and puts its folder's mtime back, as an edit in place leaves it. */
function editInPlace(root: string, file: string, text: string): void {
  const folder = path.dirname(path.join(root, file));
  const before = statSync(folder);
  writeFile(root, file, text);
  utimesSync(folder, before.atime, before.mtime);
}

/**
 * An index built once, then again after ageing the folders (the first build made .catalytic/, which moved the
 * root's mtime): from here on every folder record is trusted.
 */
function builtIndex(root: string) {
  const index = fixture.open(root);
  index.build();
  ageFolders(root);
  index.build();
  return index;
}

function workspace(): string {
  const root = fixture.tempRoot();
  writeFile(root, "catalytic.json", JSON.stringify({ sources: [{ path: "docs" }, { path: "notes" }] }));
  writeFile(root, "docs/a.md", "# A\n\nText.\n");
  writeFile(root, "docs/deep/b.md", "# B\n");
  writeFile(root, "docs/deep/deeper/c.md", "# C\n");
  writeFile(root, "notes/n.md", "# N\n");
  ageFolders(root);
  return root;
}

describe("full build with folder records", () => {
  it("re-lists no unchanged folder, and still sees an edit in place", () => {
    const root = workspace();
    const index = fixture.open(root);
    const cold = index.build();
    expect(cold).toMatchObject({ added: 4, foldersRead: 5, foldersReused: 0 });
    ageFolders(root);
    expect(index.build()).toMatchObject({ unchanged: 4, foldersRead: 5, foldersReused: 0 }); // none was trusted yet
    editInPlace(root, "docs/deep/b.md", "# B\n\n## Edited\n");
    const rebuilt = index.build();
    expect(rebuilt).toMatchObject({ changed: 1, added: 0, removed: 0, foldersRead: 0, foldersReused: 5 });
    expect(dumpIndex(root)).toEqual(fixture.coldDump(root));
    expect(index.build()).toMatchObject({ unchanged: 4, foldersRead: 0, foldersReused: 5 });
  });

  it("writes nothing when nothing changed", () => {
    const root = workspace();
    const index = builtIndex(root);
    const observer = new Database(indexPath(root), { readonly: true });
    try {
      const version = (): number => observer.pragma("data_version", { simple: true }) as number;
      const before = version();
      expect(index.build()).toMatchObject({ unchanged: 4, foldersReused: 5 });
      expect(version()).toBe(before); // changes when another connection commits
      editInPlace(root, "docs/a.md", "# A\n\nEdited.\n");
      index.build();
      expect(version()).not.toBe(before);
    } finally {
      observer.close();
    }
  });

  it("re-lists a folder where a file was added, removed or renamed, and only that folder", () => {
    const root = workspace();
    const index = builtIndex(root);
    writeFile(root, "docs/deep/new.md", "# New\n");
    expect(index.build()).toMatchObject({ added: 1, foldersRead: 1, foldersReused: 4 });
    ageFolders(root);
    index.build(); // records the aged mtimes
    unlinkSync(path.join(root, "docs/a.md"));
    expect(index.build()).toMatchObject({ removed: 1, foldersRead: 1, foldersReused: 4 });
    writeFile(root, "docs/deep/deeper/sub/d.md", "# D\n"); // a new folder inside a known one
    // deeper/ and the new sub/, and docs/ again: its removal above is too recent to trust yet.
    expect(index.build()).toMatchObject({ added: 1, foldersRead: 3, foldersReused: 3 });
    expect(dumpIndex(root)).toEqual(fixture.coldDump(root));
  });

  it("applies a .gitignore edited in place, in the folder and below it", () => {
    const root = workspace();
    writeFile(root, "docs/.gitignore", "# nothing yet\n");
    ageFolders(root);
    const index = builtIndex(root);
    editInPlace(root, "docs/.gitignore", "deeper/\n");
    const rebuilt = index.build();
    expect(rebuilt).toMatchObject({ removed: 1, files: 3 });
    expect(dumpIndex(root)).toEqual(fixture.coldDump(root));
    editInPlace(root, "docs/.gitignore", "\n");
    expect(index.build()).toMatchObject({ added: 1, files: 4 });
    expect(dumpIndex(root)).toEqual(fixture.coldDump(root));
  });

  it("does not trust records made under another configuration", () => {
    const root = workspace();
    builtIndex(root).close();
    editInPlace(root, "catalytic.json", JSON.stringify({ sources: [{ path: "docs", exclude: ["deep/deeper/**"] }] }));
    const rebuilt = fixture.open(root).build(); // the configuration is read when the index opens
    expect(rebuilt).toMatchObject({ removed: 2, files: 2, foldersReused: 0 });
    expect(dumpIndex(root)).toEqual(fixture.coldDump(root));
  });

  it("does not trust a folder changed in the last moments (its mtime could move no more within one tick)", () => {
    const root = workspace();
    const index = builtIndex(root);
    writeFile(root, "notes/fresh.md", "# Fresh\n"); // notes/ now has an mtime of just now
    expect(index.build()).toMatchObject({ added: 1, foldersRead: 1 });
    expect(index.build()).toMatchObject({ unchanged: 5, foldersRead: 1, foldersReused: 4 }); // still too recent
  });

  it("keeps reporting what it skips in a folder it does not re-list (FIFO, symlink)", () => {
    const root = workspace();
    execFileSync("mkfifo", [path.join(root, "notes/pipe.md")]);
    symlinkSync(path.join(root, "docs/a.md"), path.join(root, "notes/link.md"));
    const index = fixture.open(root);
    const cold = index.build();
    ageFolders(root);
    index.build();
    const reasons = cold.skipped.map((s) => `${s.path}: ${s.reason}`).sort();
    expect(reasons).toEqual([
      "notes/link.md: symbolic links are not followed (they could lead outside the workspace)",
      "notes/pipe.md: not a regular file (a FIFO)",
    ]);
    const rebuilt = index.build();
    expect(rebuilt.foldersRead).toBe(0);
    expect(rebuilt.skipped.map((s) => `${s.path}: ${s.reason}`).sort()).toEqual(reasons);
  });

  it("verify trusts no folder record: a file a record hides is found and indexed", () => {
    const root = workspace();
    const index = builtIndex(root);
    // A file added with the folder's mtime put back: what a coarse-timestamp file system could leave.
    editInPlace(root, "notes/hidden.md", "# Hidden\n");
    expect(index.build()).toMatchObject({ added: 0, foldersRead: 0 });
    const verified = index.verify();
    expect(verified.ok).toBe(true);
    expect(index.counts().files).toBe(5);
    expect(dumpIndex(root)).toEqual(fixture.coldDump(root));
  });

  it("lists a folder again when a recorded file is no longer a regular file", () => {
    const root = workspace();
    const index = builtIndex(root);
    // Replace a file by a symlink and put the folder's mtime back: the record no longer matches what is there.
    const folder = path.join(root, "notes");
    const before = statSync(folder);
    unlinkSync(path.join(folder, "n.md"));
    symlinkSync(path.join(root, "docs/a.md"), path.join(folder, "n.md"));
    utimesSync(folder, before.atime, before.mtime);
    const rebuilt = index.build();
    expect(rebuilt).toMatchObject({ removed: 1, foldersRead: 1 });
    expect(rebuilt.skipped.map((s) => s.path)).toEqual(["notes/n.md"]);
  });
});
