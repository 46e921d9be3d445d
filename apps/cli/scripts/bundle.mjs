// Bundles the CLI into one CommonJS file (dist/catalytic-main.cjs; better-sqlite3 stays external, a native addon),
// puts the launcher beside it as the `catalytic` binary (dist/catalytic.cjs) and makes their V8 code caches.
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, readFileSync } from "node:fs";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

// zod exports every locale through `z.locales` (366 kB of a 1.1 MB bundle); Catalytic only ever uses English,
// which zod configures by importing its `en` module directly. Every process (each ant included) parses the
// whole bundle at start, so the other locales are left out (docs/indexer.md, "Performance").
const englishOnlyZodLocales = {
  name: "english-only-zod-locales",
  setup(build) {
    build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({ contents: 'export { default as en } from "./en.js";' }));
  },
};

// The o200k_base rank tables are 4.2 MB of the 5.1 MB bundle. Loaded only by commands that count tokens (a dynamic
// import), they were still parsed by every process at start, each ant included (~60 ms of each start on 2 cores,
// docs/ants.md "Performance"). They go in dist/o200k_base.cjs beside the bundle, required on first use.
const TOKENIZER_MODULE = "gpt-tokenizer/encoding/o200k_base";
const TOKENIZER_FILE = "o200k_base.cjs";
const tokenizerBesideBundle = {
  name: "tokenizer-beside-bundle",
  setup(build) {
    build.onResolve({ filter: /^gpt-tokenizer\/encoding\/o200k_base$/ }, () => ({ path: `./${TOKENIZER_FILE}`, external: true }));
  },
};

await build({
  stdin: { contents: `export * from ${JSON.stringify(TOKENIZER_MODULE)};`, resolveDir: new URL("../../../packages/core", import.meta.url).pathname, loader: "js" },
  outfile: new URL(`../dist/${TOKENIZER_FILE}`, import.meta.url).pathname,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  logLevel: "warning",
});

const MAIN_BUNDLE = new URL("../dist/catalytic-main.cjs", import.meta.url).pathname;
await build({
  entryPoints: [new URL("../src/main.ts", import.meta.url).pathname],
  outfile: MAIN_BUNDLE,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  conditions: ["@catalytic/source"],
  external: ["better-sqlite3"],
  define: { CATALYTIC_VERSION: JSON.stringify(pkg.version) },
  // Whitespace and syntax only (names kept, so classes and stack frames keep theirs): 1.87 MB -> 1.33 MB that every
  // process reads and parses at start, ~50 M fewer instructions (valgrind) for a one-file build; stack traces map
  // back through the linked source map.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: "linked",
  logLevel: "warning",
  // import() of the tables becomes a require(): Node's ESM loader would first scan the 3.4 MB CommonJS file for its
  // export names (cjs-module-lexer), ~80 ms of each ant's start before its first receipt (docs/ants.md "Performance").
  supported: { "dynamic-import": false },
  plugins: [englishOnlyZodLocales, tokenizerBesideBundle],
});

// esbuild escapes non-ASCII characters in strings but not inside regular expressions. One such character made V8 hold
// the whole 1.3 MB source as a two-byte string, decoded and scanned as such by every process (~25 M instructions and
// 2.5 MiB RSS each, measured on `--version`): write them as \u escapes.
const nonAscii = /[^\x00-\x7f]/.exec(readFileSync(MAIN_BUNDLE, "latin1"));
if (nonAscii) throw new Error(`${MAIN_BUNDLE} is not pure ASCII (byte 0x${nonAscii[0].charCodeAt(0).toString(16)} at ${nonAscii.index}): escape it in the source`);

// The launcher runs the bundle from a V8 code cache made here, by a process that builds a small temporary workspace
// and counts a few tokens (scripts/launcher.cjs); a cache another Node version rejects is only ignored.
const LAUNCHER = new URL("../dist/catalytic.cjs", import.meta.url).pathname;
copyFileSync(new URL("./launcher.cjs", import.meta.url), LAUNCHER);
chmodSync(LAUNCHER, 0o755);
execFileSync(process.execPath, ["-e", `require(${JSON.stringify(LAUNCHER)}).makeCodeCaches()`], { stdio: ["ignore", "ignore", "inherit"] });
