// GitHub-style heading slugs, as github-slugger computes them (the anchors GitHub renders).

/** Everything except letters, combining marks, digits, connector punctuation ('_'), '-' and ' ' is dropped. */
const DROPPED = /[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu;

/** "Hello, World!" -> "hello-world": lower case, punctuation dropped, each space becomes '-'. */
export function slugify(heading: string): string {
  return heading.trim().toLowerCase().replace(DROPPED, "").replace(/ /g, "-");
}

/** Slugs for headings in document order, de-duplicated like GitHub: "a", "a-1", "a-2". */
export function uniqueSlugs(headings: readonly string[]): string[] {
  const occurrences = new Map<string, number>();
  return headings.map((heading) => {
    const base = slugify(heading);
    let slug = base;
    while (occurrences.has(slug)) {
      const next = (occurrences.get(base) ?? 0) + 1;
      occurrences.set(base, next);
      slug = `${base}-${next}`;
    }
    occurrences.set(slug, 0);
    return slug;
  });
}
