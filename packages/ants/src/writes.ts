// The one way an ant changes a file: prior content into the CAS, atomic replace, new content into the
// CAS, and a WRITE action with before/after hashes that `restore` can undo.
import { readFileSync } from "node:fs";
import path from "node:path";
import { sha256Hex, toPosixRelative } from "@catalytic/core";
import { casPut } from "./cas.js";
import { atomicWrite, ensureParents, type WriteTarget } from "./fs-safe.js";
import type { ReceiptDraft } from "./receipt.js";

export function commitWrite(root: string, receipt: ReceiptDraft, filePath: string, target: WriteTarget, data: Uint8Array): void {
  const prior = target.stat ? readFileSync(target.absolute) : undefined;
  const priorRef = prior ? casPut(root, prior) : undefined;
  const createdDirs = ensureParents(target.absolute).map((dir) => toPosixRelative(path.resolve(root), dir));
  atomicWrite(target.absolute, data, target.stat?.mode);
  const afterHash = casPut(root, data);
  receipt.act({
    type: "WRITE",
    target: filePath,
    status: "SUCCESS",
    ...(prior ? { before_hash: sha256Hex(prior), prior_content_ref: priorRef } : {}),
    after_hash: afterHash,
    result: { bytes: data.length, after_content_ref: afterHash, created_dirs: createdDirs },
  });
  receipt.output("file_path", filePath);
  receipt.output("after_hash", afterHash);
}
