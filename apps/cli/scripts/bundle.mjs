// Bundles the CLI into one CommonJS file; better-sqlite3 stays external (native addon).
import { build } from "esbuild";
import { readFileSync } from "node:fs";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

await build({
  entryPoints: [new URL("../src/main.ts", import.meta.url).pathname],
  outfile: new URL("../dist/catalytic.cjs", import.meta.url).pathname,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  conditions: ["@catalytic/source"],
  external: ["better-sqlite3"],
  banner: { js: "#!/usr/bin/env node" },
  define: { CATALYTIC_VERSION: JSON.stringify(pkg.version) },
  sourcemap: "linked",
  logLevel: "warning",
});
