// The content words of an intent and which lines of a section mention them (where a big section is cut).
// A light suffix-stripping stem lets "overloading" match "overload" without a full stemmer.

const STOP_WORDS = new Set(
  (
    "a an and are as at be but by can do does for from how i if in into is it its me my of on or so that the " +
    "their them then there these this to use using was what when where which who why will with would you your"
  ).split(" "),
);

/** Lower-cased stem of a word: common English suffixes dropped, never below 3 letters. */
export function stem(word: string): string {
  const w = word.toLowerCase();
  for (const suffix of ["ing", "ed", "es", "s", "ly"]) {
    if (w.length - suffix.length >= 3 && w.endsWith(suffix)) return w.slice(0, -suffix.length);
  }
  return w;
}

/** Stems of the intent's content words (stop words and `-excluded` words left out), sorted, distinct. */
export function contentTerms(query: string): string[] {
  const terms = new Set<string>();
  for (const match of query.matchAll(/(^|[^\p{L}\p{N}_-])(-?)([\p{L}\p{N}_]+)/gu)) {
    const word = match[3] as string;
    if (match[2] === "-" || STOP_WORDS.has(word.toLowerCase())) continue;
    terms.add(stem(word));
  }
  return [...terms].sort();
}

/** True when a word of `line` has the stem of one of `terms` (or, for scripts without spaces, contains it). */
export function lineMatches(line: string, terms: readonly string[]): boolean {
  if (terms.length === 0) return false;
  const lower = line.toLowerCase();
  for (const word of lower.match(/[\p{L}\p{N}_]+/gu) ?? []) {
    if (terms.includes(stem(word))) return true;
  }
  return terms.some((term) => /[^\p{Script=Latin}\p{N}_]/u.test(term) && lower.includes(term));
}
