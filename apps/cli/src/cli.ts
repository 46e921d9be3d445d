// Dispatcher: global flags, command selection, help, and the one place errors become exit codes.
import { statSync } from "node:fs";
import { parseArgs } from "node:util";
import path from "node:path";
import type { Writable } from "node:stream";
import {
  UsageError,
  WorkspaceError,
  escapeText,
  exitCodeFor,
  findWorkspaceRoot,
  formatErrorLine,
  toCatalyticError,
} from "@catalytic/core";
import type { Command, CommandContext, ParsedArgs } from "./command.js";
import { snakeCaseKeys } from "./json-names.js";
import { createProgress } from "./progress.js";

declare const CATALYTIC_VERSION: string;
export const VERSION = typeof CATALYTIC_VERSION === "string" ? CATALYTIC_VERSION : "0.0.0-dev";

export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  cwd: string;
  interactive: boolean;
}

interface GlobalFlags {
  root?: string;
  json: boolean;
  help: boolean;
  version: boolean;
  rest: string[];
  /** Positions in `rest` right after each `--json` taken out: where a command's `--json <value>` finds its value. */
  jsonAt: number[];
}

function splitGlobalFlags(argv: string[]): GlobalFlags {
  const flags: GlobalFlags = { json: false, help: false, version: false, rest: [], jsonAt: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      flags.rest.push(...argv.slice(i));
      break;
    }
    if (arg === "--json") {
      flags.json = true;
      flags.jsonAt.push(flags.rest.length);
    } else if (arg === "--help" || arg === "-h") flags.help = true;
    else if (arg === "--version" || arg === "-V") flags.version = true;
    else if (arg === "--root") {
      const value = argv[++i];
      if (value === undefined) throw new UsageError("CAT_MISSING_ARGUMENT", "--root needs a directory", { hint: "pass --root <dir>" });
      flags.root = value;
    } else if (arg.startsWith("--root=")) flags.root = arg.slice("--root=".length);
    else flags.rest.push(arg);
  }
  return flags;
}

/**
 * For a command with `jsonValueOption`: `--json <value>` and `--json=<value>` after the command words become
 * `--<option> <value>` (JSON output stays on); a `--json` followed by another flag or nothing stays the output flag.
 */
function bindJsonValue(flags: GlobalFlags, consumed: number, option: string): string[] {
  const bound = new Set(flags.jsonAt.filter((at) => at >= consumed && flags.rest[at] !== undefined && !flags.rest[at]!.startsWith("-")));
  const rest: string[] = [];
  flags.rest.forEach((arg, i) => {
    if (bound.has(i)) rest.push(`--${option}`, arg);
    else if (i >= consumed && arg.startsWith("--json=")) {
      flags.json = true;
      rest.push(`--${option}`, arg.slice("--json=".length));
    } else rest.push(arg);
  });
  return rest;
}

/** `--root` names a workspace that exists: a typo must not create `<typo>/.catalytic` and report success. */
function existingRoot(root: string): string {
  const stat = statSync(root, { throwIfNoEntry: false });
  if (!stat?.isDirectory()) {
    throw new WorkspaceError("CAT_WORKSPACE_NOT_FOUND", `--root ${root} ${stat ? "is not a folder" : "does not exist"}`, {
      hint: "pass the folder of an existing workspace (or create it first)",
      details: { root },
    });
  }
  return root;
}

function selectCommand(commands: readonly Command[], words: string[]): { command: Command; consumed: number } | undefined {
  let best: { command: Command; consumed: number } | undefined;
  for (const command of commands) {
    const parts = command.name.split(" ");
    if (parts.length > words.length) continue;
    if (parts.every((part, i) => words[i] === part) && (!best || parts.length > best.consumed)) {
      best = { command, consumed: parts.length };
    }
  }
  return best;
}

