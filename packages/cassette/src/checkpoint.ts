// Signed checkpoints of the ledger (docs/cassette.md#checkpoints): an RFC 6962 Merkle tree over every receipt, in
// commit order, whose signed tree head is kept outside the ledger file. A later ledger must extend it (consistency
// proof); one receipt's inclusion proof can be checked by anyone holding the public key.
import { CassetteError } from "@catalytic/core";
import { readQuery } from "./connection.js";
import { receiptDocumentOfCanonical } from "./ids.js";
import type { Ledger } from "./ledger.js";
import { EMPTY_ROOT, consistencyProof, inclusionProof, leafHash, treeRoot, verifyConsistency, verifyInclusion, type Hash } from "./merkle.js";
import { checkpointBody, openCheckpoint, parseVerifierKey, signNote, type Checkpoint, type NoteSigner, type NoteVerifier } from "./note.js";
import { receiptHeaderOf, type ReceiptRow } from "./records.js";

/** One leaf: a receipt's canonical document (the preimage of its receipt hash) and the leaf hash over it. */
export interface LedgerLeaf {
  receiptId: string;
  document: string;
  hash: Hash;
}

// Commit order: the transition that committed each step. step_transitions is append-only and its ids only grow,
// so every new receipt is appended after all earlier ones, never between them.
const LEAVES_SQL = `SELECT r.* FROM step_transitions t JOIN steps s ON s.step_id = t.step_id JOIN receipts r ON r.step_seq = s.step_seq
  WHERE t.to_status = 'COMMITTED' ORDER BY t.transition_id`;

export function ledgerLeaves(ledger: Ledger): LedgerLeaf[] {
  const rows = readQuery(() => ledger.stmt(LEAVES_SQL).all() as ReceiptRow[]);
  return rows.map((row) => {
    const document = receiptDocumentOfCanonical(
      receiptHeaderOf(row),
      row.receipt_json,
    );
    return { receiptId: row.receipt_id, document, hash: leafHash(Buffer.from(document, "utf8")) };
  });
}

export interface SignedCheckpoint {
  /** The signed note, byte for byte what is written or printed. */
  text: string;
  tree_size: number;
  root_hash: string;
}

/** Signs the current tree head; with `withLeaves`, the body lists every leaf hash (what names a changed receipt later). */
export function makeCheckpoint(ledger: Ledger, signer: NoteSigner, withLeaves = true): SignedCheckpoint {
  const hashes = ledgerLeaves(ledger).map((leaf) => leaf.hash);
  const root = treeRoot(hashes);
  return { text: signNote(checkpointBody(hashes.length, root, withLeaves ? hashes : undefined), signer), tree_size: hashes.length, root_hash: root.toString("base64") };
}

export interface CheckpointCheck {
  ok: boolean;
  checkpoint: { tree_size: number; root_hash: string };
  ledger: { tree_size: number; root_hash: string };
  /** RFC 6962 consistency proof from the checkpoint's tree to the ledger's (base64 hashes). */
  consistency_proof: string[];
  /** The first leaf (0-based) where the ledger departs from the checkpoint, when it does. */
  first_difference?: { leaf_index: number; receipt_id: string | null; message: string };
}

function firstDifference(leaves: readonly LedgerLeaf[], checkpoint: Checkpoint): NonNullable<CheckpointCheck["first_difference"]> {
  const listed = checkpoint.leafHashes;
  if (!listed) {
    return { leaf_index: -1, receipt_id: null, message: `the first ${checkpoint.treeSize} receipts no longer hash to the checkpoint's root (the checkpoint lists no leaf hashes, so the receipt cannot be named)` };
  }
  for (let index = 0; index < listed.length; index++) {
    const leaf = leaves[index];
    if (!leaf) return { leaf_index: index, receipt_id: null, message: `receipt ${index + 1} of the checkpoint is missing: the ledger holds only ${leaves.length} receipt(s)` };
    if (!leaf.hash.equals(listed[index]!)) {
      return { leaf_index: index, receipt_id: leaf.receiptId, message: `receipt ${leaf.receiptId} (number ${index + 1} in commit order) differs from the checkpoint` };
    }
  }
  return { leaf_index: -1, receipt_id: null, message: "the ledger's receipts match the checkpoint's leaf list but not its root" };
}

/** Does the current ledger extend the signed checkpoint? Throws CAT_CHECKPOINT_INVALID when the checkpoint itself is bad. */
export function checkCheckpoint(ledger: Ledger, text: string, verifier: NoteVerifier): CheckpointCheck {
  const checkpoint = openCheckpoint(text, verifier);
  if (checkpoint.leafHashes && !treeRoot(checkpoint.leafHashes).equals(checkpoint.rootHash)) {
    throw new CassetteError("CAT_CHECKPOINT_INVALID", "the checkpoint's leaf hashes do not hash to its root", { hint: "take a new checkpoint" });
  }
  const leaves = ledgerLeaves(ledger);
  const hashes = leaves.map((leaf) => leaf.hash);
  const root = treeRoot(hashes);
  const m = checkpoint.treeSize;
  const n = hashes.length;
  const proof = m >= 1 && m <= n ? consistencyProof(hashes, m, n) : [];
  const ok = m === 0 ? checkpoint.rootHash.equals(EMPTY_ROOT) : m <= n && verifyConsistency(m, n, checkpoint.rootHash, root, proof);
  return {
    ok,
    checkpoint: { tree_size: m, root_hash: checkpoint.rootHash.toString("base64") },
    ledger: { tree_size: n, root_hash: root.toString("base64") },
    consistency_proof: proof.map((hash) => hash.toString("base64")),
    ...(ok ? {} : { first_difference: firstDifference(leaves, checkpoint) }),
  };
}

