// catalytic.symbols.json: the explicit symbol registry. Written sorted, 2-space indented, with a
// trailing newline, so the same registry is always the same bytes (diff-friendly, hash-stable).
import { readFileSync } from "node:fs";
import path from "node:path";
import { InputError, SYMBOLS_FILE, SymbolError, isSymbolId, parseJson } from "@catalytic/core";
import { writeFileAtomic } from "./atomic-write.js";

export type TargetType = "FILE" | "HEADING" | "SECTION";

export interface RegistryEntry {
  symbolId: string;
  targetType: TargetType;
  /** FILE: file path; HEADING: `file#Heading > Sub`; SECTION: a section id. */
  targetRef: string;
  defaultSlice?: string;
  /** 0-based line of the entry's key in catalytic.symbols.json (for diagnostics). */
  line: number;
}

export interface RegistryProblem {
  code: "CAT_JSON_MALFORMED" | "CAT_SCHEMA_INVALID" | "CAT_SYMBOL_INVALID";
  message: string;
  line: number;
  symbolId?: string;
}

export interface ParsedRegistry {
  entries: RegistryEntry[];
  problems: RegistryProblem[];
}

const TARGET_TYPES: readonly string[] = ["FILE", "HEADING", "SECTION"];

function keyLine(text: string, symbolId: string): number {
  const offset = text.indexOf(`${JSON.stringify(symbolId)}:`);
  if (offset === -1) return 0;
  let line = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

/** Parses registry text; every malformed entry becomes a problem with its line, never an exception. */
export function parseRegistry(text: string): ParsedRegistry {
  const problems: RegistryProblem[] = [];
  let raw: unknown;
  try {
    raw = parseJson(text, SYMBOLS_FILE);
  } catch (error) {
    return { entries: [], problems: [{ code: "CAT_JSON_MALFORMED", message: (error as Error).message, line: 0 }] };
  }
  const symbols = (raw as { symbols?: unknown } | null)?.symbols;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw) || typeof symbols !== "object" || symbols === null || Array.isArray(symbols)) {
    return { entries: [], problems: [{ code: "CAT_SCHEMA_INVALID", message: `${SYMBOLS_FILE} must be {"symbols": {"@NS/NAME": {...}}}`, line: 0 }] };
  }
  const entries: RegistryEntry[] = [];
  for (const [symbolId, value] of Object.entries(symbols as Record<string, unknown>)) {
    const line = keyLine(text, symbolId);
    if (!isSymbolId(symbolId)) {
      problems.push({ code: "CAT_SYMBOL_INVALID", message: `${JSON.stringify(symbolId)} is not a symbol id (expected @NS/NAME)`, line, symbolId });
      continue;
    }
    const entry = value as { target_type?: unknown; target_ref?: unknown; default_slice?: unknown } | null;
    const unknownKeys = entry && typeof entry === "object" ? Object.keys(entry).filter((k) => !["target_type", "target_ref", "default_slice"].includes(k)) : [];
    if (
      !entry ||
      typeof entry !== "object" ||
      typeof entry.target_type !== "string" ||
      !TARGET_TYPES.includes(entry.target_type) ||
      typeof entry.target_ref !== "string" ||
      entry.target_ref.length === 0 ||
      (entry.default_slice !== undefined && typeof entry.default_slice !== "string") ||
      unknownKeys.length > 0
    ) {
      problems.push({
        code: "CAT_SCHEMA_INVALID",
        message: `${symbolId}: expected {"target_type": "FILE"|"HEADING"|"SECTION", "target_ref": "...", "default_slice"?: "..."}`,
        line,
        symbolId,
      });
      continue;
    }
    entries.push({
      symbolId,
      targetType: entry.target_type as TargetType,
      targetRef: entry.target_ref,
      ...(typeof entry.default_slice === "string" ? { defaultSlice: entry.default_slice } : {}),
      line,
    });
  }
  return { entries, problems };
}

/** Reads `<root>/catalytic.symbols.json`; an absent file is an empty registry. */
export function readRegistry(root: string): ParsedRegistry & { exists: boolean } {
  let text: string;
  try {
    text = readFileSync(path.join(root, SYMBOLS_FILE), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { entries: [], problems: [], exists: false };
    throw new InputError("CAT_FILE_UNREADABLE", `cannot read ${SYMBOLS_FILE}: ${(error as Error).message}`, { hint: "check the file's permissions" });
  }
  return { ...parseRegistry(text), exists: true };
}

/** The canonical text of a registry: ids sorted, keys in a fixed order, 2 spaces, final newline. */
export function formatRegistry(entries: readonly Omit<RegistryEntry, "line">[]): string {
  const sorted = [...entries].sort((a, b) => (a.symbolId < b.symbolId ? -1 : a.symbolId > b.symbolId ? 1 : 0));
  const symbols: Record<string, Record<string, string>> = {};
  for (const entry of sorted) {
    symbols[entry.symbolId] = {
      target_type: entry.targetType,
      target_ref: entry.targetRef,
      ...(entry.defaultSlice !== undefined ? { default_slice: entry.defaultSlice } : {}),
    };
  }
  return `${JSON.stringify({ symbols }, null, 2)}\n`;
}

/** Atomically replaces the registry file (temp file + rename). */
export function writeRegistry(root: string, entries: readonly Omit<RegistryEntry, "line">[]): void {
  writeFileAtomic(path.join(root, SYMBOLS_FILE), formatRegistry(entries), `make ${SYMBOLS_FILE} and its folder writable, then run the command again`);
}

/**
 * Adds one entry to the registry file. Refuses an id that is already registered (CAT_SYMBOL_EXISTS)
 * and a registry with problems (it would be rewritten without the broken entries).
 */
export function addSymbol(root: string, entry: Omit<RegistryEntry, "line">): RegistryEntry[] {
  const registry = readRegistry(root);
  if (registry.problems.length > 0) {
    const first = registry.problems[0] as RegistryProblem;
    throw new InputError(first.code, `${SYMBOLS_FILE} line ${first.line + 1}: ${first.message}`, {
      hint: `fix ${SYMBOLS_FILE} by hand first ('catalytic symbols verify' lists every problem)`,
    });
  }
  if (registry.entries.some((e) => e.symbolId === entry.symbolId)) {
    throw new SymbolError("CAT_SYMBOL_EXISTS", `${entry.symbolId} is already in ${SYMBOLS_FILE}`, {
      hint: "pick another name, or edit the existing entry in catalytic.symbols.json",
      details: { symbolId: entry.symbolId },
    });
  }
  const entries = [...registry.entries, { ...entry, line: 0 }];
  writeRegistry(root, entries);
  return parseRegistry(formatRegistry(entries)).entries;
}
