#!/usr/bin/env node
// Installs, idempotently, what the VS Code end-to-end suite needs on a fresh Debian machine with Node 20 + npm:
// Debian packages (build headers for code-server's native modules, ripgrep, chromium), code-server cached outside
// the repo keyed by version, and checks that playwright-core (a devDependency of @catalytic/tests) resolves.
// Every failure throws with a message saying what to do: the suite fails, it never skips.
// Usage: node tests/vscode/setup.mjs   (prints the resolved paths as JSON)
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, rmSync, renameSync, symlinkSync, writeFileSync, chmodSync, lstatSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const CODE_SERVER_VERSION = "4.100.3";
export const CHROMIUM_PATH = "/usr/bin/chromium";
const APT_PACKAGES = ["libx11-dev", "libxkbfile-dev", "libsecret-1-dev", "libkrb5-dev", "pkg-config", "ripgrep", "chromium"];
// node-gyp's toolchain: any on PATH will do (python3 may come from pyenv); the Debian package when missing.
const BUILD_TOOLS = { "g++": "g++", make: "make", python3: "python3" };
const NATIVE_VSCODE_MODULES = ["@parcel/watcher", "@vscode/spdlog", "@vscode/deviceid", "kerberos", "native-watchdog", "node-pty"];
const here = dirname(fileURLToPath(import.meta.url));

export class SetupError extends Error {}

function log(message) {
  process.stderr.write(`[vscode-e2e setup] ${message}\n`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.error || result.status !== 0) {
    const output = `${result.stdout ?? ""}\n${result.stderr ?? ""}`.trim().split("\n").slice(-30).join("\n");
    throw new SetupError(`\`${command} ${args.join(" ")}\` failed (${result.error?.message ?? `exit ${result.status}`}) in ${options.cwd ?? process.cwd()}:\n${output}`);
  }
  return result.stdout;
}

function isAptPackageInstalled(name) {
  const result = spawnSync("dpkg-query", ["-W", "-f=${Status}", name], { encoding: "utf8" });
  return result.status === 0 && result.stdout.includes("install ok installed");
}

