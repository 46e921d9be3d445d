// Builds the benchmark workspace: a copy of the corpus with @ references appended to every file, a
// namespaced catalytic.json, and a ~1 MB file dense with references (plus Markdown-link twins of the
// reference lines and of the big file for the vscode-markdown-languageserver comparison).
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export const NAMESPACE = "DOC";
const NAME = /^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/;

function markdownFiles(dir, relative = "") {
  const out = [];
  for (const entry of readdirSync(path.join(dir, relative), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const child = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory() && !entry.name.startsWith(".")) out.push(...markdownFiles(dir, child));
    else if (entry.isFile() && entry.name.endsWith(".md")) out.push(child);
  }
  return out;
}

/** GitHub-style slug of a plain heading (enough for corpus titles; the server's own slugs decide). */
function slug(heading) {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, "").replace(/ /g, "-");
}

export function createWorkspace(corpus, bigBytes = 1024 * 1024) {
  const root = mkdtempSync(path.join(os.tmpdir(), "catalytic-bench-lsp-"));
  cpSync(corpus, root, { recursive: true });
  writeFileSync(path.join(root, "catalytic.json"), JSON.stringify({ sources: [{ path: ".", include: ["**/*.md"], namespace: NAMESPACE }] }, null, 2));
  const files = markdownFiles(root);
  const targets = [];
  for (const file of files) {
    const name = file.slice(0, -3);
    if (!NAME.test(name) || /[.-]$/.test(name)) continue;
    const text = readFileSync(path.join(root, file), "utf8");
    const heading = /^# (.+)$/m.exec(text)?.[1];
    targets.push({ file, symbol: `@${NAMESPACE}/${name}`, slug: heading ? slug(heading) : undefined, text });
  }
  // Every file gets a line of references to two others (one with a #slug): the line is the file's last.
  const referencing = [];
  targets.forEach((target, i) => {
    const a = targets[(i + 1) % targets.length];
    const b = targets[(i + 7) % targets.length];
    const refB = b.slug ? `${b.symbol}#${b.slug}` : b.symbol;
    const line = `See also ${a.symbol} and ${refB}.`;
    const body = target.text.endsWith("\n") ? target.text : `${target.text}\n`;
    writeFileSync(path.join(root, target.file), `${body}\n${line}\n`);
    const lineIndex = body.split("\n").length; // blank line, then the reference line
    // The Markdown-link twin of the same line (for vscode-markdown-languageserver): the same targets as links.
    const href = (other, fragment) => `${path.posix.relative(path.posix.dirname(target.file), other.file)}${fragment ? `#${fragment}` : ""}`;
    const linkA = `[${a.symbol}](${href(a)})`;
    const linkLine = `See also ${linkA} and [${b.symbol}](${href(b, b.slug)}).`;
    const linkColumns = [linkA.indexOf("](") + 3 + 9, linkLine.lastIndexOf("](") + 3];
    referencing.push({ file: target.file, text: `${body}\n${line}\n`, line: lineIndex, columns: [9 + 2, 9 + a.symbol.length + 5 + 2], linkText: `${body}\n${linkLine}\n`, linkColumns });
  });
  // The big file: corpus text with a reference line after each chunk, until it reaches bigBytes.
  let big = "# Big file\n\n";
  let links = "# Big file\n\n";
  const bigRefs = [];
  for (let i = 0; big.length < bigBytes; i++) {
    const target = targets[i % targets.length];
    const other = targets[(i * 13 + 5) % targets.length];
    const chunk = target.text.replace(/^#+ /gm, "### ");
    const refLine = `Refs: ${other.symbol} and ${other.slug ? `${other.symbol}#${other.slug}` : other.symbol}.`;
    const linkLine = `Refs: [${other.file}](../${other.file}) and [${other.file}](../${other.file}${other.slug ? `#${other.slug}` : ""}).`;
    big += `${chunk}\n${refLine}\n\n`;
    links += `${chunk}\n${linkLine}\n\n`;
    bigRefs.push(big.split("\n").length - 3);
  }
  mkdirSync(path.join(root, "big"), { recursive: true });
  writeFileSync(path.join(root, "big/big.md"), big);
  writeFileSync(path.join(root, "big/big-links.md"), links);
  return { root, files: files.length, markdown: [...files, "big/big.md", "big/big-links.md"], targets: targets.length, referencing, big: { file: "big/big.md", text: big, refLines: bigRefs }, links: { file: "big/big-links.md", text: links } };
}
