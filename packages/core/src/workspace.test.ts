import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CatalyticError } from "./errors.js";
import { findWorkspaceRoot, resolveInsideWorkspace, toPosixRelative } from "./workspace.js";

function tempTree(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "cat-ws-"));
  mkdirSync(path.join(root, "docs", "deep"), { recursive: true });
  writeFileSync(path.join(root, "catalytic.json"), "{}");
  return root;
}

describe("findWorkspaceRoot", () => {
  it("finds the nearest folder with catalytic.json", () => {
    const root = tempTree();
    expect(findWorkspaceRoot(path.join(root, "docs", "deep"))).toBe(root);
  });
});

describe("resolveInsideWorkspace", () => {
  const codeOf = (fn: () => unknown): string => {
    try {
      fn();
    } catch (error) {
      return (error as CatalyticError).code;
    }
    return "no error";
  };

  it("accepts relative paths inside, including files that do not exist yet", () => {
    const root = tempTree();
    expect(resolveInsideWorkspace(root, "docs/new/file.md")).toBe(path.join(root, "docs", "new", "file.md"));
    expect(toPosixRelative(root, path.join(root, "docs", "a.md"))).toBe("docs/a.md");
  });

  it("rejects '..', absolute paths and symlinks leading out", () => {
    const root = tempTree();
    const outside = mkdtempSync(path.join(os.tmpdir(), "cat-out-"));
    symlinkSync(outside, path.join(root, "escape"));
    expect(codeOf(() => resolveInsideWorkspace(root, "../../etc/passwd"))).toBe("CAT_PATH_OUTSIDE_WORKSPACE");
    expect(codeOf(() => resolveInsideWorkspace(root, "docs/../../x"))).toBe("CAT_PATH_OUTSIDE_WORKSPACE");
    expect(codeOf(() => resolveInsideWorkspace(root, "/etc/passwd"))).toBe("CAT_PATH_OUTSIDE_WORKSPACE");
    expect(codeOf(() => resolveInsideWorkspace(root, "escape/file.md"))).toBe("CAT_PATH_OUTSIDE_WORKSPACE");
    expect(codeOf(() => resolveInsideWorkspace(root, ""))).toBe("CAT_PATH_OUTSIDE_WORKSPACE");
  });
});
