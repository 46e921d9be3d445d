// One folding for the text that is indexed and the query that searches it, so both meet in the same tokens.
// FTS5's unicode61 tokenizer lowercases and strips diacritics itself; this adds what it lacks (docs/indexer.md#search):
// compatibility forms (NFKC: fullwidth letters, ligatures), full case folding that changes length (ß -> ss), and
// tokens for scripts written without spaces (Han, kana, Hangul, Thai, ...), which become overlapping bigrams.

const ASCII = /^[\x00-\x7f]*$/;
/** Characters whose full case folding is longer than one character and that NFKC leaves alone. */
const FULL_FOLD = /[ßẞǰΐΰևẖ-ẚᾀ-ᾯᾲ-ᾴᾶᾷᾼῂ-ῄῆῇῌῒΐῖῗῢ-ῤῦῧῲ-ῴῶῷῼ]/gu;
const SCRIPTS = "\\p{scx=Han}\\p{scx=Hiragana}\\p{scx=Katakana}\\p{scx=Hangul}\\p{scx=Thai}\\p{scx=Lao}\\p{scx=Khmer}\\p{scx=Myanmar}";
let unspacedRegexes: { run: RegExp; char: RegExp } | undefined;
/**
 * `run`: a run of letters (and their marks) from scripts written without spaces between words; `char`: one such
 * letter. Compiled on first use: the script-extension classes take milliseconds, which every process paid at start.
 */
function unspacedPatterns(): { run: RegExp; char: RegExp } {
  unspacedRegexes ??= { run: new RegExp(`(?:(?=[\\p{L}\\p{M}])[${SCRIPTS}])+`, "gu"), char: new RegExp(`(?=[\\p{L}\\p{M}])[${SCRIPTS}]`, "u") };
  return unspacedRegexes;
}

/** NFKC and the full case foldings that change length (ß, ẞ -> ss); other letters keep their case for unicode61. */
function foldCompatible(text: string): string {
  if (ASCII.test(text)) return text;
  return text.normalize("NFKC").replace(FULL_FOLD, (c) => c.toLowerCase().toUpperCase().toLowerCase());
}

/** Text folded as the index folds it, lowercased: compare query terms (SearchResult.terms) with foldCase(line). */
export function foldCase(text: string): string {
  return foldCompatible(text).toLowerCase();
}

/** unspacedPatterns().char's answer per code point: the regex costs ~1 µs a character, and a text repeats few non-ASCII ones. */
const unspacedByCodePoint = new Map<number, boolean>();

/** A character outside ASCII: the regex engine finds the next one, instead of a JS loop visiting every character. */
const NON_ASCII = /[^\x00-\x7f]/g;

/** True when the text has a letter of a script written without spaces. */
function hasUnspaced(text: string): boolean {
  if (ASCII.test(text)) return false; // the anchored test answers most texts faster than a search
  NON_ASCII.lastIndex = 0;
  for (let found = NON_ASCII.exec(text); found !== null; found = NON_ASCII.exec(text)) {
    const codePoint = text.codePointAt(found.index) as number;
    if (codePoint > 0xffff) NON_ASCII.lastIndex = found.index + 2; // past the pair's low surrogate
    let unspaced = unspacedByCodePoint.get(codePoint);
    if (unspaced === undefined) {
      unspaced = unspacedPatterns().char.test(String.fromCodePoint(codePoint));
      unspacedByCodePoint.set(codePoint, unspaced);
    }
    if (unspaced) return true;
  }
  return false;
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
  const folded = foldCompatible(text);
  if (!hasUnspaced(folded)) return folded;
  return folded.replace(unspacedPatterns().run, (run) => {
    const chars = Array.from(run);
    return chars.length < 2 ? ` ${run} ` : ` ${bigrams(run).join(" ")} ${chars[chars.length - 1]} `;
  });
}

/** Splits folded query text into runs: `unspaced` runs are searched by bigrams, the rest as words. */
export function splitRuns(text: string): Array<{ text: string; unspaced: boolean }> {
  const out: Array<{ text: string; unspaced: boolean }> = [];
  let last = 0;
  for (const match of text.matchAll(unspacedPatterns().run)) {
    const start = match.index ?? 0;
    if (start > last) out.push({ text: text.slice(last, start), unspaced: false });
    out.push({ text: match[0], unspaced: true });
    last = start + match[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), unspaced: false });
  return out;
}