export function ensureAptPackages() {
  const missing = [
    ...APT_PACKAGES.filter((name) => !isAptPackageInstalled(name)),
    ...Object.entries(BUILD_TOOLS)
      .filter(([command]) => spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status !== 0)
      .map(([, name]) => name),
  ];
  if (missing.length === 0) return;
  if (typeof process.getuid === "function" && process.getuid() !== 0) {
    throw new SetupError(`Debian packages missing: ${missing.join(" ")}. Run as root: apt-get update && apt-get install -y ${missing.join(" ")}`);
  }
  log(`installing Debian packages: ${missing.join(" ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  run("apt-get", ["update", "-qq"], { env });
  run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...missing], { env });
  const stillMissing = missing.filter((name) => !isAptPackageInstalled(name));
  if (stillMissing.length > 0) throw new SetupError(`apt-get could not install: ${stillMissing.join(" ")}`);
}

export function codeServerCacheDir() {
  const base = process.env.CATALYTIC_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "catalytic");
  return join(base, `code-server-${CODE_SERVER_VERSION}`);
}

function codeServerEntry(root) {
  return join(root, "node_modules", "code-server", "out", "node", "entry.js");
}

function link(target, path) {
  try {
    lstatSync(path);
    rmSync(path, { recursive: true, force: true });
  } catch {
    // nothing there yet
  }
  symlinkSync(target, path);
}

/**
 * node-gyp compiles against the running Node's headers; without a configured nodedir it downloads them, which
 * fails here. Debian's nodejs ships them under <prefix>/include/node, so point node-gyp there.
 */
export function nodeHeadersDir() {
  const configured = process.env.npm_config_nodedir;
  if (configured) return configured;
  const prefix = dirname(dirname(process.execPath));
  if (existsSync(join(prefix, "include", "node", "node.h")) && existsSync(join(prefix, "include", "node", "common.gypi"))) return prefix;
  throw new SetupError(
    `Node ${process.version} headers not found in ${join(prefix, "include", "node")} (node-gyp would download them, which fails here). ` +
      "Install Node with its headers (Debian's nodejs package ships them in /usr/include/node), or set npm_config_nodedir to a Node source/headers dir of this exact version.",
  );
}

/** The recipe from issue 7: code-server's own postinstall downloads binaries, so every step is done by hand. */
function installCodeServer(root) {
  const npmEnv = {
    ...process.env,
    npm_config_yes: "true",
    npm_config_unsafe_perm: "true",
    npm_config_fund: "false",
    npm_config_audit: "false",
    npm_config_update_notifier: "false",
    npm_config_nodedir: nodeHeadersDir(),
  };
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, "package.json"), JSON.stringify({ name: "catalytic-code-server-cache", private: true }) + "\n");
  log(`npm install code-server@${CODE_SERVER_VERSION} --ignore-scripts`);
  run("npm", ["install", "--no-save", "--ignore-scripts", `code-server@${CODE_SERVER_VERSION}`], { cwd: root, env: npmEnv });
  const top = join(root, "node_modules", "code-server");
  const vscodeDir = join(top, "lib", "vscode");
  log("npm install --omit=dev --ignore-scripts in lib/vscode");
  run("npm", ["install", "--omit=dev", "--ignore-scripts"], { cwd: vscodeDir, env: npmEnv });
  log(`npm rebuild ${NATIVE_VSCODE_MODULES.join(" ")}`);
  run("npm", ["rebuild", ...NATIVE_VSCODE_MODULES], { cwd: vscodeDir, env: npmEnv });
  const rgDir = join(vscodeDir, "node_modules", "@vscode", "ripgrep", "bin");
  mkdirSync(rgDir, { recursive: true });
  copyFileSync("/usr/bin/rg", join(rgDir, "rg"));
  chmodSync(join(rgDir, "rg"), 0o755);
  link("node_modules", join(vscodeDir, "node_modules.asar"));
  link("code-linux.sh", join(vscodeDir, "bin", "remote-cli", "code-server"));
  link("browser-linux.sh", join(vscodeDir, "bin", "helpers", "browser.sh"));
  log("npm install --omit=dev in lib/vscode/extensions");
  run("npm", ["install", "--omit=dev"], { cwd: join(vscodeDir, "extensions"), env: npmEnv });
  // npm hoists argon2 next to code-server, so it is rebuilt at the install root.
  log("npm rebuild argon2");
  run("npm", ["rebuild", "argon2"], { cwd: root, env: npmEnv });
  if (!existsSync(join(root, "node_modules", "argon2", "lib", "binding", "napi-v3", "argon2.node"))) {
    throw new SetupError("argon2 did not build (node_modules/argon2/lib/binding/napi-v3/argon2.node missing): check g++, make and python3");
  }
}

export function ensureCodeServer() {
  const root = codeServerCacheDir();
  const marker = join(root, ".installed");
  if (existsSync(marker) && existsSync(codeServerEntry(root))) return codeServerEntry(root);
  if (!existsSync("/usr/bin/rg")) throw new SetupError("ripgrep is missing (/usr/bin/rg): apt-get install -y ripgrep");
  const staging = `${root}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const started = Date.now();
  log(`installing code-server ${CODE_SERVER_VERSION} into ${root} (about 80 s)`);
  try {
    installCodeServer(staging);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  // npm rebuild records absolute paths in a few build files, so the staging dir is renamed only after a clean build.
  rmSync(root, { recursive: true, force: true });
  renameSync(staging, root);
  writeFileSync(marker, `${CODE_SERVER_VERSION}\n`);
  log(`code-server installed in ${Math.round((Date.now() - started) / 1000)} s`);
  return codeServerEntry(root);
}

export function resolvePlaywright() {
  const require = createRequire(join(here, "..", "package.json"));
  try {
    return require.resolve("playwright-core");
  } catch {
    throw new SetupError("playwright-core is not installed: it is a devDependency of @catalytic/tests; run `pnpm install` at the repo root.");
  }
}

function checkChromium() {
  if (!existsSync(CHROMIUM_PATH)) throw new SetupError(`${CHROMIUM_PATH} is missing: apt-get install -y chromium`);
  run(CHROMIUM_PATH, ["--version"]);
}

/** Everything the suite needs; throws SetupError with the fix when something cannot be installed. */
export function ensureVsCodeE2eEnvironment() {
  ensureAptPackages();
  checkChromium();
  const codeServer = ensureCodeServer();
  const playwright = resolvePlaywright();
  return { codeServer, chromium: CHROMIUM_PATH, playwright, node: process.execPath };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const started = Date.now();
    const env = ensureVsCodeE2eEnvironment();
    process.stdout.write(JSON.stringify({ ...env, seconds: Math.round((Date.now() - started) / 1000) }, null, 2) + "\n");
  } catch (error) {
    process.stderr.write(`[vscode-e2e setup] FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
