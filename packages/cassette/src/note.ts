// Signed checkpoints in the C2SP formats (docs/cassette.md#checkpoints): a tlog-checkpoint body (origin, tree size,
// base64 root hash, extension lines) signed as a C2SP signed note with Ed25519 (node:crypto).
// Verification needs only the verifier key string ("vkey"): nothing here reads the ledger.
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { CassetteError } from "@catalytic/core";

/** The origin line of every Catalytic cassette checkpoint. */
export const CHECKPOINT_ORIGIN = "catalytic/cassette";
/** The key name in signature lines and verifier keys. */
export const CHECKPOINT_KEY_NAME = "catalytic-cassette";

const ED25519 = 0x01;
const DASH = "\u2014 ";

export interface NoteVerifier {
  name: string;
  keyId: Buffer;
  publicKey: Buffer;
  /** `<name>+<key id hex>+<base64(0x01 || public key)>`: the public key as printed and passed around. */
  vkey: string;
}

export interface NoteSigner extends NoteVerifier {
  privateKey: KeyObject;
}

export interface Checkpoint {
  origin: string;
  treeSize: number;
  rootHash: Buffer;
  /** Extension lines: the leaf hashes of the tree, in order, when the checkpoint carries them (base64 each). */
  leafHashes: Buffer[] | undefined;
}

function invalid(message: string, hint = "pass a checkpoint written by 'catalytic cassette checkpoint'"): CassetteError {
  return new CassetteError("CAT_CHECKPOINT_INVALID", message, { hint });
}

function keyInvalid(message: string, hint: string): CassetteError {
  return new CassetteError("CAT_KEY_INVALID", message, { hint });
}

function keyIdOf(name: string, publicKey: Buffer): Buffer {
  return createHash("sha256").update(Buffer.concat([Buffer.from(`${name}\n`), Buffer.from([ED25519]), publicKey])).digest().subarray(0, 4);
}

function verifierOf(name: string, publicKey: Buffer): NoteVerifier {
  const keyId = keyIdOf(name, publicKey);
  return { name, keyId, publicKey, vkey: `${name}+${keyId.toString("hex")}+${Buffer.concat([Buffer.from([ED25519]), publicKey]).toString("base64")}` };
}

function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: "jwk" });
  if (jwk.crv !== "Ed25519" || typeof jwk.x !== "string") throw keyInvalid("the checkpoint key is not an Ed25519 key", "use a key created by 'catalytic cassette checkpoint'");
  return Buffer.from(jwk.x, "base64url");
}

/** A signer from a PKCS#8 PEM Ed25519 private key (the key file's content). */
export function signerFromPem(pem: string, source: string): NoteSigner {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (error) {
    throw keyInvalid(`${source} is not a PEM private key: ${(error as Error).message}`, "point --key (or checkpoint_key) at the key file 'catalytic cassette checkpoint' created");
  }
  if (privateKey.asymmetricKeyType !== "ed25519") throw keyInvalid(`${source} holds a ${privateKey.asymmetricKeyType} key, not Ed25519`, "use an Ed25519 key");
  return { ...verifierOf(CHECKPOINT_KEY_NAME, rawPublicKey(createPublicKey(privateKey))), privateKey };
}

/** Parses a verifier key string (what `catalytic cassette checkpoint --public-key` prints). */
export function parseVerifierKey(vkey: string): NoteVerifier {
  // name+keyid+key, where the base64 key may itself contain '+'.
  const parts = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+={0,2})$/.exec(vkey.trim());
  const bad = (why: string) => keyInvalid(`not a checkpoint verifier key (${why}): ${JSON.stringify(vkey.slice(0, 120))}`, "pass the line 'catalytic cassette checkpoint --public-key' prints");
  if (!parts) throw bad("expected name+keyid+key");
  const key = Buffer.from(parts[3]!, "base64");
  if (key.length !== 33 || key[0] !== ED25519) throw bad("expected an Ed25519 key");
  const verifier = verifierOf(parts[1]!, key.subarray(1));
  if (verifier.keyId.toString("hex") !== parts[2]) throw bad("the key id does not match the key");
  return verifier;
}

/** The checkpoint body: origin, tree size, base64 root, then one line per leaf hash when given. */
export function checkpointBody(treeSize: number, rootHash: Buffer, leafHashes?: readonly Buffer[]): string {
  const lines = [CHECKPOINT_ORIGIN, String(treeSize), rootHash.toString("base64"), ...(leafHashes ?? []).map((hash) => hash.toString("base64"))];
  return `${lines.join("\n")}\n`;
}

/** Signs a note body: the body, a blank line, and one signature line. Ed25519 is deterministic: same body, same bytes. */
export function signNote(body: string, signer: NoteSigner): string {
  const signature = sign(null, Buffer.from(body, "utf8"), signer.privateKey);
  return `${body}\n${DASH}${signer.name} ${Buffer.concat([signer.keyId, signature]).toString("base64")}\n`;
}

function publicKeyObject(raw: Buffer): KeyObject {
  return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: raw.toString("base64url") }, format: "jwk" });
}

const BASE64_HASH = /^[A-Za-z0-9+/]{43}=$/;

/** Parses a signed checkpoint and checks its signature by `verifier`; CAT_CHECKPOINT_INVALID on any flaw. */
export function openCheckpoint(text: string, verifier: NoteVerifier): Checkpoint {
  const split = text.indexOf("\n\n");
  if (split < 0 || !text.endsWith("\n")) throw invalid("the checkpoint is not a signed note (no blank line before the signatures, or no final newline)");
  const body = text.slice(0, split + 1);
  const signatures = text.slice(split + 2, -1).split("\n");
  let verified = false;
  for (const line of signatures) {
    if (!line.startsWith(DASH)) throw invalid("a signature line does not start with an em dash and a space");
    const [name, encoded, extra] = line.slice(DASH.length).split(" ");
    if (!name || !encoded || extra !== undefined) throw invalid("a signature line is not '\u2014 <name> <base64>'");
    const raw = Buffer.from(encoded, "base64");
    if (name !== verifier.name || raw.length !== 68 || !raw.subarray(0, 4).equals(verifier.keyId)) continue;
    if (verify(null, Buffer.from(body, "utf8"), publicKeyObject(verifier.publicKey), raw.subarray(4))) verified = true;
  }
  if (!verified) {
    throw invalid(`the checkpoint carries no valid signature by ${verifier.vkey}`, "check it with the public key of the key that signed it (--public-key), or take a new checkpoint");
  }
  const lines = body.slice(0, -1).split("\n");
  const [origin, size, root, ...extensions] = lines;
  if (origin !== CHECKPOINT_ORIGIN) throw invalid(`the checkpoint's origin is ${JSON.stringify(origin)}, not ${CHECKPOINT_ORIGIN}`);
  if (!size || !/^(0|[1-9]\d*)$/.test(size) || !Number.isSafeInteger(Number(size))) throw invalid("the checkpoint's tree size is not a decimal number");
  if (!root || !BASE64_HASH.test(root)) throw invalid("the checkpoint's root hash is not a base64 SHA-256 hash");
  if (extensions.some((line) => !BASE64_HASH.test(line))) throw invalid("an extension line of the checkpoint is not a base64 leaf hash");
  if (extensions.length > 0 && extensions.length !== Number(size)) throw invalid(`the checkpoint lists ${extensions.length} leaf hashes for a tree of ${size}`);
  return {
    origin,
    treeSize: Number(size),
    rootHash: Buffer.from(root, "base64"),
    leafHashes: extensions.length > 0 ? extensions.map((line) => Buffer.from(line, "base64")) : undefined,
  };
}
