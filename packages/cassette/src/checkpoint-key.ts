// The checkpoint signing key: one Ed25519 key per user, created on first use OUTSIDE the workspace's .catalytic/
// (whoever can rewrite the ledger can write there), readable by its owner only (docs/cassette.md#checkpoints).
import { generateKeyPairSync } from "node:crypto";
import { chmodSync, linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CassetteError, STATE_DIR } from "@catalytic/core";
import { signerFromPem, type NoteSigner } from "./note.js";

export const CHECKPOINT_KEY_FILE = "checkpoint-ed25519.pem";

/** `$XDG_CONFIG_HOME/catalytic/checkpoint-ed25519.pem`, else `~/.config/catalytic/checkpoint-ed25519.pem`. */
export function defaultCheckpointKeyPath(env: NodeJS.ProcessEnv = process.env): string {
  const configHome = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(os.homedir(), ".config");
  return path.join(configHome, "catalytic", CHECKPOINT_KEY_FILE);
}

function keyError(message: string, hint: string, cause?: unknown): CassetteError {
  return new CassetteError("CAT_KEY_INVALID", message, { hint, ...(cause === undefined ? {} : { cause }) });
}

/** Refuses a key path inside the workspace's state folder: the key must not live where the ledger does. */
export function requireKeyOutsideState(keyPath: string, root: string): string {
  const absolute = path.resolve(keyPath);
  const state = path.resolve(root, STATE_DIR);
  if (absolute === state || absolute.startsWith(`${state}${path.sep}`)) {
    throw keyError(`the checkpoint key ${absolute} is inside ${state}`, "keep the key outside .catalytic/ (the default is in your config directory): anyone who can rewrite the ledger can write there");
  }
  return absolute;
}

function readKey(keyPath: string): NoteSigner {
  if (process.platform !== "win32") {
    const mode = statSync(keyPath).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw keyError(`the checkpoint key ${keyPath} is readable or writable by others (mode ${mode.toString(8)})`, `restrict it: chmod 600 ${keyPath}`);
    }
  }
  return signerFromPem(readFileSync(keyPath, "utf8"), keyPath);
}

/**
 * Loads the key at `keyPath`; with `create`, makes it first when the file does not exist (mode 0600, folder 0700,
 * exclusive create: two processes racing both end up with the one key written).
 */
export function loadCheckpointKey(keyPath: string, create: boolean): { signer: NoteSigner; created: boolean } {
  try {
    return { signer: readKey(keyPath), created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
      if ((error as { code?: unknown }).code === "CAT_KEY_INVALID") throw error;
      throw keyError(`cannot read the checkpoint key ${keyPath}: ${(error as Error).message}`, "check the path and its permissions", error);
    }
    if (!create) {
      throw new CassetteError("CAT_FILE_NOT_FOUND", `no checkpoint key at ${keyPath}`, {
        hint: "take a checkpoint first ('catalytic cassette checkpoint' creates the key), pass --key FILE, or verify with --public-key KEY",
      });
    }
  }
  const { privateKey } = generateKeyPairSync("ed25519");
  const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  // Written whole under a temporary name, then linked into place: link never replaces a file, so of two racing
  // processes one key wins and both use it, and nobody reads a half-written key.
  const temp = `${keyPath}.${process.pid}.tmp`;
  try {
    mkdirSync(path.dirname(keyPath), { recursive: true, mode: 0o700 });
    writeFileSync(temp, pem, { flag: "wx", mode: 0o600 });
    chmodSync(temp, 0o600);
    linkSync(temp, keyPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return { signer: readKey(keyPath), created: false };
    throw keyError(`cannot create the checkpoint key ${keyPath}: ${(error as Error).message}`, "check that the folder is writable, or pass --key FILE", error);
  } finally {
    rmSync(temp, { force: true });
  }
  return { signer: readKey(keyPath), created: true };
}
