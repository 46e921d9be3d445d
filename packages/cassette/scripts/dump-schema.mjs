// Regenerates schema.sql from a freshly migrated cassette: `pnpm --filter @catalytic/cassette schema:dump`.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { bundleCassette } from "./bundle.mjs";

const { Cassette } = await import(pathToFileURL(await bundleCassette()).href);
const dir = mkdtempSync(path.join(os.tmpdir(), "cassette-schema-"));
try {
  const cassette = Cassette.open(path.join(dir, "cassette.db"));
  const target = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "schema.sql");
  writeFileSync(target, cassette.schemaDump());
  cassette.close();
  process.stdout.write(`wrote ${target}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