/** An "integer" option's text as a number within its bounds, else a usage error naming them. */
function integerValue(command: Command, name: string, spec: { min: number; max: number }, raw: unknown): number {
  const text = String(raw);
  const value = Number(text);
  if (typeof raw !== "string" || !/^-?\d+$/.test(text) || value < spec.min || value > spec.max) {
    throw new UsageError("CAT_USAGE", `${name.length === 1 ? "-" : "--"}${name} must be an integer from ${spec.min} to ${spec.max}, got ${JSON.stringify(raw)}`, {
      hint: `see 'catalytic ${command.name} --help'`,
      details: { option: name, value: raw, min: spec.min, max: spec.max },
    });
  }
  return value;
}

function parseCommandArgs(command: Command, argv: string[]): ParsedArgs {
  const options: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> = {};
  for (const [name, spec] of Object.entries(command.options ?? {})) {
    const type = spec.type === "integer" ? "string" : spec.type;
    options[name] = { type, ...(spec.short ? { short: spec.short } : {}), ...(spec.multiple ? { multiple: true } : {}) };
  }
  try {
    const parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    const max = command.positionals?.length ?? 0;
    if (parsed.positionals.length > max) {
      throw new UsageError("CAT_USAGE", `unexpected argument ${JSON.stringify(parsed.positionals[max])} for '${command.name}'`, {
        hint: `see 'catalytic ${command.name} --help'`,
      });
    }
    for (const [i, spec] of (command.positionals ?? []).entries()) {
      if (spec.required && parsed.positionals[i] === undefined) {
        throw new UsageError("CAT_MISSING_ARGUMENT", `<${spec.name}> is required for '${command.name}'`, {
          hint: `see 'catalytic ${command.name} --help'`,
        });
      }
    }
    const values = parsed.values as ParsedArgs["options"];
    for (const [name, spec] of Object.entries(command.options ?? {})) {
      if (spec.type === "integer" && values[name] !== undefined) values[name] = integerValue(command, name, spec, values[name]);
    }
    return { positionals: parsed.positionals, options: values };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as { code?: string }).code;
    const message = (error as Error).message;
    throw new UsageError(code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" ? "CAT_UNKNOWN_FLAG" : "CAT_USAGE", message, {
      hint: `see 'catalytic ${command.name} --help'`,
    });
  }
}

export function commandHelp(command: Command): string {
  const positionals = (command.positionals ?? []).map((p) => (p.required ? `<${p.name}>` : `[${p.name}]`)).join(" ");
  const lines = [`Usage: catalytic ${command.name}${positionals ? ` ${positionals}` : ""} [options]`, "", command.summary];
  if (command.positionals?.length) {
    lines.push("", "Arguments:");
    for (const p of command.positionals) lines.push(`  ${p.name.padEnd(22)} ${p.description}`);
  }
  lines.push("", "Options:");
  for (const [name, spec] of Object.entries(command.options ?? {})) {
    const flag = `${spec.short ? `-${spec.short}, ` : ""}--${name}${spec.type === "string" ? " <value>" : spec.type === "integer" ? " <n>" : ""}`;
    const notes = [spec.type === "integer" ? `${spec.min}..${spec.max}` : undefined, spec.defaultText ? `default: ${spec.defaultText}` : undefined].filter(Boolean);
    lines.push(`  ${flag.padEnd(22)} ${spec.description}${notes.length ? ` (${notes.join(", ")})` : ""}`);
  }
  if (command.jsonValueOption) lines.push(`  ${"--json <value>".padEnd(22)} same as --${command.jsonValueOption} <value>, with JSON output`);
  lines.push(...globalOptionLines());
  if (command.details) lines.push("", command.details.trimEnd());
  return lines.join("\n");
}

function globalOptionLines(): string[] {
  return [
    `  ${"--root <dir>".padEnd(22)} workspace root (default: nearest folder with catalytic.json or .git)`,
    `  ${"--json".padEnd(22)} machine output: one JSON object on stdout`,
    `  ${"-h, --help".padEnd(22)} show help`,
  ];
}

