// Top-level declarations of code files, found line by line (no parser dependency): TS/JS functions,
// classes and exported consts at column 0; Python `def`/`class` at column 0. A declaration spans to the
// next one, minus the blank and comment lines that lead into it.

export interface Declaration {
  line: number;
  endLine: number;
  text: string;
}

const SCRIPT_DECLARATIONS = [
  /^(?:export\s+(?:default\s+)?)?(?:declare\s+)?(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)/,
  /^(?:export\s+(?:default\s+)?)?(?:declare\s+)?(?:abstract\s+)?class\s+([A-Za-z_$][\w$]*)/,
  /^export\s+(?:declare\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)/,
];
const PYTHON_DECLARATIONS = [/^(?:async\s+)?def\s+([A-Za-z_]\w*)/, /^class\s+([A-Za-z_]\w*)/];

function patternsFor(filePath: string): RegExp[] {
  if (/\.(?:[cm]?[jt]sx?)$/i.test(filePath)) return SCRIPT_DECLARATIONS;
  if (/\.py$/i.test(filePath)) return PYTHON_DECLARATIONS;
  return [];
}

function isLeadIn(line: string): boolean {
  const trimmed = line.trim();
  return trimmed === "" || /^(?:\/\/|\/\*|\*|#|@)/.test(trimmed);
}

export function scanDeclarations(filePath: string, lines: readonly string[]): Declaration[] {
  const patterns = patternsFor(filePath);
  if (patterns.length === 0) return [];
  const starts: Array<{ line: number; text: string }> = [];
  lines.forEach((line, index) => {
    for (const pattern of patterns) {
      const match = pattern.exec(line);
      if (match) {
        starts.push({ line: index, text: match[1] as string });
        return;
      }
    }
  });
  return starts.map((start, i) => {
    const next = starts[i + 1];
    let endLine = next ? next.line : lines.length;
    while (endLine > start.line + 1 && isLeadIn(lines[endLine - 1] as string)) endLine--;
    return { line: start.line, endLine, text: start.text };
  });
}
