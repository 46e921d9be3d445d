// The one place CLI --json output gets its field names: the contract's snake_case (docs/cli.md "JSON output").
// Records inside the packages are camelCase TypeScript; they are renamed here, at the edge, so no command spells
// a JSON name by hand. Data that belongs to someone else (a message payload, a receipt document as written) is
// wrapped in `verbatim` and printed as it is.

const VERBATIM = Symbol("verbatim");

interface Verbatim {
  readonly [VERBATIM]: unknown;
}

/** A value printed exactly as it is: its keys are data, not field names. */
export function verbatim(value: unknown): Verbatim {
  return { [VERBATIM]: value };
}

const CAMEL = /^[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+$/;

/** `filePath` -> `file_path`; every other key (snake_case, `SUCCESS`, a path, a symbol id) is left alone. */
export function snakeName(key: string): string {
  return CAMEL.test(key) ? key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`) : key;
}

/** A JSON-ready copy with every camelCase field name in snake_case (verbatim values untouched). */
export function snakeCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeCaseKeys);
  if (value === null || typeof value !== "object") return value;
  if (VERBATIM in value) return (value as Verbatim)[VERBATIM];
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") return snakeCaseKeys(toJSON.call(value));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[snakeName(key)] = snakeCaseKeys(item);
  return out;
}
