// Canonical JSON and sha256 helpers: the only way anything is hashed.
import * as crypto from "node:crypto";
import { InputError } from "./errors.js";

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Canonical JSON: object keys sorted by UTF-16 code unit order (as JSON.stringify with sorted keys
 * in JavaScript and Python's sort_keys agree for BMP keys), no whitespace, UTF-8.
 * `undefined` object members are dropped; non-finite numbers are rejected.
 */
export function canonicalJson(value: unknown): string {
  try {
    return write(value);
  } catch (error) {
    if (error !== NOT_CANONICAL) throw error;
    throw rejection(value, "$") ?? error;
  }
}

const NOT_CANONICAL = new Error("not canonical JSON");

// Writes without tracking paths: building a path string for every value cost about half the time of hashing plans
// and receipts (docs/ants.md, "Performance"). Only a rejected value sends `rejection` looking for where it is.
function write(value: unknown): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) throw NOT_CANONICAL;
      return JSON.stringify(value);
    case "object": {
      if (Array.isArray(value)) {
        let out = "[";
        for (let i = 0; i < value.length; i++) out += (i > 0 ? "," : "") + write(value[i] ?? null);
        return out + "]";
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      let out = "{";
      let first = true;
      for (const key of keys) {
        const member = record[key];
        if (member === undefined) continue;
        out += (first ? "" : ",") + JSON.stringify(key) + ":" + write(member);
        first = false;
      }
      return out + "}";
    }
    default:
      throw NOT_CANONICAL;
  }
}

/** The error naming the first value (in `write`'s order) that canonical JSON cannot hold, with its path. */
function rejection(value: unknown, path: string): InputError | undefined {
  if (value === null) return undefined;
  switch (typeof value) {
    case "string":
    case "boolean":
      return undefined;
    case "number":
      return Number.isFinite(value) ? undefined : new InputError("CAT_SCHEMA_INVALID", `${path}: ${value} cannot be written as canonical JSON`, { hint: "use a finite number" });
    case "object": {
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const found = rejection(value[i] ?? null, `${path}[${i}]`);
          if (found) return found;
        }
        return undefined;
      }
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record).sort()) {
        const found = record[key] === undefined ? undefined : rejection(record[key], `${path}.${key}`);
        if (found) return found;
      }
      return undefined;
    }
    default:
      return new InputError("CAT_SCHEMA_INVALID", `${path}: a ${typeof value} cannot be written as canonical JSON`, { hint: "pass plain JSON data" });
  }
}

// One-shot crypto.hash (Node >= 20.12) skips the Hash object: about twice as fast on the short inputs
// the indexer hashes by the thousand (docs/indexer.md, "Performance").
const oneShot = (crypto as { hash?: (algorithm: string, data: string | Uint8Array, encoding: "hex") => string }).hash;

/** Hex sha256 of a string (UTF-8) or bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return oneShot ? oneShot("sha256", data, "hex") : crypto.createHash("sha256").update(data).digest("hex");
}

/** sha256 of the canonical JSON of a value. */
export function hashCanonical(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

/** CRLF and lone CR become LF: the one normalisation applied before hashing or slicing text. */
export function normalizeNewlines(text: string): string {
  return text.includes("\r") ? text.replace(/\r\n?/g, "\n") : text;
}

/** `content_hash` of a section: sha256 of its text with line endings normalised. */
export function contentHash(text: string): string {
  return sha256Hex(normalizeNewlines(text));
}

/** `section_id` = sha256 of `file_path:line_start:line_end:content_hash` (docs/contract.md "Section"). */
export function sectionId(filePath: string, lineStart: number, lineEnd: number, sectionContentHash: string): string {
  return sha256Hex(`${filePath}:${lineStart}:${lineEnd}:${sectionContentHash}`);
}

/** " at line L, column C" from a JSON.parse error that gives a position, else "" (nothing of the text itself). */
function jsonErrorPlace(text: string, error: unknown): string {
  const match = /at position (\d+)/.exec(error instanceof Error ? error.message : "");
  if (!match) return "";
  const before = text.slice(0, Number(match[1]));
  const line = before.split("\n").length;
  return ` at line ${line}, column ${before.length - before.lastIndexOf("\n")}`;
}

/** JSON.parse with a typed error that quotes nothing from `text` (it may be any file, or a secret). */
export function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    // V8's message quotes the text ("Unexpected token 'h', "hello" is not valid JSON"): give only where.
    throw new InputError("CAT_JSON_MALFORMED", `${source} is not valid JSON${jsonErrorPlace(text, error)}`, {
      hint: "fix the JSON syntax (a stray brace or trailing comma is the usual cause)",
      details: { source },
    });
  }
}
