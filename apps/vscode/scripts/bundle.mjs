// Builds the self-contained extension folder dist/:
//   dist/extension.cjs    the extension (esbuild, CommonJS, `vscode` external)
//   dist/server.cjs       the language server bundle (copied from apps/language-server/dist), with
//   dist/index-worker.cjs its index worker, which must sit next to server.cjs
//   dist/token-counter.cjs its hover token counter (a child process), which must sit next to server.cjs
//   dist/catalytic.cjs    the CLI launcher (copied from apps/cli/dist; the server's ants run through it), with
//   dist/catalytic-main.cjs its bundle and catalytic-main.v8cache, the bundle's V8 code cache (the launcher runs
//                         the bundle with it when the Node it runs on accepts it, else compiles as usual)
//   dist/o200k_base.cjs   the token counter tables, required from beside catalytic.cjs, server.cjs and token-counter.cjs
//   dist/native.json      the Node version the native module was built for (checked against the runtime)
//   dist/node_modules/    better-sqlite3 compiled for this Node, with its runtime dependencies, so that
//                         `require("better-sqlite3")` from the bundles resolves inside the .vsix.
// `vsce package` (the `package` script) then zips dist/ per .vscodeignore.
import { build } from "esbuild";
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const extensionDir = fileURLToPath(new URL("..", import.meta.url));
const appsDir = join(extensionDir, "..");
const dist = join(extensionDir, "dist");

function fail(message) {
  process.stderr.write(`bundle: ${message}\n`);
  process.exit(1);
}

/** The real folder of an installed package, resolved the way `from` would resolve it. */
function packageDir(name, from) {
  const require = createRequire(join(from, "package.json"));
  try {
    return dirname(realpathSync(require.resolve(`${name}/package.json`)));
  } catch {
    fail(`cannot find the package ${name} from ${from}: run \`pnpm install\` at the repository root.`);
  }
}

function copyBundle(source, target) {
  if (!existsSync(source)) fail(`${source} is missing: build it first (\`pnpm --filter catalytic-vscode... build\` builds the language server and the CLI before the extension).`);
  cpSync(source, join(dist, target));
}

/** Copies a runtime package without its sources, tests or intermediate build files. */
function copyPackage(name, from, keep) {
  const source = packageDir(name, from);
  const target = join(dist, "node_modules", name);
  mkdirSync(target, { recursive: true });
  for (const entry of keep) {
    const path = join(source, entry);
    if (!existsSync(path)) fail(`${name}: ${entry} is missing in ${source}${name === "better-sqlite3" ? " (better-sqlite3 was not compiled: it must be in pnpm.onlyBuiltDependencies)" : ""}.`);
    cpSync(path, join(target, entry), { recursive: true, dereference: true });
  }
  return source;
}

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

await build({
  entryPoints: [join(extensionDir, "src", "extension.ts")],
  outfile: join(dist, "extension.cjs"),
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  conditions: ["@catalytic/source"],
  mainFields: ["module", "main"],
  external: ["vscode"],
  // Minified (names kept for readable errors); the linked source map ships in the .vsix for stack traces.
  minify: true,
  keepNames: true,
  sourcemap: "linked",
  logLevel: "warning",
});

copyBundle(join(appsDir, "language-server", "dist", "server.cjs"), "server.cjs");
copyBundle(join(appsDir, "language-server", "dist", "index-worker.cjs"), "index-worker.cjs");
copyBundle(join(appsDir, "language-server", "dist", "token-counter.cjs"), "token-counter.cjs");
copyBundle(join(appsDir, "cli", "dist", "catalytic.cjs"), "catalytic.cjs");
copyBundle(join(appsDir, "cli", "dist", "catalytic-main.cjs"), "catalytic-main.cjs");
copyBundle(join(appsDir, "cli", "dist", "catalytic-main.v8cache"), "catalytic-main.v8cache");
// The token counter tables, which the CLI and the server's bundles require from beside themselves (the same
// esbuild output of gpt-tokenizer in apps/cli and apps/language-server: one copy serves both).
copyBundle(join(appsDir, "cli", "dist", "o200k_base.cjs"), "o200k_base.cjs");

const sqlite = copyPackage("better-sqlite3", join(appsDir, "language-server"), ["package.json", "LICENSE", "lib", "build/Release/better_sqlite3.node"]);
const bindings = copyPackage("bindings", sqlite, ["package.json", "LICENSE.md", "bindings.js"]);
copyPackage("file-uri-to-path", bindings, ["package.json", "LICENSE", "index.js"]);

// The extension compares this with the runtime it starts the server with: a native module loads only in the Node major it was built for.
writeFileSync(join(dist, "native.json"), `${JSON.stringify({ node: process.versions.node, modules: process.versions.modules, betterSqlite3: JSON.parse(readFileSync(join(sqlite, "package.json"), "utf8")).version })}\n`);

process.stdout.write(`bundle: dist/ ready (extension, server, CLI, better-sqlite3 ${JSON.parse(readFileSync(join(sqlite, "package.json"), "utf8")).version} for Node ${process.versions.node}, ABI ${process.versions.modules})\n`);
