// Which changes a watcher answers with a full build (changeNeedsFullBuild, shared by `catalytic watch` and the
// language server): the registry, any .gitignore, a folder; a file, or a path that cannot be read, is re-checked alone.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { changeNeedsFullBuild } from "../src/index.js";
import { useIndexFixture, writeFile } from "./fixture.js";

const fixture = useIndexFixture();

describe("changeNeedsFullBuild", () => {
  it("is true for the registry, a .gitignore anywhere and a folder; false for files and paths that are gone", () => {
    const root = fixture.tempRoot();
    writeFile(root, "docs/a.md", "# A\n");
    mkdirSync(path.join(root, "docs", "new"));
    expect(changeNeedsFullBuild(root, "catalytic.symbols.json")).toBe(true);
    expect(changeNeedsFullBuild(root, "docs/deep/.gitignore")).toBe(true);
    expect(changeNeedsFullBuild(root, "docs/new")).toBe(true);
    expect(changeNeedsFullBuild(root, "docs/a.md")).toBe(false);
    expect(changeNeedsFullBuild(root, "docs/gone.md")).toBe(false);
    // A path under a file (ENOTDIR from lstat) does not throw out of the watcher: the path-limited build reports it.
    expect(changeNeedsFullBuild(root, "docs/a.md/x")).toBe(false);
  });
});
