import { randomBytes } from "node:crypto";

/** A fresh nonce per rendered page: the CSP only runs scripts and styles that carry it. */
export function createNonce(): string {
  return randomBytes(18).toString("base64");
}