export interface ReceiptProof {
  receipt_id: string;
  leaf_index: number;
  tree_size: number;
  /** The leaf: the receipt's canonical document, as hashed (sha256 of it is the receipt hash). */
  leaf: string;
  leaf_hash: string;
  /** RFC 6962 audit path, base64 hashes. */
  inclusion_proof: string[];
  /** The signed checkpoint the proof is against. */
  checkpoint: string;
}

/**
 * The inclusion proof of one receipt: against `against` (a checkpoint the ledger must still extend), or against a
 * new checkpoint signed by `signer` (without the leaf list, to keep the proof small).
 */
export function proveReceipt(ledger: Ledger, receiptId: string, against: { signer: NoteSigner } | { text: string; verifier: NoteVerifier }): ReceiptProof {
  const leaves = ledgerLeaves(ledger);
  const index = leaves.findIndex((leaf) => leaf.receiptId === receiptId);
  if (index < 0) {
    throw new CassetteError("CAT_RECEIPT_NOT_FOUND", `no committed receipt ${receiptId}`, { hint: "list a job's receipts with 'catalytic cassette receipts --job-id J'" });
  }
  const hashes = leaves.map((leaf) => leaf.hash);
  let size = hashes.length;
  let text: string;
  if ("signer" in against) {
    text = signNote(checkpointBody(size, treeRoot(hashes)), against.signer);
  } else {
    const checked = checkCheckpoint(ledger, against.text, against.verifier);
    if (!checked.ok) {
      throw new CassetteError("CAT_CHECKPOINT_MISMATCH", `the ledger does not extend the checkpoint: ${checked.first_difference?.message ?? "roots differ"}`, {
        hint: "run 'catalytic cassette verify --checkpoint FILE'",
        details: { first_difference: checked.first_difference },
      });
    }
    size = checked.checkpoint.tree_size;
    if (index >= size) {
      throw new CassetteError("CAT_CHECKPOINT_MISMATCH", `receipt ${receiptId} was committed after the checkpoint (it covers ${size} receipt(s))`, {
        hint: "take a new checkpoint, or prove it without --checkpoint",
      });
    }
    text = against.text;
  }
  return {
    receipt_id: receiptId,
    leaf_index: index,
    tree_size: size,
    leaf: leaves[index]!.document,
    leaf_hash: hashes[index]!.toString("base64"),
    inclusion_proof: inclusionProof(hashes, index, size).map((hash) => hash.toString("base64")),
    checkpoint: text,
  };
}

export type ProofVerification =
  | { ok: true; receipt: Record<string, unknown>; tree_size: number; root_hash: string }
  | { ok: false; problem: string };

/**
 * Checks a receipt proof with nothing but the public key (`vkey`, as `catalytic cassette checkpoint --public-key`
 * prints it): the checkpoint's signature, the leaf's hash, and the audit path to the signed root. No ledger needed.
 */
export function verifyReceiptProof(proof: unknown, vkey: string): ProofVerification {
  const fail = (problem: string): ProofVerification => ({ ok: false, problem });
  const p = proof as Partial<ReceiptProof> | null;
  if (p === null || typeof p !== "object") return fail("the proof is not a JSON object");
  if (typeof p.leaf !== "string" || typeof p.checkpoint !== "string" || typeof p.receipt_id !== "string") return fail("the proof lacks leaf, checkpoint or receipt_id");
  if (!Array.isArray(p.inclusion_proof) || p.inclusion_proof.some((hash) => typeof hash !== "string")) return fail("inclusion_proof is not a list of base64 hashes");
  if (!Number.isSafeInteger(p.leaf_index) || !Number.isSafeInteger(p.tree_size)) return fail("leaf_index and tree_size must be integers");
  let checkpoint: Checkpoint;
  try {
    checkpoint = openCheckpoint(p.checkpoint, parseVerifierKey(vkey));
  } catch (error) {
    return fail((error as Error).message);
  }
  if (checkpoint.treeSize !== p.tree_size) return fail(`the proof is for a tree of ${p.tree_size}, the checkpoint signs ${checkpoint.treeSize}`);
  let receipt: Record<string, unknown>;
  try {
    receipt = JSON.parse(p.leaf) as Record<string, unknown>;
  } catch {
    return fail("the leaf is not JSON");
  }
  if (receipt?.receipt_id !== p.receipt_id) return fail(`the leaf is receipt ${JSON.stringify(receipt?.receipt_id)}, not ${p.receipt_id}`);
  const leaf = leafHash(Buffer.from(p.leaf, "utf8"));
  if (typeof p.leaf_hash === "string" && p.leaf_hash !== leaf.toString("base64")) return fail("leaf_hash is not the hash of the leaf");
  const path = p.inclusion_proof.map((hash) => Buffer.from(hash, "base64"));
  if (!verifyInclusion(p.leaf_index!, checkpoint.treeSize, leaf, path, checkpoint.rootHash)) {
    return fail(`the audit path does not lead from receipt ${p.receipt_id} to the checkpoint's root`);
  }
  return { ok: true, receipt, tree_size: checkpoint.treeSize, root_hash: checkpoint.rootHash.toString("base64") };
}
