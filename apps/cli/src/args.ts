// Argument helpers shared by commands: typed access that fails with usage errors.
import { UsageError, assertId } from "@catalytic/core";
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

export function intOption(args: ParsedArgs, name: string, fallback: number, min = 0): number {
  const raw = stringOption(args, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min) {
    throw new UsageError("CAT_USAGE", `--${name} must be an integer >= ${min}, got ${JSON.stringify(raw)}`, {
      hint: `pass --${name} ${Math.max(min, fallback)}`,
    });
  }
  return Number(raw);
}

export function requiredPositional(args: ParsedArgs, index: number, name: string): string {
  const value = args.positionals[index];
  if (value === undefined) throw new UsageError("CAT_MISSING_ARGUMENT", `<${name}> is required`, { hint: "see --help" });
  return value;
}
