// YAML front matter, read with a strict subset parser: only the `symbols:` map matters, of the shape
//   symbols:
//     "@NS/NAME": "Heading > Sub"   (a HEADING symbol)
//     "@NS/FILE": ""                (empty, `~` or nothing: the whole file)
// Other top-level keys are skipped (with their indented continuation lines). Anything else inside
// `symbols:` is reported as a problem with its line instead of being guessed at.
import { isSymbolId, splitLines } from "@catalytic/core";

export interface FrontMatterSymbol {
  symbolId: string;
  /** Heading path the symbol names; empty for the whole file. */
  headingPath: string[];
  /** 0-based line of the entry. */
  line: number;
  /** 0-based column where the key starts. */
  character: number;
}

export interface FrontMatterProblem {
  code: "CAT_FRONT_MATTER_INVALID" | "CAT_SYMBOL_INVALID";
  message: string;
  line: number;
  character: number;
}

export interface FrontMatter {
  symbols: FrontMatterSymbol[];
  /** Line after the closing `---` (the front matter occupies lines [0, endLine)). */
  endLine: number;
  problems: FrontMatterProblem[];
}

/**
 * The lines as the parsers see them: a UTF-8 byte order mark before line 0 is not content, so `---` front matter
 * and a first heading behind it are recognised. Only parsing skips it: line numbers stay, and section texts and
 * hashes are still cut from the file's own text (docs/indexer.md, "Sections").
 */
export function parsingLines(lines: string[]): string[] {
  const first = lines[0];
  return first !== undefined && first.startsWith("\uFEFF") ? [first.slice(1), ...lines.slice(1)] : lines;
}

/** Line index of the closing `---`/`...` when line 0 is `---`, else undefined. */
export function frontMatterEnd(lines: readonly string[]): number | undefined {
  if (lines.length < 2 || (lines[0] as string).trimEnd() !== "---") return undefined;
  for (let i = 1; i < lines.length; i++) {
    const line = (lines[i] as string).trimEnd();
    if (line === "---" || line === "...") return i + 1;
  }
  return undefined;
}

interface Scalar {
  value?: string;
  error?: string;
}

/** A YAML scalar in the supported subset: "double", 'single', plain or empty (null). */
function readScalar(raw: string): Scalar & { rest: string } {
  const text = raw.trimStart();
  if (text.startsWith('"')) {
    let value = "";
    for (let i = 1; i < text.length; i++) {
      const char = text[i] as string;
      if (char === "\\") {
        const next = text[i + 1];
        if (next === '"' || next === "\\" || next === "/") value += next;
        else if (next === "n") value += "\n";
        else if (next === "t") value += "\t";
        else return { error: `unsupported escape \\${next ?? ""} in a double-quoted string`, rest: "" };
        i++;
      } else if (char === '"') {
        return { value, rest: text.slice(i + 1) };
      } else {
        value += char;
      }
    }
    return { error: "unterminated double-quoted string", rest: "" };
  }
  if (text.startsWith("'")) {
    let value = "";
    for (let i = 1; i < text.length; i++) {
      const char = text[i] as string;
      if (char === "'") {
        if (text[i + 1] === "'") {
          value += "'";
          i++;
        } else {
          return { value, rest: text.slice(i + 1) };
        }
      } else {
        value += char;
      }
    }
    return { error: "unterminated single-quoted string", rest: "" };
  }
  return { value: text, rest: "" };
}

function stripComment(rest: string): string | undefined {
  const trimmed = rest.trim();
  if (trimmed === "" || trimmed.startsWith("#")) return "";
  return undefined;
}

