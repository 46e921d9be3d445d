// SYMBOL_ID_PATTERN (schemas) and isSymbolId (reference scanner) must accept exactly the same ids.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isSymbolId } from "../references.js";
import { SYMBOL_ID_PATTERN } from "./symbol.js";

const HAND_PICKED = [
  "@TEST/example", "@A/b", "@CANON/guide/intro", "@X/a./b", "@X/.hidden", "@X/a_", "@X/v1.2",
  "@X/a.", "@X/a-", "@X/a/", "@X//a", "@X/", "@X", "@x/a", "@1X/a", "@_X/a", "X/a", "@X/a#slug", "@X/a:head(3)", "@X/a b",
];

describe("symbol id grammar", () => {
  it.each(HAND_PICKED)("agrees with the reference scanner on %j", (id) => {
    expect(SYMBOL_ID_PATTERN.test(id)).toBe(isSymbolId(id));
  });

  it("agrees with the reference scanner on generated candidates", () => {
    const char = fc.constantFrom(..."@AZaz09_.-/#: ".split(""));
    const candidate = fc.oneof(
      fc.string({ unit: char, maxLength: 16 }).map((tail) => `@${tail}`),
      fc.tuple(fc.constantFrom("@A/", "@NS_1/", "@X/a/"), fc.string({ unit: char, maxLength: 12 })).map(([head, tail]) => head + tail),
    );
    fc.assert(
      fc.property(candidate, (id) => {
        expect(SYMBOL_ID_PATTERN.test(id)).toBe(isSymbolId(id));
      }),
      { numRuns: 2000, seed: 20261121 },
    );
  });
});
