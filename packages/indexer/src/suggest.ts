// "Did you mean": nearest symbol ids by edit distance, ties broken by id so the answer is stable.

/** Levenshtein distance with an early exit once every cell of a row exceeds `limit`. */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const value = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost);
      current.push(value);
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length] as number;
}

/** The `n` ids nearest to `target` (case-insensitive distance), nearest first, then by id. */
export function nearest(target: string, ids: Iterable<string>, n: number): string[] {
  const wanted = target.toLowerCase();
  const limit = Math.max(3, Math.ceil(wanted.length / 2));
  const scored: Array<{ id: string; distance: number }> = [];
  for (const id of ids) {
    const distance = editDistance(wanted, id.toLowerCase(), limit);
    if (distance <= limit) scored.push({ id, distance });
  }
  scored.sort((x, y) => x.distance - y.distance || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  return scored.slice(0, n).map((s) => s.id);
}
