// build({paths}): re-checking only named files (what a watcher reports) gives exactly what a full walk gives
// for those files, leaves every other file alone, and follows the walk's membership rules.
import { renameSync, symlinkSync, unlinkSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { Index } from "../src/index.js";
import { indexPath } from "../src/db.js";
import { REBUILD_REQUIRED } from "../src/sql/meta.js";
import { dumpIndex, useIndexFixture, writeFile } from "./fixture.js";

const fixture = useIndexFixture();

function workspace(): string {
  const root = fixture.tempRoot();
  writeFile(root, "catalytic.json", JSON.stringify({ sources: [{ path: "canon", namespace: "CANON" }, { path: "notes" }] }));
  writeFile(root, "canon/a.md", "---\nsymbols:\n  \"@CANON/part\": \"A > Part\"\n---\n# A\n\n## Part\n\nText.\n");
  writeFile(root, "canon/b.md", "# B\n\nSee @CANON/a.\n");
  writeFile(root, "notes/n.md", "# Notes\n");
  return root;
}

describe("Index.build with paths", () => {
  it("re-checks only the named files: an unnamed new file waits for a full build", () => {
    const root = workspace();
    const index = fixture.open(root);
    index.build();
    writeFile(root, "canon/a.md", "# A\n\n## Part\n\nText, edited.\n");
    writeFile(root, "canon/new.md", "# New\n");
    const report = index.build({ paths: ["canon/a.md"] });
    expect(report).toMatchObject({ changed: 1, added: 0, removed: 0, files: 3 });
    expect(index.getSymbol("@CANON/new")).toBeUndefined();
    expect(index.getSymbol("@CANON/part")).toBeUndefined(); // its front matter is gone
    const full = index.build();
    expect(full).toMatchObject({ added: 1, changed: 0, files: 4 });
    expect(dumpIndex(root)).toEqual(fixture.coldDump(root));
  });

  it("equals a full build after edits, adds, deletes and renames when every touched file is named", () => {
    const root = workspace();
    const index = fixture.open(root);
    index.build();
    const steps: Array<[string, () => string[], Partial<Record<string, number>>]> = [
      ["edit", () => (writeFile(root, "canon/b.md", "# B\n\n## More\n"), ["canon/b.md"]), { changed: 1 }],
      ["add", () => (writeFile(root, "notes/x.md", "# X\n"), ["notes/x.md"]), { added: 1 }],
      ["delete", () => (unlinkSync(path.join(root, "canon/a.md")), ["canon/a.md"]), { removed: 1 }],
      ["rename", () => (renameSync(path.join(root, "notes/n.md"), path.join(root, "notes/m.md")), ["notes/n.md", "./notes/m.md"]), { added: 1, removed: 1 }],
      ["unchanged", () => ["canon/b.md"], { unchanged: 1, changed: 0 }],
    ];
    for (const [name, change, expected] of steps) {
      const report = index.build({ paths: change() });
      expect(report, name).toMatchObject(expected);
      expect(dumpIndex(root), name).toEqual(fixture.coldDump(root));
    }
  });

  it("follows the walk's rules: not a source, .gitignore (nested), always-skipped folders, symlinks", () => {
    const root = workspace();
    const index = fixture.open(root);
    index.build();
    writeFile(root, "canon/.gitignore", "draft.md\nhidden/\n");
    writeFile(root, "canon/draft.md", "# Draft\n");
    writeFile(root, "canon/hidden/h.md", "# H\n");
    writeFile(root, "canon/node_modules/m.md", "# M\n");
    writeFile(root, "outside.md", "# Not a source\n");
    symlinkSync(path.join(root, "canon/b.md"), path.join(root, "canon/link.md"));
    symlinkSync(path.join(root, "notes"), path.join(root, "canon/linked"));
    const named = ["canon/draft.md", "canon/hidden/h.md", "canon/node_modules/m.md", "outside.md", "canon/link.md", "canon/linked/n.md", "canon/b.md"];
    const report = index.build({ paths: named });
    expect(report).toMatchObject({ added: 0, changed: 0, removed: 0, unchanged: 1 });
    expect(index.loadModel().listFiles()).toEqual(["canon/a.md", "canon/b.md", "notes/n.md"]);
    expect(report.skipped).toEqual([{ path: "canon/link.md", reason: "symbolic links are not followed (they could lead outside the workspace)" }]);
    // Ignoring a file that was indexed drops it, as a full walk would.
    index.build();
    writeFile(root, "notes/.gitignore", "n.md\n");
    expect(index.build({ paths: ["notes/n.md"] })).toMatchObject({ removed: 1 });
    expect(dumpIndex(root)).toEqual(fixture.coldDump(root));
  });

  it("builds everything when the index was never built (or a migration emptied it), whatever is named", () => {
    const root = workspace();
    const index = fixture.open(root);
    expect(index.build({ paths: ["canon/b.md"] })).toMatchObject({ added: 3, files: 3 });
    expect(dumpIndex(root)).toEqual(fixture.coldDump(root));
    const db = new Database(indexPath(root));
    db.prepare("INSERT INTO meta (key, value) VALUES (?, 'test')").run(REBUILD_REQUIRED);
    db.close();
    expect(index.build({ paths: ["canon/b.md"] })).toMatchObject({ files: 3 });
    expect(dumpIndex(root)).toEqual(fixture.coldDump(root));
  });

  it("refuses a path outside the workspace", () => {
    const root = workspace();
    const index = fixture.open(root);
    for (const bad of ["../x.md", "/etc/passwd", "canon/../../x.md"]) {
      expect(() => index.build({ paths: [bad] }), bad).toThrow(expect.objectContaining({ code: "CAT_PATH_OUTSIDE_WORKSPACE" }));
    }
  });
});

describe("Index.verify", () => {
  it("builds a second time only when the first build changed something, and still agrees", () => {
    const root = workspace();
    const built: string[] = [];
    const logger = { info: (message: string) => void built.push(message), warn() {}, error() {} };
    const index = fixture.open(root, { logger });
    index.build();
    built.length = 0;
    const unchanged = index.verify();
    expect(unchanged).toMatchObject({ ok: true, differences: [] });
    expect(built.filter((m) => m === "index built")).toHaveLength(1);
    writeFile(root, "canon/b.md", "# B\n\nEdited.\n");
    built.length = 0;
    const edited = index.verify();
    expect(edited).toMatchObject({ ok: true, differences: [] });
    expect(edited.secondHash).toBe(edited.firstHash);
    expect(built.filter((m) => m === "index built")).toHaveLength(2);
  });
});

describe("search rows of files no symbol can reach", () => {
  it("are written while files stream, and symbol ids still reach the rows of front-matter files", () => {
    const root = fixture.tempRoot();
    for (let i = 0; i < 300; i++) writeFile(root, `pages/p${String(i).padStart(3, "0")}.md`, `# Page ${i}\n\nplain words ${i}\n`);
    writeFile(root, "pages/fm.md", '---\nsymbols:\n  "@X/zebra": "Top > Inner"\n---\n# Top\n\n## Inner\n\nnothing striped here\n');
    const index = fixture.open(root);
    index.build();
    // Only the symbols column can match "zebra" in a heading section (the word is in front matter, not in its text).
    const found = (): string[] =>
      index
        .search("zebra")
        .hits.filter((hit) => hit.headingPath.length > 0)
        .map((hit) => `${hit.filePath}#${hit.headingPath.join(" > ")}`);
    expect(found()).toEqual(["pages/fm.md#Top > Inner"]);
    expect(dumpIndex(root)).toEqual(fixture.coldDump(root));
    writeFile(root, "pages/fm.md", "# Top\n\n## Inner\n\nnothing striped here\n");
    writeFile(root, "pages/p007.md", '---\nsymbols:\n  "@X/zebra": "Page 7"\n---\n# Page 7\n\nplain words 7\n');
    index.build();
    expect(found()).toEqual(["pages/p007.md#Page 7"]);
    expect(dumpIndex(root)).toEqual(fixture.coldDump(root));
  });
});
