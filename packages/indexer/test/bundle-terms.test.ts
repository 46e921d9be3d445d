// Content terms of an intent and the lines that mention them (where big sections are cut).
import { describe, expect, it } from "vitest";
import { contentTerms, stem, termsIn } from "../src/bundle/terms.js";

describe("bundle terms", () => {
  it("drops stop words and -excluded words, stems the rest", () => {
    expect(contentTerms("How do I overload the plus operators for my own type -trait")).toEqual(["operator", "overload", "own", "plu", "typ"]);
    for (const group of [["capture", "captures", "capturing", "captured"], ["rule", "rules"], ["box", "boxes"], ["borrow", "borrowing", "borrowed"]]) {
      expect(new Set(group.map(stem)).size, group.join(" ")).toBe(1);
    }
    expect(stem("class")).toBe("class");
    expect(stem("is")).toBe("is");
  });

  it("counts the distinct terms a line mentions, by stem, whatever the inflection or case", () => {
    const terms = contentTerms("overloading operators");
    expect(termsIn("You can Overload the + operator.", terms)).toBe(2);
    expect(termsIn("Overloading, overloads, overloaded.", terms)).toBe(1);
    expect(termsIn("Nothing to see here.", terms)).toBe(0);
    expect(termsIn("anything", [])).toBe(0);
  });

  it("splits runs of scripts without spaces into bigrams and matches them inside lines", () => {
    expect(contentTerms("所有权规则 rules")).toEqual(["rul", "有权", "所有", "权规", "规则"].sort());
    expect(termsIn("这一节讲所有权。", contentTerms("所有权规则"))).toBe(2);
    expect(termsIn("所有权规则决定了值何时被释放。", contentTerms("所有权规则"))).toBe(4);
    expect(termsIn("这一节讲借用。", contentTerms("所有权规则"))).toBe(0);
  });
});
