// Bundles the server into CommonJS files (dist/server.cjs, dist/index-worker.cjs); better-sqlite3 stays external (native addon).
import { build } from "esbuild";

await build({
  // The index worker runs SQLite builds off the main thread; it must sit next to server.cjs.
  entryPoints: {
    server: new URL("../src/server.ts", import.meta.url).pathname,
    "index-worker": new URL("../src/index-worker.ts", import.meta.url).pathname,
  },
  outdir: new URL("../dist", import.meta.url).pathname,
  outExtension: { ".js": ".cjs" },
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
