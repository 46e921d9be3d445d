// Bundles the cassette sources into one ESM file under node_modules/.cache, for plain-node processes
// (test worker fixtures, the benchmark, the schema dump). better-sqlite3 stays external (native addon).
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Builds the bundle and returns its absolute path (written atomically: temp file + rename). */
export async function bundleCassette() {
  const outDir = path.join(packageDir, "node_modules", ".cache", "catalytic-cassette");
  const outfile = path.join(outDir, "cassette.mjs");
  const result = await build({
    entryPoints: [path.join(packageDir, "src", "index.ts")],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    conditions: ["@catalytic/source"],
    external: ["better-sqlite3"],
    write: false,
    logLevel: "warning",
  });
  mkdirSync(outDir, { recursive: true });
  const temp = `${outfile}.${process.pid}.tmp`;
  writeFileSync(temp, result.outputFiles[0].contents);
  renameSync(temp, outfile);
  return outfile;
}
