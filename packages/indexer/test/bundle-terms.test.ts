// Content terms of an intent and the lines that mention them (where big sections are cut).
import { describe, expect, it } from "vitest";
import { contentTerms, lineMatches, stem } from "../src/bundle/terms.js";

describe("bundle terms", () => {
  it("drops stop words and -excluded words, stems the rest", () => {
    expect(contentTerms("How do I overload the plus operators for my own type -trait")).toEqual(["operator", "overload", "own", "plu", "typ"]);
    for (const group of [["capture", "captures", "capturing", "captured"], ["rule", "rules"], ["box", "boxes"], ["borrow", "borrowing", "borrowed"]]) {
      expect(new Set(group.map(stem)).size, group.join(" ")).toBe(1);
    }
    expect(stem("class")).toBe("class");
    expect(stem("is")).toBe("is");
  });

  it("matches a line by stem, whatever the inflection or case", () => {
    const terms = contentTerms("overloading operators");
    expect(lineMatches("You can Overload the + operator.", terms)).toBe(true);
    expect(lineMatches("Nothing to see here.", terms)).toBe(false);
    expect(lineMatches("anything", [])).toBe(false);
  });

  it("splits runs of scripts without spaces into bigrams and matches them inside lines", () => {
    expect(contentTerms("所有权规则 rules")).toEqual(["rul", "有权", "所有", "权规", "规则"].sort());
    expect(lineMatches("这一节讲所有权。", contentTerms("所有权规则"))).toBe(true);
    expect(lineMatches("这一节讲借用。", contentTerms("所有权规则"))).toBe(false);
  });
});
