// File contents in the content-addressed store (.catalytic/cas/, the indexer's layout), kept as raw
// bytes: the indexer's helpers store text, but a restore must give every file back byte for byte.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { InvariantError, sha256Hex } from "@catalytic/core";
import { casPath } from "@catalytic/indexer";

/** Stores bytes (once) and returns their sha256, which is their key. */
export function casPut(root: string, data: Uint8Array): string {
  const hash = sha256Hex(data);
  const file = casPath(root, hash);
  if (existsSync(file)) return hash;
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(temp, data);
  renameSync(temp, file);
  return hash;
}

/** The stored bytes, verified against their key; undefined when absent. */
export function casGet(root: string, hash: string): Buffer | undefined {
  if (!/^[0-9a-f]{64}$/.test(hash)) return undefined;
  const file = casPath(root, hash);
  if (!existsSync(file)) return undefined;
  const data = readFileSync(file);
  if (sha256Hex(data) !== hash) {
    throw new InvariantError("CAT_INVARIANT", `CAS object ${hash} does not match its hash (the store was modified)`, {
      hint: "restore .catalytic/cas/ from a backup; the run cannot be restored from a corrupt store",
    });
  }
  return data;
}
