// Index folding (src/search/fold.ts): which texts get bigram tokens for scripts written without spaces.
import { describe, expect, it } from "vitest";
import { foldForIndex } from "../src/search/fold.js";

describe("foldForIndex", () => {
  it("finds an unspaced letter after other non-ASCII characters and across surrogate pairs", () => {
    // Curly quotes, accents and an emoji (a surrogate pair) come first; the Han letter is what makes bigrams.
    expect(foldForIndex("“Café” 😀 é 東京都")).toBe("“Café” 😀 é  東京 京都 都 ");
    // A Han letter outside the BMP (U+20000, a surrogate pair) is one character.
    expect(foldForIndex("x 𠀀𠀁 y")).toBe("x  𠀀𠀁 𠀁  y");
    // Nothing unspaced: the text is only NFKC-folded.
    expect(foldForIndex("“Straße” ﬁ 😀")).toBe("“Strasse” fi 😀");
    expect(foldForIndex("plain ASCII")).toBe("plain ASCII");
  });
});
