import { describe, expect, it } from "vitest";
import { slugify, uniqueSlugs } from "./slug.js";

describe("slugify", () => {
  it("matches GitHub anchors", () => {
    expect(slugify("Hello, World!")).toBe("hello-world");
    expect(slugify("Ünïcödé Heading")).toBe("ünïcödé-heading");
    expect(slugify("a_b-c")).toBe("a_b-c");
    expect(slugify("API v2.0 (beta)")).toBe("api-v20-beta");
    expect(slugify("C++ & C#")).toBe("c--c");
    expect(slugify("  Padded  ")).toBe("padded");
    expect(slugify("Two  spaces")).toBe("two--spaces");
    expect(slugify("日本語の見出し")).toBe("日本語の見出し");
    expect(slugify("Emoji 😀 here")).toBe("emoji--here");
    expect(slugify("`code` *em*")).toBe("code-em");
    expect(slugify("Привет, мир")).toBe("привет-мир");
    expect(slugify("e\u0301")).toBe("e\u0301");
    expect(slugify("?!")).toBe("");
  });
});

describe("uniqueSlugs", () => {
  it("de-duplicates like GitHub", () => {
    expect(uniqueSlugs(["A", "a", "A!", "Other"])).toEqual(["a", "a-1", "a-2", "other"]);
    expect(uniqueSlugs(["a", "a-1", "a"])).toEqual(["a", "a-1", "a-2"]);
    expect(uniqueSlugs(["a-1", "a", "a"])).toEqual(["a-1", "a", "a-2"]);
    expect(uniqueSlugs(["!", "?"])).toEqual(["", "-1"]);
    expect(uniqueSlugs([])).toEqual([]);
  });
});
