// Paths of the in-repo corpora (fixtures/README.md) and helpers to copy them before anything writes.
import { cpSync, mkdtempSync, readdirSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export const CORPORA = path.resolve(__dirname, "../../../fixtures/corpora");
export const RUST_BOOK = path.join(CORPORA, "rust-book");
export const TLDR = path.join(CORPORA, "tldr-en-sample");

/** Every file under a folder, as POSIX paths relative to it, sorted. */
export function listFiles(root: string, dir = ""): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const relative = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(root, relative));
    else if (entry.isFile()) out.push(relative);
  }
  return out.sort();
}

export function tempDir(prefix = "catalytic-indexer-"): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Copies a read-only corpus into a fresh temp dir and returns the copy's root. */
export function copyCorpus(source: string): string {
  const target = path.join(tempDir(), path.basename(source));
  cpSync(source, target, { recursive: true });
  return target;
}

export function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
