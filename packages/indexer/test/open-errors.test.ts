// Failures outside the index's own logic still come out typed, with a hint: an unusable index.db, an
// export folder, registry or CAS that cannot be written.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Index, addSymbol } from "../src/index.js";
import { indexPath } from "../src/db.js";
import { tempDir } from "./corpora.js";

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

function workspace(): string {
  const root = tempDir();
  dirs.push(root);
  writeFileSync(path.join(root, "a.md"), "# A\n\nText.\n");
  return root;
}

describe("typed failures around the index", () => {
  it("an index.db that is not a database is CAT_DB_ERROR, telling the user to delete and rebuild", () => {
    const root = workspace();
    mkdirSync(path.dirname(indexPath(root)), { recursive: true });
    writeFileSync(indexPath(root), "this is not a SQLite file, it is long enough to have a header ".repeat(10));
    expect(() => Index.open(root)).toThrowError(
      expect.objectContaining({ code: "CAT_DB_ERROR", kind: "invariant", hint: expect.stringContaining("delete .catalytic/index.db") }),
    );
    rmSync(indexPath(root));
    const index = Index.open(root);
    expect(index.build().files).toBe(1);
    index.close();
  });

  it("export into a path that is a file is CAT_FILE_UNWRITABLE and leaves no temp file", () => {
    const root = workspace();
    const index = Index.open(root);
    index.build();
    writeFileSync(path.join(root, "out"), "a file, not a folder\n");
    expect(() => index.exportJsonl(path.join(root, "out"))).toThrowError(
      expect.objectContaining({ code: "CAT_FILE_UNWRITABLE", hint: expect.stringContaining("output folder") }),
    );
    mkdirSync(path.join(root, "dir"));
    mkdirSync(path.join(root, "dir", "SYMBOLS.jsonl")); // the rename onto a folder fails after the first file
    expect(() => index.exportJsonl(path.join(root, "dir"))).toThrowError(expect.objectContaining({ code: "CAT_FILE_UNWRITABLE" }));
    expect(readdirSync(path.join(root, "dir")).sort()).toEqual(["SECTION_INDEX.jsonl", "SYMBOLS.jsonl"]);
    expect(readFileSync(path.join(root, "out"), "utf8")).toBe("a file, not a folder\n");
    index.close();
  });

  it("a registry that cannot be replaced is CAT_FILE_UNWRITABLE and stays as it was", () => {
    const root = workspace();
    addSymbol(root, { symbolId: "@X/a", targetType: "FILE", targetRef: "a.md" });
    const before = readFileSync(path.join(root, "catalytic.symbols.json"), "utf8");
    mkdirSync(path.join(root, `catalytic.symbols.json.${process.pid}.tmp`)); // the temp file cannot be created
    expect(() => addSymbol(root, { symbolId: "@X/b", targetType: "FILE", targetRef: "a.md" })).toThrowError(
      expect.objectContaining({ code: "CAT_FILE_UNWRITABLE", hint: expect.stringContaining("catalytic.symbols.json") }),
    );
    expect(readFileSync(path.join(root, "catalytic.symbols.json"), "utf8")).toBe(before);
  });

  it("a CAS that cannot be written fails the expansion with CAT_FILE_UNWRITABLE and records no cache entry", () => {
    const root = workspace();
    writeFileSync(path.join(root, "catalytic.json"), JSON.stringify({ sources: [{ path: ".", namespace: "X" }] }));
    const index = Index.open(root);
    index.build();
    writeFileSync(path.join(root, ".catalytic", "cas"), "a file where the store's folder should be\n");
    expect(() => index.resolve("@X/a")).toThrowError(expect.objectContaining({ code: "CAT_FILE_UNWRITABLE", hint: expect.stringContaining(".catalytic/cas/") }));
    rmSync(path.join(root, ".catalytic", "cas"));
    expect(index.resolve("@X/a").cacheHit).toBe(false);
    expect(index.resolve("@X/a").cacheHit).toBe(true);
    index.close();
  });
});
