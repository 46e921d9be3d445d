// One folding for the text that is indexed and the query that searches it, so both meet in the same tokens.
// FTS5's unicode61 tokenizer lowercases and strips diacritics itself; this adds what it lacks (docs/indexer.md#search):
// compatibility forms (NFKC: fullwidth letters, ligatures), full case folding that changes length (ß -> ss), and
// tokens for scripts written without spaces (Han, kana, Hangul, Thai, ...), which become overlapping bigrams.

const ASCII = /^[\x00-\x7f]*$/;
/**
 * Characters whose full case folding is longer than one character and that NFKC leaves alone (ß ẞ ǰ ΐ ΰ և ẖ-ẚ, Greek
 * with ypogegrammeni): escaped, so the CLI bundle is pure ASCII, which V8 keeps as a one-byte source string.
 */
const FULL_FOLD =
  /[\u00df\u1e9e\u01f0\u0390\u03b0\u0587\u1e96-\u1e9a\u1f80-\u1faf\u1fb2-\u1fb4\u1fb6\u1fb7\u1fbc\u1fc2-\u1fc4\u1fc6\u1fc7\u1fcc\u1fd2\u0390\u1fd6\u1fd7\u1fe2-\u1fe4\u1fe6\u1fe7\u1ff2-\u1ff4\u1ff6\u1ff7\u1ffc]/gu;
const SCRIPTS = "\\p{scx=Han}\\p{scx=Hiragana}\\p{scx=Katakana}\\p{scx=Hangul}\\p{scx=Thai}\\p{scx=Lao}\\p{scx=Khmer}\\p{scx=Myanmar}";
// The Unicode property regexes are compiled on first use: the script-extension classes take ~1.5 ms, which every
// process paid at start, and most non-ASCII text never needs them (see withoutUnspacedLetter).
let runRegex: RegExp | undefined;
let markRegex: RegExp | undefined;
/** A run of letters (and their marks) from scripts written without spaces between words. */
const unspacedRun = (): RegExp => (runRegex ??= new RegExp(`(?:(?=[\\p{L}\\p{M}])[${SCRIPTS}])+`, "gu"));
/**
 * Whether a character is one such letter (or mark): the run regex rather than compiling another. lastIndex is left at
 * 0, where matchAll in splitRuns starts.
 */
function isUnspacedChar(char: string): boolean {
  const run = unspacedRun();
  run.lastIndex = 0;
  const found = run.test(char);
  run.lastIndex = 0;
  return found;
}
const mark = (): RegExp => (markRegex ??= /\p{M}/u);
const fullFold = new RegExp(FULL_FOLD.source, "u");

// Ranges known without a regex, checked code point by code point against the regexes by test/fold.test.ts: most
// non-ASCII text (curly quotes, dashes, accented Latin, Greek, Cyrillic, Indic letters, arrows) never compiles them.
/** No letter of an unspaced script: below Thai (U+0E01) but for five modifier letters and marks, Thai/Lao to Myanmar, Hangul jamo to Khmer, Khmer to U+3005. */
export function withoutUnspacedLetter(codePoint: number): boolean {
  return (
    codePoint < 0x2bc ||
    (codePoint > 0x331 && codePoint < 0xe01) ||
    (codePoint > 0xedf && codePoint < 0x1000) ||
    (codePoint > 0x11ff && codePoint < 0x1780) ||
    (codePoint > 0x17dd && codePoint < 0x3005)
  );
}

/** No mark: below the combining diacritics (U+0300), and General Punctuation to Miscellaneous Symbols and Arrows without the combining marks for symbols (U+20D0-U+20FF). */
export function withoutMark(codePoint: number): boolean {
  return codePoint < 0x300 || (codePoint >= 0x2000 && codePoint < 0x20d0) || (codePoint >= 0x2100 && codePoint < 0x2c00);
}

/** classOf bits. */
const INERT = 1;
const UNSPACED = 2;

/**
 * INERT: NFKC and the full case foldings leave the character as it is whatever surrounds it. Its own NFKC form is
 * itself (NFKC quick check not "No"), and it is neither a mark nor a Hangul vowel or trailing consonant jamo: those
 * are the only characters that compose with what precedes them (quick check "Maybe") or have a non-zero combining
 * class. A text made of such characters only is already in NFKC (UAX #15, quick check), so it is not normalized.
 * Lone surrogates are never inert. UNSPACED: a letter of a script written without spaces.
 */
