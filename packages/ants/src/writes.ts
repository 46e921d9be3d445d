// The one way an ant changes a file: prior content into the CAS, the before-state recorded once (so a retry
// after a crash reports the same before), an atomic replace through the folder's handle, new content into the
// CAS, and a WRITE action with before/after hashes that `restore` can undo.
import path from "node:path";
import { ExecutionError, InvariantError, sha256Hex } from "@catalytic/core";
import { earlierAttempt, recordBefore } from "./before-state.js";
import { casGet, casPut } from "./cas.js";
import type { ExecutionContext } from "./context.js";
import type { WriteTarget } from "./fs-safe.js";
import type { ReceiptDraft } from "./receipt.js";

/** Workspace-relative POSIX form used to key a file's records (`./a.md` and `a.md` are one file). */
export function fileKey(filePath: string): string {
  return path.posix.normalize(filePath.replace(/\\/g, "/"));
}

/**
 * Writes what `produce` makes of the file's content before this step. That content is the file as it is now,
 * except after an interrupted attempt of the same step: then it is the content recorded before that attempt,
 * and the file must still be either as that attempt found it or as it left it (else CAT_WRITE_CONFLICT).
 */
export function commitWrite(
  ctx: Pick<ExecutionContext, "root" | "runId">,
  receipt: ReceiptDraft,
  stepId: string,
  target: WriteTarget,
  produce: (before: Buffer | undefined) => Uint8Array,
): void {
  const { root, runId } = ctx;
  const file = fileKey(target.relative);
  const current = target.read();
  const currentHash = current ? sha256Hex(current) : null;
  let before = current;
  let beforeHash = currentHash;
  const earlier = earlierAttempt(root, runId, stepId);
  if (earlier) {
    if (currentHash !== earlier.before_hash && currentHash !== earlier.after_hash) {
      throw new ExecutionError("CAT_WRITE_CONFLICT", `${target.relative} changed between an interrupted attempt of step ${stepId} and its retry`, {
        hint: "someone else wrote the file while the step was being retried; check it, then re-plan",
        details: { path: target.relative, expected: [earlier.before_hash, earlier.after_hash], actual: currentHash },
      });
    }
    beforeHash = earlier.before_hash;
    before = beforeHash === null ? undefined : casGet(root, beforeHash);
    if (beforeHash !== null && !before) {
      throw new InvariantError("CAT_INVARIANT", `content ${beforeHash} recorded before step ${stepId} is missing from .catalytic/cas/`, {
        hint: "the content store was pruned; restore it from a backup",
      });
    }
  }
  const data = produce(before);
  if (before) casPut(root, before);
  const afterHash = sha256Hex(data);
  recordBefore(root, runId, stepId, { file, before_hash: beforeHash, after_hash: afterHash });
  target.replace(data, target.stat?.mode);
  casPut(root, data);
  receipt.act({
    type: "WRITE",
    target: target.relative,
    status: "SUCCESS",
    ...(beforeHash !== null ? { before_hash: beforeHash, prior_content_ref: beforeHash } : {}),
    after_hash: afterHash,
    result: { bytes: data.length, after_content_ref: afterHash, created_dirs: target.createdDirs, ...(earlier ? { retried: true } : {}) },
  });
  receipt.output("file_path", target.relative);
  receipt.output("after_hash", afterHash);
}
