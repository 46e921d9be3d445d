// The shape every CLI command file exports, and the context it runs with.
import type { Writable } from "node:stream";

export type OptionType = "string" | "boolean" | "integer";

interface OptionCommon {
  short?: string;
  multiple?: boolean;
  description: string;
  /** Shown in help; parsing does not apply it (commands decide). */
  defaultText?: string;
}

/**
 * "integer" options carry their inclusive bounds: the dispatcher checks them while parsing (a usage error
 * outside them) and hands the command a number, so no command ever sees an absurd value.
 */
export type OptionSpec = OptionCommon & ({ type: "string" | "boolean" } | { type: "integer"; min: number; max: number });

export interface PositionalSpec {
  name: string;
  required: boolean;
  description: string;
}

export interface CommandContext {
  /** Workspace root (absolute): `--root`, else the nearest folder with catalytic.json or .git. */
  root: string;
  /** `--json`: print exactly one JSON object on stdout through `emitJson`. */
  json: boolean;
  stdout: Writable;
  stderr: Writable;
  /** True when stderr is an interactive terminal (progress bars allowed). */
  interactive: boolean;
  /** Prints a line of human output on stdout (suppressed by --json). */
  print(line: string): void;
  /** Prints a line on stderr (metadata, warnings, progress). */
  note(line: string): void;
  /** With --json: the one object printed on stdout. */
  emitJson(value: unknown): void;
  /** With --json, for commands that report as they go (`watch`): one object per line, as many as needed. */
  emitJsonLine(value: unknown): void;
  /** A progress bar on a TTY, a no-op otherwise. */
  progress(label: string, total: number): Progress;
}

export interface Progress {
  tick(done: number, detail?: string): void;
  finish(): void;
}

export interface ParsedArgs {
  positionals: string[];
  options: Record<string, string | boolean | number | string[] | undefined>;
}

export interface Command {
  /** Words that select the command, e.g. "cassette verify". */
  name: string;
  summary: string;
  positionals?: PositionalSpec[];
  options?: Record<string, OptionSpec>;
  /**
   * The option that `--json <value>` fills (e.g. "file" for `cassette post --json FILE`); `--json` then also selects
   * JSON output. A bare `--json` (last, or before another flag) stays the output flag.
   */
  jsonValueOption?: string;
  /** Extra help text: examples, behaviour. */
  details?: string;
  /** Returns the exit code (default 0). Throw CatalyticError for failures. */
  run(ctx: CommandContext, args: ParsedArgs): Promise<number | void> | number | void;
}