function classOf(codePoint: number): number {
  let bits = classByCodePoint.get(codePoint);
  if (bits === undefined) {
    const char = String.fromCodePoint(codePoint);
    const inert =
      !(codePoint >= 0xd800 && codePoint <= 0xdfff) &&
      !(codePoint >= 0x1160 && codePoint <= 0x11ff) &&
      !(codePoint >= 0xd7b0 && codePoint <= 0xd7ff) &&
      !fullFold.test(char) &&
      char.normalize("NFKC") === char &&
      (withoutMark(codePoint) || !mark().test(char));
    bits = (inert ? INERT : 0) | (!withoutUnspacedLetter(codePoint) && isUnspacedChar(char) ? UNSPACED : 0);
    classByCodePoint.set(codePoint, bits);
  }
  return bits;
}
const classByCodePoint = new Map<number, number>();

/** Whether folding leaves the character as it is in any text (test/fold.test.ts checks the rule against NFKC). */
export function isInertCodePoint(codePoint: number): boolean {
  return (classOf(codePoint) & INERT) !== 0;
}

/** A character outside ASCII: the regex engine finds the next one, instead of a JS loop visiting every character. */
const NON_ASCII = /[^\x00-\x7f]/g;

/** The classOf bits over a text's non-ASCII characters: INERT when all are, UNSPACED when any is. */
function classOfText(text: string): number {
  let inert = INERT;
  let unspaced = 0;
  NON_ASCII.lastIndex = 0;
  for (let found = NON_ASCII.exec(text); found !== null; found = NON_ASCII.exec(text)) {
    const codePoint = text.codePointAt(found.index) as number;
    if (codePoint > 0xffff) NON_ASCII.lastIndex = found.index + 2; // past the pair's low surrogate
    const bits = classOf(codePoint);
    inert &= bits;
    unspaced |= bits & UNSPACED;
    if (inert === 0 && unspaced !== 0) break; // both answers are final
  }
  return inert | unspaced;
}

/** NFKC and the full case foldings that change length (ß, ẞ -> ss); other letters keep their case for unicode61. */
function foldCompatible(text: string): string {
  if (ASCII.test(text)) return text;
  return foldNonAscii(text, (classOfText(text) & INERT) !== 0);
}

function foldNonAscii(text: string, inert: boolean): string {
  if (inert) return text;
  return text.normalize("NFKC").replace(FULL_FOLD, (c) => c.toLowerCase().toUpperCase().toLowerCase());
}

/** Text folded as the index folds it, lowercased: compare query terms (SearchResult.terms) with foldCase(line). */
export function foldCase(text: string): string {
  return foldCompatible(text).toLowerCase();
}

/** The overlapping bigrams of a run (its only character when it has one). */
export function bigrams(run: string): string[] {
  const chars = Array.from(run);
  if (chars.length < 2) return chars;
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(`${chars[i]}${chars[i + 1]}`);
  return out;
}

/**
 * Text as it is indexed: folded, and each run of an unspaced script replaced by its bigrams followed by its last
 * character, so a one-character query (a prefix search) finds the run's end too. Newlines are kept, so line i of
 * the folded text is line i of the original.
 */
export function foldForIndex(text: string): string {
  if (ASCII.test(text)) return text; // the anchored test answers most texts faster than a search
  const bits = classOfText(text);
  // An inert text is its own fold, and its scan has already said whether it has an unspaced letter.
  const folded = foldNonAscii(text, (bits & INERT) !== 0);
  if (!((bits & INERT ? bits : classOfText(folded)) & UNSPACED)) return folded;
  return folded.replace(unspacedRun(), (run) => {
    const chars = Array.from(run);
    return chars.length < 2 ? ` ${run} ` : ` ${bigrams(run).join(" ")} ${chars[chars.length - 1]} `;
  });
}

/** Splits folded query text into runs: `unspaced` runs are searched by bigrams, the rest as words. */
export function splitRuns(text: string): Array<{ text: string; unspaced: boolean }> {
  const out: Array<{ text: string; unspaced: boolean }> = [];
  let last = 0;
  for (const match of text.matchAll(unspacedRun())) {
    const start = match.index ?? 0;
    if (start > last) out.push({ text: text.slice(last, start), unspaced: false });
    out.push({ text: match[0], unspaced: true });
    last = start + match[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), unspaced: false });
  return out;
}
