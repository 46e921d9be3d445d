// catalytic.symbols.json: the explicit symbol registry. Written sorted, 2-space indented, with a
// trailing newline, so the same registry is always the same bytes (diff-friendly, hash-stable).
import { readFileSync } from "node:fs";
import path from "node:path";
import { InputError, STATE_DIR, SYMBOLS_FILE, SymbolError, isSymbolId, parseJson } from "@catalytic/core";
import { writeFileAtomic } from "./atomic-write.js";
import { withFileLock } from "./file-lock.js";

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
  code: "CAT_JSON_MALFORMED" | "CAT_SCHEMA_INVALID" | "CAT_SYMBOL_INVALID" | "CAT_SYMBOL_DUPLICATE";
  message: string;
  line: number;
  symbolId?: string;
}

export interface ParsedRegistry {
  entries: RegistryEntry[];
  problems: RegistryProblem[];
  /** The top-level keys besides "symbols" (e.g. "$schema"), in file order: `symbols add` keeps them. */
  otherKeys?: Record<string, unknown>;
}

const TARGET_TYPES: readonly string[] = ["FILE", "HEADING", "SECTION"];

interface KeyAt {
  /** Keys (and array indexes) of the enclosing containers, outermost first. */
  path: readonly string[];
  key: string;
  line: number;
}

/**
 * Every object key of valid JSON text with its 0-based line, duplicates included: JSON.parse keeps the last
 * of two equal keys without a word, so duplicates can only be found in the text.
 */
function scanKeys(text: string): KeyAt[] {
  const keys: KeyAt[] = [];
  const stack: Array<{ object: boolean; path: readonly string[]; expectKey: boolean; lastKey: string; index: number }> = [];
  let line = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") line++;
    else if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      const top = stack[stack.length - 1];
      if (top?.object && top.expectKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        keys.push({ path: top.path, key, line });
        top.lastKey = key;
        top.expectKey = false;
      }
      i = end;
    } else if (c === "{" || c === "[") {
      const top = stack[stack.length - 1];
      const path = top ? [...top.path, top.object ? top.lastKey : String(top.index)] : [];
      stack.push({ object: c === "{", path, expectKey: c === "{", lastKey: "", index: 0 });
    } else if (c === "}" || c === "]") stack.pop();
    else if (c === ",") {
      const top = stack[stack.length - 1];
      if (top?.object) top.expectKey = true;
      else if (top) top.index++;
    }
  }
  return keys;
}

/** Duplicate symbol ids (CAT_SYMBOL_DUPLICATE, at every occurrence) and any other duplicate key. */
function duplicateKeyProblems(keys: readonly KeyAt[]): RegistryProblem[] {
  const groups = new Map<string, KeyAt[]>();
  for (const at of keys) {
    const id = JSON.stringify([...at.path, at.key]);
    groups.set(id, [...(groups.get(id) ?? []), at]);
  }
  const problems: RegistryProblem[] = [];
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const first = group[0] as KeyAt;
    const lines = group.map((at) => at.line + 1).join(", ");
    const isSymbol = first.path.length === 1 && first.path[0] === "symbols";
    for (const at of group) {
      problems.push(
        isSymbol
          ? { code: "CAT_SYMBOL_DUPLICATE", message: `${at.key} is defined ${group.length} times in ${SYMBOLS_FILE} (lines ${lines}); keep one`, line: at.line, symbolId: at.key }
          : { code: "CAT_SCHEMA_INVALID", message: `duplicate key ${JSON.stringify(at.key)} (lines ${lines}); keep one`, line: at.line },
      );
    }
  }
  return problems;
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
  const keys = scanKeys(text);
  problems.push(...duplicateKeyProblems(keys));
  // The line of the occurrence JSON.parse kept (the last one).
  const lines = new Map(keys.filter((at) => at.path.length === 1 && at.path[0] === "symbols").map((at) => [at.key, at.line]));
  const otherKeys = Object.fromEntries(Object.entries(raw as Record<string, unknown>).filter(([key]) => key !== "symbols"));
  const entries: RegistryEntry[] = [];
  for (const [symbolId, value] of Object.entries(symbols as Record<string, unknown>)) {
    const line = lines.get(symbolId) ?? 0;
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
  return { entries, problems, otherKeys };
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

/**
 * The canonical text of a registry: ids sorted, keys in a fixed order, 2 spaces, final newline; other
 * top-level keys (such as "$schema") come first, as they were.
 */
export function formatRegistry(entries: readonly Omit<RegistryEntry, "line">[], otherKeys: Record<string, unknown> = {}): string {
  const sorted = [...entries].sort((a, b) => (a.symbolId < b.symbolId ? -1 : a.symbolId > b.symbolId ? 1 : 0));
  const symbols: Record<string, Record<string, string>> = {};
  for (const entry of sorted) {
    symbols[entry.symbolId] = {
      target_type: entry.targetType,
      target_ref: entry.targetRef,
      ...(entry.defaultSlice !== undefined ? { default_slice: entry.defaultSlice } : {}),
    };
  }
  return `${JSON.stringify({ ...otherKeys, symbols }, null, 2)}\n`;
}

/** Atomically replaces the registry file (temp file + rename). */
function writeRegistry(root: string, entries: readonly Omit<RegistryEntry, "line">[], otherKeys: Record<string, unknown> = {}): void {
  writeFileAtomic(path.join(root, SYMBOLS_FILE), formatRegistry(entries, otherKeys), `make ${SYMBOLS_FILE} and its folder writable, then run the command again`);
}

/** Serialises read-modify-write of the registry across processes (docs/indexer.md, "The symbol registry"). */
const REGISTRY_LOCK = "symbols.lock";

/**
 * Adds one entry to the registry file. Refuses an id that is already registered (CAT_SYMBOL_EXISTS)
 * and a registry with problems (it would be rewritten without the broken entries).
 */
export function addSymbol(root: string, entry: Omit<RegistryEntry, "line">): RegistryEntry[] {
  // Lock, re-read, write, rename: concurrent adds each see the others' entries, none is lost.
  return withFileLock(path.join(root, STATE_DIR, REGISTRY_LOCK), () => addLocked(root, entry));
}

function addLocked(root: string, entry: Omit<RegistryEntry, "line">): RegistryEntry[] {
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
  writeRegistry(root, entries, registry.otherKeys);
  return parseRegistry(formatRegistry(entries, registry.otherKeys)).entries;
}
