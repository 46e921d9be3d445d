#!/usr/bin/env node
"use strict";
// The `catalytic` binary: runs the CLI bundle (catalytic-main.cjs) and, when it is loaded, the tokenizer tables
// (o200k_base.cjs) from V8 code caches made at build time (scripts/bundle.mjs), so a process skips compiling them.
// Every command is a process, each ant included; the cache takes ~25 ms off each start (docs/cli.md, "Start-up").
// A missing cache, or one V8 rejects (another Node version), only means the code is compiled as without it.
const { mkdtempSync, readFileSync, rmSync, writeFileSync } = require("node:fs");
const { createRequire } = require("node:module");
const path = require("node:path");
const vm = require("node:vm");

// V8 flags for short processes, set before any code is compiled: the code caches are made under them too (V8 refuses a
// cache made under other flags). See docs/cli.md, "Start-up".
// - The young generation stays at 2 MiB semi-spaces instead of doubling up to 16 MiB: a cold build of tldr-en peaks at
//   ~80 instead of ~98 MiB (~92 instead of ~122 MiB with a namespace source), and half as many scavenges as at 1 MiB.
// - The optimizing compiler waits for ~9x the default interrupt budget (67,584): a command of a few hundred ms (a rust-book
//   build) spent more on compiling its hot loops on a second thread, and on deoptimizing them, than it gained; the
//   build process also waited for an unfinished compile job before exiting. Long runs still get optimized code.
require("node:v8").setFlagsFromString("--semi-space-growth-factor=1 --min-semi-space-size=2 --interrupt-budget=600000");

const MAIN = path.join(__dirname, "catalytic-main.cjs");
const TOKENIZER_REQUEST = "./o200k_base.cjs";
const TOKENIZER = path.join(__dirname, TOKENIZER_REQUEST);
const cacheFileOf = (file) => file.replace(/\.cjs$/, ".v8cache");

/** Compiled scripts by file, for making their caches once they have run. */
const compiled = new Map();

function readCache(file) {
  try {
    return readFileSync(cacheFileOf(file));
  } catch {
    return undefined;
  }
}

/** A CommonJS file in Node's module wrapper, compiled with its code cache when it has one. */
function compile(file) {
  const wrapper = `(function (exports, require, module, __filename, __dirname) { ${readFileSync(file, "utf8")}\n})`;
  return new vm.Script(wrapper, { filename: file, cachedData: readCache(file) });
}

/** Loads a CommonJS file as Node would (same wrapper and arguments), from its code cache when it has one. */
function load(file) {
  const script = compile(file);
  compiled.set(file, script);
  const requireHere = createRequire(file);
  const requireWithCache = Object.assign(
    (request) => (request === TOKENIZER_REQUEST ? loadOnce(TOKENIZER) : requireHere(request)),
    { resolve: requireHere.resolve, cache: requireHere.cache, main: require.main },
  );
  const module = { exports: {}, filename: file, id: file, loaded: false };
  script.runInThisContext().call(module.exports, module.exports, requireWithCache, module, file, path.dirname(file));
  module.loaded = true;
  return module.exports;
}

const loaded = new Map();
function loadOnce(file) {
  if (!loaded.has(file)) loaded.set(file, load(file));
  return loaded.get(file);
}

/** What the cache-making build indexes: the Markdown a build's functions (block scanner, slugs, search folding) meet. */
const SAMPLE = [
  "# Guide",
  "",
  "Intro with \u201ccurly quotes\u201d, `code`, a [link](b.md#part) and \u6771\u4eac.",
  "",
  "## Part",
  "",
  "> A quote",
  "",
  "- item",
  "  1. nested",
  "",
  "```sh",
  "# not a heading",
  "```",
  "",
  "Setext",
  "------",
  "",
  "<div>",
  "html",
  "</div>",
  "",
  "| a | b |",
  "|---|---|",
  "",
].join("\n");

/**
 * Build time only: builds a small temporary workspace (every module's top level, then the functions of `build`, the
 * command whose start-up counts most) and counts a few tokens, then writes the caches of what ran: functions compiled
 * by then are in the cache, the others are compiled when first called. Called by scripts/bundle.mjs in a process of
 * its own.
 */
function makeCodeCaches() {
  const root = mkdtempSync(path.join(require("node:os").tmpdir(), "catalytic-code-cache-"));
  writeFileSync(path.join(root, "guide.md"), SAMPLE);
  writeFileSync(path.join(root, "b.md"), "# B\n\n## Part\n\nText.\n");
  process.argv = [process.argv[0], __filename, "--root", root, "build", "--json"];
  loadOnce(MAIN);
  loadOnce(TOKENIZER).countTokens("make the code cache");
  process.on("exit", () => {
    for (const [file, script] of compiled) writeFileSync(cacheFileOf(file), script.createCachedData());
    rmSync(root, { recursive: true, force: true });
  });
}

if (require.main === module) loadOnce(MAIN);
else module.exports = { makeCodeCaches, compile, MAIN, TOKENIZER };
