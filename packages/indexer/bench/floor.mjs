// The floor of a cold build: walk the folder (sorted, skipping .catalytic/.git/node_modules), read every
// Markdown file and sha256 it. Run by index-bench.mjs as its own process, in the same run as the builds,
// so "cold build / floor" compares like with like on a loaded machine. Usage: node floor.mjs <dir>
import * as crypto from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";

const SKIPPED = new Set([".catalytic", ".git", "node_modules"]);
const sha256 = crypto.hash ? (data) => crypto.hash("sha256", data, "hex") : (data) => crypto.createHash("sha256").update(data).digest("hex");

let files = 0;
let bytes = 0;
const visit = (dir) => {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED.has(entry.name)) visit(full);
    } else if (entry.isFile() && entry.name.endsWith(".md")) {
      const data = readFileSync(full);
      sha256(data);
      files++;
      bytes += data.length;
    }
  }
};
visit(path.resolve(process.argv[2]));
process.stdout.write(`${JSON.stringify({ files, bytes })}\n`);
