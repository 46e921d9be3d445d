import { describe, expect, it } from "vitest";
import { assertWritable, protectedRuleFor, protectionKey } from "./protected-paths.js";

describe("protected paths", () => {
  it.each([
    [".catalytic/cassette.db", ".catalytic/**"],
    [".catalytic/cas/ab/cd/abcd", ".catalytic/**"],
    [".git/config", "**/.git/**"],
    [".git/hooks/pre-commit", "**/.git/**"],
    ["vendor/lib/.git/config", "**/.git/**"],
    ["sub/.git", "**/.git/**"],
    ["catalytic.json", "catalytic.json"],
    ["catalytic.symbols.json", "catalytic.symbols.json"],
    [".gitattributes", "**/.gitattributes"],
    ["docs/.gitattributes", "**/.gitattributes"],
    [".gitmodules", ".gitmodules"],
    [".husky/pre-commit", ".husky/**"],
    [".vscode/settings.json", ".vscode/**"],
    [".vscode/tasks.json", ".vscode/**"],
    [".envrc", "**/.envrc"],
    ["app/.envrc", "**/.envrc"],
  ])("%s is protected by %s", (file, rule) => {
    expect(protectedRuleFor(file)?.pattern).toBe(rule);
  });

  it.each([
    ["./.git/config"],
    ["a/../.git/config"],
    [".//.git///config"],
    [".GIT/config"],
    [".Git/HOOKS/pre-commit"],
    ["CATALYTIC.JSON"],
    [".git./config"],
    ["catalytic.json. "],
    [".git\\config"],
    [".Catalytic/cassette.db"],
  ])("the disguise %s is still protected", (file) => {
    expect(protectedRuleFor(file)).toBeDefined();
  });

  it.each([["README.md"], ["docs/git.md"], [".github/workflows/ci.yml"], ["gitconfig"], ["src/catalytic.json"], ["x.git/config"], [".catalyticx/a"]])(
    "%s is writable",
    (file) => {
      expect(protectedRuleFor(file)).toBeUndefined();
    },
  );

  it("catalytic.json protected_paths add rules; a typed error names the rule", () => {
    expect(protectedRuleFor("secrets/key.pem", ["secrets/**"])).toMatchObject({ pattern: "secrets/**", source: "catalytic.json" });
    expect(protectedRuleFor("deploy/prod.env", ["**/*.env"])).toMatchObject({ pattern: "**/*.env" });
    expect(() => assertWritable("./.git/config")).toThrow(expect.objectContaining({ code: "CAT_PATH_PROTECTED", details: expect.objectContaining({ rule: "**/.git/**", source: "default" }) }));
    expect(() => assertWritable("README.md")).not.toThrow();
  });

  it("normalises before matching", () => {
    expect(protectionKey("./A/../.GIT//Config")).toBe(".git/config");
  });
});