export function mainHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    "Usage: catalytic <command> [options]",
    "",
    "Compact Markdown with @SYMBOL references, bounded expansion and tamper-evident receipts.",
    "",
    "Commands:",
    ...[...commands].sort((a, b) => a.name.localeCompare(b.name)).map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    "",
    "Global options:",
    ...globalOptionLines(),
    `  ${"-V, --version".padEnd(22)} print the version`,
    "",
    "Exit codes: 0 ok, 1 failure, 2 usage or invariant error.",
    "Run 'catalytic <command> --help' for a command's options.",
  ].join("\n");
}

/** Runs the CLI and returns its exit code; never throws. */
export async function runCli(argv: string[], commands: readonly Command[], io: CliIo): Promise<number> {
  let json = argv.includes("--json");
  const writeLine = (stream: Writable, line: string): void => void stream.write(line.endsWith("\n") ? line : `${line}\n`);
  try {
    const flags = splitGlobalFlags(argv);
    json = flags.json;
    if (flags.version) {
      if (json) writeLine(io.stdout, JSON.stringify({ version: VERSION }));
      else writeLine(io.stdout, VERSION);
      return 0;
    }
    const words = flags.rest.filter((a) => !a.startsWith("-"));
    const firstFlag = flags.rest.findIndex((a) => a.startsWith("-"));
    const leading = firstFlag === -1 ? words : flags.rest.slice(0, firstFlag);
    const selected = selectCommand(commands, leading);
    if (!selected) {
      if (flags.rest.length === 0 || (flags.help && leading.length === 0)) {
        writeLine(flags.help ? io.stdout : io.stderr, mainHelp(commands));
        return flags.help ? 0 : 2;
      }
      const group = commands.filter((c) => leading.length > 0 && c.name.startsWith(`${leading.join(" ")} `));
      if (group.length > 0 && flags.help) {
        writeLine(io.stdout, mainHelp(group));
        return 0;
      }
      throw new UsageError("CAT_UNKNOWN_COMMAND", `unknown command '${leading.join(" ") || flags.rest[0]}'`, {
        hint: group.length > 0 ? `try one of: ${group.map((c) => c.name).join(", ")}` : "run 'catalytic --help' for the list of commands",
      });
    }
    const { command, consumed } = selected;
    if (flags.help) {
      writeLine(io.stdout, commandHelp(command));
      return 0;
    }
    const rest = command.jsonValueOption ? bindJsonValue(flags, consumed, command.jsonValueOption) : flags.rest;
    json = flags.json;
    const args = parseCommandArgs(command, rest.slice(consumed));
    const root = flags.root ? existingRoot(path.resolve(io.cwd, flags.root)) : findWorkspaceRoot(io.cwd);
    let emitted = false;
    const ctx: CommandContext = {
      root,
      json,
      stdout: io.stdout,
      stderr: io.stderr,
      interactive: io.interactive && !json,
      print: (line) => {
        if (!json) writeLine(io.stdout, line);
      },
      note: (line) => writeLine(io.stderr, line),
      emitJson: (value) => {
        if (!json) return;
        if (emitted) throw new Error(`command '${command.name}' emitted JSON twice`);
        emitted = true;
        writeLine(io.stdout, JSON.stringify(snakeCaseKeys(value)));
      },
      emitJsonLine: (value) => {
        if (json) writeLine(io.stdout, JSON.stringify(snakeCaseKeys(value)));
      },
      progress: (label, total) => createProgress(io.stderr, io.interactive && !json, label, total),
    };
    const code = (await command.run(ctx, args)) ?? 0;
    return code;
  } catch (raw) {
    const error = toCatalyticError(raw);
    if (json) writeLine(io.stdout, JSON.stringify(snakeCaseKeys({ ok: false, error: error.toJSON() })));
    // Messages quote ids, paths and names from plans: escaped, one line, whatever they contain.
    else writeLine(io.stderr, escapeText(formatErrorLine(error)));
    if (process.env.CATALYTIC_DEBUG && raw instanceof Error && raw.stack) writeLine(io.stderr, raw.stack);
    return exitCodeFor(error);
  }
}
