// Bundles the server into one CommonJS file (dist/server.cjs); better-sqlite3 stays external (native addon).
import { build } from "esbuild";

await build({
  entryPoints: [new URL("../src/server.ts", import.meta.url).pathname],
  outfile: new URL("../dist/server.cjs", import.meta.url).pathname,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  conditions: ["@catalytic/source"],
  mainFields: ["module", "main"],
  external: ["better-sqlite3"],
  sourcemap: "linked",
  logLevel: "warning",
});
