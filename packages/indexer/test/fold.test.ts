// Index folding (src/search/fold.ts): which texts get bigram tokens for scripts written without spaces, and which are
// left as they are without being normalized.
import { describe, expect, it } from "vitest";
import { foldCase, foldForIndex, isInertCodePoint, withoutMark, withoutUnspacedLetter } from "../src/search/fold.js";

const SCRIPTS = "\\p{scx=Han}\\p{scx=Hiragana}\\p{scx=Katakana}\\p{scx=Hangul}\\p{scx=Thai}\\p{scx=Lao}\\p{scx=Khmer}\\p{scx=Myanmar}";
const UNSPACED_CHAR = new RegExp(`(?=[\\p{L}\\p{M}])[${SCRIPTS}]`, "u");
const UNSPACED_RUN = new RegExp(`(?:(?=[\\p{L}\\p{M}])[${SCRIPTS}])+`, "gu");
const FULL_FOLD = /[ßẞǰΐΰևẖ-ẚᾀ-ᾯᾲ-ᾴᾶᾷᾼῂ-ῄῆῇῌῒΐῖῗῢ-ῤῦῧῲ-ῴῶῷῼ]/gu;

/** The folding as it was before inert texts skipped normalization: always NFKC, then the unspaced runs. */
function referenceFold(text: string): string {
  const folded = text.normalize("NFKC").replace(FULL_FOLD, (c) => c.toLowerCase().toUpperCase().toLowerCase());
  return folded.replace(UNSPACED_RUN, (run) => {
    const chars = Array.from(run);
    if (chars.length < 2) return ` ${run} `;
    const pairs: string[] = [];
    for (let i = 0; i + 1 < chars.length; i++) pairs.push(`${chars[i]}${chars[i + 1]}`);
    return ` ${pairs.join(" ")} ${chars[chars.length - 1]} `;
  });
}

function* codePoints(): Generator<number> {
  for (let codePoint = 0x80; codePoint <= 0x10ffff; codePoint++) if (codePoint < 0xd800 || codePoint > 0xdfff) yield codePoint;
}

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

  it("folds every character, alone and between letters, as NFKC followed by the bigram rule does", () => {
    const differences: string[] = [];
    for (const codePoint of codePoints()) {
      const char = String.fromCodePoint(codePoint);
      for (const text of [char, `a${char}b`, `“${char}”`, `e${char}\u0301`]) {
        if (foldForIndex(text) !== referenceFold(text)) differences.push(codePoint.toString(16));
      }
      if (differences.length > 10) break;
    }
    expect(differences).toEqual([]);
  });

  it("treats a character as inert only when it has combining class 0 and composes with nothing before it", () => {
    // U+0345 (class 240) before it, U+0334 (class 1) after it: a character of any other non-zero class would be
    // reordered around one of them; one that composes with a preceding character is a mark or a jamo (excluded).
    const wrong: string[] = [];
    for (const codePoint of codePoints()) {
      if (!isInertCodePoint(codePoint)) continue;
      const char = String.fromCodePoint(codePoint);
      for (const text of [`a\u0345${char}`, `a${char}\u0334`]) if (text.normalize("NFKC") !== text) wrong.push(codePoint.toString(16));
      if (wrong.length > 10) break;
    }
    expect(wrong).toEqual([]);
    // Marks, Hangul vowel and final jamo, and lone surrogates always go through NFKC.
    for (const codePoint of [0x301, 0x20d7, 0x1161, 0x11a8, 0xd7b0, 0xd800, 0xdc00]) expect(isInertCodePoint(codePoint)).toBe(false);
    // What English prose holds stays inert (not "…", whose NFKC form is "...").
    for (const char of "’“”–—é→") expect(isInertCodePoint(char.codePointAt(0) as number)).toBe(true);
  });

  it("keeps inert texts as they are and normalizes the others, whole texts included", () => {
    for (const text of ["“quoted” — it’s fine…", "ﬁle “Straße”", "e\u0301 and é", "ｘｌ 東京 “x”", "lone \ud800 surrogate ’", "한국어 텍스트 \u1100\u1161"]) {
      expect(foldForIndex(text)).toBe(referenceFold(text));
      expect(foldCase(text)).toBe(text.normalize("NFKC").replace(FULL_FOLD, (c) => c.toLowerCase().toUpperCase().toLowerCase()).toLowerCase());
    }
  });
});

describe("the ranges folding knows without a regex", () => {
  it("hold no letter of an unspaced script, and no mark, where they say so", () => {
    const wrong: string[] = [];
    for (let codePoint = 0; codePoint <= 0x10ffff; codePoint++) {
      if (codePoint >= 0xd800 && codePoint <= 0xdfff) continue;
      const char = String.fromCodePoint(codePoint);
      if (withoutUnspacedLetter(codePoint) && UNSPACED_CHAR.test(char)) wrong.push(`unspaced ${codePoint.toString(16)}`);
      if (withoutMark(codePoint) && /\p{M}/u.test(char)) wrong.push(`mark ${codePoint.toString(16)}`);
    }
    expect(wrong).toEqual([]);
  });
});
