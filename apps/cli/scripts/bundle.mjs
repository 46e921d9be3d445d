// Bundles the CLI into one CommonJS file; better-sqlite3 stays external (native addon).
import { build } from "esbuild";
import { readFileSync } from "node:fs";

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
  plugins: [englishOnlyZodLocales],
});
