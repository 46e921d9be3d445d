// What a workspace holds after a run, read from outside: its files byte for byte, and a job's receipts (the
// ledger API from source, read-only use).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { Cassette } from "../../packages/cassette/src/index.js";
import type { Receipt } from "../../packages/core/src/index.js";

/** Files of a tree (minus .catalytic/) with their bytes, for byte-for-byte comparisons. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    const rel = path.relative(dir, file);
    if (rel.split(path.sep)[0] === ".catalytic") continue;
    out[rel] = entry.isFile() ? readFileSync(file, "base64") : entry.isDirectory() ? "<dir>" : "<other>";
  }
  return out;
}

export function receiptsOf(root: string, jobId: string): Receipt[] {
  const cassette = Cassette.openWorkspace(root);
  try {
    return cassette.listReceipts(jobId).map((r) => r.receipt as Receipt);
  } finally {
    cassette.close();
  }
}
