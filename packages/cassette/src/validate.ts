// Small input checks shared by the API entry points.
import { CassetteError, OUTCOMES, type ErrorCode, type Outcome } from "@catalytic/core";

export function requireNonEmpty(value: unknown, name: string, code: ErrorCode = "CAT_SCHEMA_INVALID"): string {
  if (typeof value !== "string" || value.length === 0) {
    throw new CassetteError(code, `${name} must be a non-empty string, got ${JSON.stringify(value)}`, { hint: `pass ${name}` });
  }
  return value;
}

export function requireTtlMs(ttlSeconds: unknown): number {
  if (typeof ttlSeconds !== "number" || !Number.isFinite(ttlSeconds) || ttlSeconds <= 0 || ttlSeconds > 7 * 24 * 3600) {
    throw new CassetteError("CAT_SCHEMA_INVALID", `ttlSeconds must be a number in (0, 604800], got ${JSON.stringify(ttlSeconds)}`, {
      hint: "pass a lease length in seconds, e.g. 300",
    });
  }
  return Math.max(1, Math.round(ttlSeconds * 1000));
}

export function requireToken(token: unknown): number {
  if (typeof token !== "number" || !Number.isSafeInteger(token) || token < 1) {
    throw new CassetteError("CAT_SCHEMA_INVALID", `fencingToken must be a positive integer, got ${JSON.stringify(token)}`, {
      hint: "pass the fencing token returned by the claim",
    });
  }
  return token;
}

export function requireOutcome(outcome: unknown): Outcome {
  if (!OUTCOMES.includes(outcome as Outcome)) {
    throw new CassetteError("CAT_OUTCOME_INVALID", `outcome must be one of ${OUTCOMES.join(", ")}, got ${JSON.stringify(outcome)}`, {
      hint: "pass SUCCESS, FAILURE or ABORTED",
    });
  }
  return outcome as Outcome;
}

export function requireCount(value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new CassetteError("CAT_SCHEMA_INVALID", `${name} must be a non-negative integer, got ${JSON.stringify(value)}`, {
      hint: `pass ${name} as a whole number`,
    });
  }
  return value;
}
