// The content words of an intent and which lines of a section mention them (where a big section is cut).
// A light suffix-stripping stem lets "overloading" match "overload" without a full stemmer; scripts without spaces
// (CJK, Thai) match by character bigrams.

const STOP_WORDS = new Set(
  (
    "a an and are as at be but by can do does for from how i if in into is it its me my of on or so that the " +
    "their them then there these this to use using was what when where which who why will with would you your"
  ).split(" "),
);

/** Lower-cased stem: one inflection (-ing, -ed, -es after a sibilant, -s) and a final -e dropped, never below 3 letters. */
export function stem(word: string): string {
  let w = word.toLowerCase();
  const strip = (n: number): boolean => {
    if (w.length - n < 3) return false;
    w = w.slice(0, -n);
    return true;
  };
  if (w.endsWith("ing")) strip(3);
  else if (w.endsWith("ed")) strip(2);
  else if (/(s|x|z|ch|sh)es$/.test(w)) strip(2);
  else if (w.endsWith("s") && !w.endsWith("ss")) strip(1);
  if (w.endsWith("e") && w.length > 3) w = w.slice(0, -1);
  return w;
}

/** Scripts written without spaces between words: matched by character bigrams instead of words. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/u;

function bigrams(run: string): string[] {
  const chars = [...run];
  if (chars.length < 2) return chars;
  return chars.slice(0, -1).map((c, i) => c + chars[i + 1]);
}

/**
 * The intent's content terms, sorted and distinct: stems of its words (stop words and `-excluded` words left out),
 * and the character bigrams of runs in scripts without spaces (a CJK run is not one word).
 */
export function contentTerms(query: string): string[] {
  const terms = new Set<string>();
  for (const match of query.matchAll(/(^|[^\p{L}\p{N}_-])(-?)([\p{L}\p{N}_]+)/gu)) {
    const word = match[3] as string;
    if (match[2] === "-" || STOP_WORDS.has(word.toLowerCase())) continue;
    for (const part of word.split(/([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]+)/u)) {
      if (part === "") continue;
      if (UNSPACED.test(part)) for (const gram of bigrams(part)) terms.add(gram);
      else terms.add(stem(part));
    }
  }
  return [...terms].sort();
}

/** How many distinct terms a line mentions: a word with a term's stem, or (unspaced scripts) the term inside it. */
export function termsIn(line: string, terms: readonly string[]): number {
  if (terms.length === 0) return 0;
  const lower = line.toLowerCase();
  const stems = new Set((lower.match(/[\p{L}\p{N}_]+/gu) ?? []).map(stem));
  return terms.filter((term) => stems.has(term) || (UNSPACED.test(term) && lower.includes(term))).length;
}
