// Argument helpers shared by commands: typed access that fails with usage errors.
import { MAX_LEASE_TTL_SECONDS, UsageError, assertId } from "@catalytic/core";
import type { ParsedArgs } from "./command.js";

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.options[name];
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw new UsageError("CAT_USAGE", `--${name} needs a value`, { hint: `pass --${name} <value>` });
  return value;
}

export function requiredOption(args: ParsedArgs, name: string): string {
  const value = stringOption(args, name);
  if (value === undefined || value === "") {
    throw new UsageError("CAT_MISSING_ARGUMENT", `--${name} is required`, { hint: `pass --${name} <value>` });
  }
  return value;
}

/** A required id flag (--run-id, --request-id, --job-id): printable grammar or CAT_ID_INVALID. */
export function idOption(args: ParsedArgs, name: string): string {
  return assertId(requiredOption(args, name), `--${name}`);
}

export function booleanOption(args: ParsedArgs, name: string): boolean {
  return args.options[name] === true;
}

/**
 * Upper bound of the lease flags (--ttl): the cassette's lease limit, 7 days, as for lease_ttl_seconds in
 * catalytic.json. The worker count's bound is MAX_WORKERS of @catalytic/ants.
 */
export const MAX_TTL_SECONDS = MAX_LEASE_TTL_SECONDS;

/** An "integer" option (bounds already checked by the dispatcher), or the fallback when absent. */
export function intOption(args: ParsedArgs, name: string, fallback: number): number {
  return optionalIntOption(args, name) ?? fallback;
}

export function optionalIntOption(args: ParsedArgs, name: string): number | undefined {
  const value = args.options[name];
  if (value === undefined) return undefined;
  if (typeof value !== "number") throw new Error(`--${name} is not declared as an integer option`);
  return value;
}

export function requiredPositional(args: ParsedArgs, index: number, name: string): string {
  const value = args.positionals[index];
  if (value === undefined) throw new UsageError("CAT_MISSING_ARGUMENT", `<${name}> is required`, { hint: "see --help" });
  return value;
}
