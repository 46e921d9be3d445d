// Writes docs/schemas/*.schema.json from the zod contract schemas in @catalytic/core (built dist).
// `node scripts/gen-schemas.mjs --check` writes nothing and exits 1 listing stale, missing or extra files.
import { readdirSync, readFileSync, renameSync, rmSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { generateJsonSchemas, jsonSchemaFileText } from "../packages/core/dist/index.js";

const outDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "docs", "schemas");
const check = process.argv.includes("--check");

const wanted = Object.fromEntries(Object.entries(generateJsonSchemas()).map(([file, schema]) => [file, jsonSchemaFileText(schema)]));
mkdirSync(outDir, { recursive: true });
const present = readdirSync(outDir).filter((file) => file.endsWith(".schema.json"));

const stale = [];
for (const [file, text] of Object.entries(wanted)) {
  let current;
  try {
    current = readFileSync(path.join(outDir, file), "utf8");
  } catch {
    current = undefined;
  }
  if (current !== text) stale.push(current === undefined ? `${file} (missing)` : file);
}
const extra = present.filter((file) => !(file in wanted));
stale.push(...extra.map((file) => `${file} (not a published schema)`));

if (check) {
  if (stale.length === 0) {
    process.stdout.write(`docs/schemas: ${Object.keys(wanted).length} schema files up to date\n`);
  } else {
    process.stderr.write(`docs/schemas is stale (run \`pnpm schemas\`):\n${stale.map((s) => `  ${s}\n`).join("")}`);
    process.exit(1);
  }
} else {
  for (const [file, text] of Object.entries(wanted)) {
    const target = path.join(outDir, file);
    writeFileSync(`${target}.tmp`, text);
    renameSync(`${target}.tmp`, target);
  }
  for (const file of extra) rmSync(path.join(outDir, file));
  process.stdout.write(`docs/schemas: wrote ${Object.keys(wanted).length} schema files${extra.length ? `, removed ${extra.join(", ")}` : ""}\n`);
}