/** Reads the value of a `key: value` entry: quoted, plain (comments stripped) or empty. */
function readValue(raw: string): Scalar {
  const trimmed = raw.trim();
  if (trimmed === "" || trimmed === "~" || trimmed === "null" || trimmed.startsWith("#")) return { value: "" };
  if (trimmed[0] === '"' || trimmed[0] === "'") {
    const scalar = readScalar(trimmed);
    if (scalar.error) return scalar;
    if (stripComment(scalar.rest) === undefined) return { error: `unexpected text after the quoted value: ${scalar.rest.trim()}` };
    return { value: scalar.value };
  }
  if (/^[[{&*!|>%@`]/.test(trimmed)) return { error: `a plain value cannot start with ${trimmed[0]}; quote it` };
  const comment = trimmed.search(/\s#/);
  return { value: (comment === -1 ? trimmed : trimmed.slice(0, comment)).trim() };
}

/** Splits "Heading > Sub" into its parts; undefined when a part is empty. */
export function parseHeadingPath(text: string): string[] | undefined {
  if (text.trim() === "") return [];
  const parts = text.split(">").map((part) => part.trim());
  return parts.every((part) => part.length > 0) ? parts : undefined;
}

/**
 * Reads front matter (line 0 `---` up to a closing `---` or `...`) and its `symbols:` map.
 * Returns undefined when the text has no front matter.
 */
export function readFrontMatter(text: string): FrontMatter | undefined {
  // Line 0 must be `---` (after a BOM, if any): most files are answered without splitting them into lines.
  if (!text.startsWith("---") && !text.startsWith("\uFEFF---")) return undefined;
  const lines = parsingLines(splitLines(text.includes("\r") ? text.replace(/\r\n?/g, "\n") : text));
  const endLine = frontMatterEnd(lines);
  if (endLine === undefined) return undefined;
  const symbols: FrontMatterSymbol[] = [];
  const problems: FrontMatterProblem[] = [];
  const problem = (line: number, character: number, message: string, code: FrontMatterProblem["code"] = "CAT_FRONT_MATTER_INVALID"): void => {
    problems.push({ code, message, line, character });
  };
  let inSymbols = false;
  let entryIndent: number | undefined;
  const seen = new Map<string, number>();
  for (let lineIndex = 1; lineIndex < endLine - 1; lineIndex++) {
    const line = lines[lineIndex] as string;
    if (line.trim() === "" || line.trimStart().startsWith("#")) continue;
    const indent = line.length - line.trimStart().length;
    if (line.slice(0, indent).includes("\t")) {
      problem(lineIndex, 0, "front matter is indented with a tab; YAML allows spaces only");
      continue;
    }
    if (indent === 0) {
      const key = /^([A-Za-z0-9_.-]+|"[^"]*"|'[^']*')[ \t]*:(?:[ \t]|$)(.*)$/.exec(line);
      inSymbols = key?.[1] === "symbols";
      entryIndent = undefined;
      if (inSymbols) {
        const rest = (key?.[2] ?? "").trim();
        if (rest !== "" && rest !== "{}" && !rest.startsWith("#")) {
          problem(lineIndex, line.indexOf(rest), "write `symbols:` as a block map, one `\"@NS/NAME\": \"Heading > Sub\"` per line");
        }
      }
      continue;
    }
    if (!inSymbols) continue; // continuation of another key
    entryIndent ??= indent;
    if (indent !== entryIndent) {
      problem(lineIndex, indent, `symbols entries must all be indented by ${entryIndent} spaces`);
      continue;
    }
    const body = line.slice(indent);
    if (body.startsWith("-")) {
      problem(lineIndex, indent, "symbols is a map, not a list: write `\"@NS/NAME\": \"Heading > Sub\"`");
      continue;
    }
    let symbolId: string;
    let rest: string;
    if (body[0] === '"' || body[0] === "'") {
      const key = readScalar(body);
      if (key.error || key.value === undefined) {
        problem(lineIndex, indent, key.error ?? "malformed key");
        continue;
      }
      symbolId = key.value;
      rest = key.rest;
    } else {
      const colon = body.indexOf(":");
      const bare = (colon === -1 ? body : body.slice(0, colon)).trim();
      problem(lineIndex, indent, `quote the symbol id: in YAML a key cannot start with '@', write "${bare}":`);
      continue;
    }
    const colon = /^[ \t]*:(?:[ \t]|$)/.exec(rest);
    if (!colon) {
      problem(lineIndex, indent, `expected ':' after ${JSON.stringify(symbolId)}`);
      continue;
    }
    const value = readValue(rest.slice(colon[0].length));
    if (value.error !== undefined || value.value === undefined) {
      problem(lineIndex, indent, value.error ?? "malformed value");
      continue;
    }
    if (!isSymbolId(symbolId)) {
      problem(lineIndex, indent, `${JSON.stringify(symbolId)} is not a symbol id (expected @NS/NAME)`, "CAT_SYMBOL_INVALID");
      continue;
    }
    const headingPath = parseHeadingPath(value.value);
    if (headingPath === undefined) {
      problem(lineIndex, indent, `heading path ${JSON.stringify(value.value)} has an empty part; write "Heading > Sub"`);
      continue;
    }
    const first = seen.get(symbolId);
    if (first !== undefined) {
      problem(lineIndex, indent, `${symbolId} is already defined on line ${first + 1} of this front matter`, "CAT_FRONT_MATTER_INVALID");
      continue;
    }
    seen.set(symbolId, lineIndex);
    symbols.push({ symbolId, headingPath, line: lineIndex, character: indent });
  }
  return { symbols, endLine, problems };
}
