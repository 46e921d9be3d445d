// RFC 6962 hashing, proofs and verifiers against the published vectors in test/vectors (see its README).
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { consistencyProof, inclusionProof, leafHash, treeRoot, verifyConsistency, verifyInclusion } from "../src/merkle.js";

const VECTORS = path.join(path.dirname(fileURLToPath(import.meta.url)), "vectors");
const tree = JSON.parse(readFileSync(path.join(VECTORS, "tree.json"), "utf8")) as { leaf_inputs_hex: string[]; root_hashes_hex_by_size: string[] };
const leaves = tree.leaf_inputs_hex.map((hex) => leafHash(Buffer.from(hex, "hex")));
const b64 = (value: string | null | undefined): Buffer => Buffer.from(value ?? "", "base64");

function cases<T>(kind: string): Array<[string, T]> {
  const out: Array<[string, T]> = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const file = path.join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else if (name.endsWith(".json")) out.push([path.relative(VECTORS, file), JSON.parse(readFileSync(file, "utf8")) as T]);
    }
  };
  walk(path.join(VECTORS, kind));
  return out;
}

interface InclusionCase {
  leafIdx: number;
  treeSize: number;
  root: string | null;
  leafHash: string | null;
  proof: string[] | null;
  wantErr: boolean;
}

interface ConsistencyCase {
  size1: number;
  size2: number;
  root1: string | null;
  root2: string | null;
  proof: string[] | null;
  wantErr: boolean;
}

describe("RFC 6962 tree hashing", () => {
  test("the root of the first n standard leaves, n = 0..8, is the published root", () => {
    tree.root_hashes_hex_by_size.forEach((hex, size) => expect(treeRoot(leaves, size).toString("hex"), `size ${size}`).toBe(hex));
  });
});

describe("inclusion proofs", () => {
  const all = cases<InclusionCase>("inclusion");
  test("the vectors are all there", () => expect(all.length).toBeGreaterThan(80));
  test.each(all)("%s", (_name, c) => {
    const ok = verifyInclusion(c.leafIdx, c.treeSize, b64(c.leafHash), (c.proof ?? []).map(b64), b64(c.root));
    expect(ok).toBe(!c.wantErr);
  });
  test("every proof made over the standard leaves is the published happy path", () => {
    const happy = all.filter(([name]) => /^inclusion\/\d\/happy-path\.json$/.test(name));
    expect(happy.length).toBe(5);
    for (const [name, c] of happy) {
      // The published leafIdx is 0-based in these files.
      expect(inclusionProof(leaves, c.leafIdx, c.treeSize).map((hash) => hash.toString("base64")), name).toEqual(c.proof ?? []);
    }
  });
});

describe("consistency proofs", () => {
  const all = cases<ConsistencyCase>("consistency");
  test("the vectors are all there", () => expect(all.length).toBeGreaterThan(80));
  test.each(all)("%s", (_name, c) => {
    const ok = verifyConsistency(c.size1, c.size2, b64(c.root1), b64(c.root2), (c.proof ?? []).map(b64));
    expect(ok).toBe(!c.wantErr);
  });
  test("every proof made over the standard leaves is the published happy path", () => {
    const happy = all.filter(([name]) => /^consistency\/\d\/happy-path\.json$/.test(name));
    expect(happy.length).toBe(5);
    for (const [name, c] of happy) {
      expect(consistencyProof(leaves, c.size1, c.size2).map((hash) => hash.toString("base64")), name).toEqual(c.proof ?? []);
    }
  });
  test("proofs between every pair of sizes up to 8 verify; a changed leaf breaks them", () => {
    for (let n = 1; n <= 8; n++) {
      expect(verifyConsistency(0, n, treeRoot(leaves, 0), treeRoot(leaves, n), []), "the empty tree proves nothing").toBe(false);
      for (let m = 1; m <= n; m++) {
        expect(verifyConsistency(m, n, treeRoot(leaves, m), treeRoot(leaves, n), consistencyProof(leaves, m, n)), `${m}->${n}`).toBe(true);
      }
      for (let i = 0; i < n; i++) expect(verifyInclusion(i, n, leaves[i]!, inclusionProof(leaves, i, n), treeRoot(leaves, n)), `${i} in ${n}`).toBe(true);
    }
    const changed = [...leaves];
    changed[2] = leafHash(Buffer.from("forged"));
    expect(verifyConsistency(4, 8, treeRoot(leaves, 4), treeRoot(changed, 8), consistencyProof(changed, 4, 8))).toBe(false);
  });
});
