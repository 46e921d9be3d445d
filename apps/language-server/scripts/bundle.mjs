// Bundles the server into CommonJS files beside each other in dist/: server.cjs, index-worker.cjs (SQLite builds
// off the main thread), token-counter.cjs (hover token counts in their own process, src/token-counts.ts) and
// o200k_base.cjs (the tokenizer's rank tables, 4.2 MB, required on first use only: bundled into server.cjs they
// were parsed at every start). better-sqlite3 stays external (native addon).
import { build } from "esbuild";

const TOKENIZER_FILE = "o200k_base.cjs";
const dist = new URL("../dist", import.meta.url).pathname;

await build({
  stdin: { contents: 'export * from "gpt-tokenizer/encoding/o200k_base";', resolveDir: new URL("../../../packages/core", import.meta.url).pathname, loader: "js" },
  outfile: `${dist}/${TOKENIZER_FILE}`,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  logLevel: "warning",
});

const tokenizerBesideBundle = {
  name: "tokenizer-beside-bundle",
  setup(build) {
    build.onResolve({ filter: /^gpt-tokenizer\/encoding\/o200k_base$/ }, () => ({ path: `./${TOKENIZER_FILE}`, external: true }));
  },
};

await build({
  // The index worker and the token counter must sit next to server.cjs.
  entryPoints: {
    server: new URL("../src/server.ts", import.meta.url).pathname,
    "index-worker": new URL("../src/index-worker.ts", import.meta.url).pathname,
    "token-counter": new URL("../src/token-counter.ts", import.meta.url).pathname,
  },
  outdir: dist,
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
  plugins: [tokenizerBesideBundle],
});
