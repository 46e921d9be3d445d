// Content-addressed store under .catalytic/cas/: ab/cd/<sha256>, written once (temp file + rename).
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { InvariantError, STATE_DIR, sha256Hex } from "@catalytic/core";
import { unwritableError, writeFileAtomic } from "./atomic-write.js";

export function casPath(root: string, hash: string): string {
  return path.join(root, STATE_DIR, "cas", hash.slice(0, 2), hash.slice(2, 4), hash);
}

/** Relative reference stored in receipts: `cas/ab/cd/<hash>`. */
export function casRef(hash: string): string {
  return `cas/${hash.slice(0, 2)}/${hash.slice(2, 4)}/${hash}`;
}

/** Stores text (UTF-8) and returns its sha256; an existing object is left untouched. */
export function writeCas(root: string, text: string, hash = sha256Hex(text)): string {
  const file = casPath(root, hash);
  if (existsSync(file)) return hash;
  const hint = "make .catalytic/cas/ writable (and check the disk has space), then run the command again";
  try {
    mkdirSync(path.dirname(file), { recursive: true });
  } catch (error) {
    throw unwritableError(path.dirname(file), error, hint);
  }
  writeFileAtomic(file, text, hint);
  return hash;
}

/** Reads an object and proves it still has its hash; undefined when it is missing. */
export function readCas(root: string, hash: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(casPath(root, hash), "utf8");
  } catch {
    return undefined;
  }
  if (sha256Hex(text) !== hash) {
    throw new InvariantError("CAT_INVARIANT", `CAS object ${hash} does not match its hash (the store was modified)`, {
      hint: "delete .catalytic/cas/ and .catalytic/index.db (both are rebuildable), then run 'catalytic build'",
    });
  }
  return text;
}
