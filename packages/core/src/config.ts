// `catalytic.json`: the workspace configuration. Every field is documented and has a default.
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { parseJson } from "./canonical.js";
import { ConfigError } from "./errors.js";
import { sliceText } from "./schemas/common.js";
import { CONFIG_FILE } from "./workspace.js";

const NAMESPACE = /^[A-Z][A-Z0-9_]*$/;

/** Longest RUN_TEST timeout: one day (Node timers stop working above 2^31-1 ms, about 24.8 days). */
export const MAX_TEST_TIMEOUT_SECONDS = 86_400;
/** Longest lease the cassette grants (packages/cassette validates the same bound): seven days. */
export const MAX_LEASE_TTL_SECONDS = 7 * 24 * 3600;

export const SourceConfigSchema = z
  .object({
    path: z.string().min(1).describe("Folder of the source, relative to the workspace root. Default: \".\"."),
    include: z
      .array(z.string().min(1))
      .default(["**/*.md"])
      .describe("Glob patterns (relative to `path`) of files to index. Default: [\"**/*.md\"]."),
    exclude: z.array(z.string().min(1)).default([]).describe("Glob patterns (relative to `path`) to skip. Default: []."),
    namespace: z
      .string()
      .regex(NAMESPACE, "a namespace is upper case: [A-Z][A-Z0-9_]*")
      .optional()
      .describe("When set, every file gets a FILE symbol @NAMESPACE/<path without extension>. Default: none."),
  })
  .strict()
  .describe("One folder of files to index.");

export const TestCommandSchema = z
  .object({
    command: z.string().min(1).describe("Executable to run (no shell): a name on PATH or a workspace-relative path."),
    args: z.array(z.string()).default([]).describe("Arguments, passed as-is (no shell expansion). Default: []."),
    cwd: z.string().default(".").describe("Working directory, relative to the workspace root. Default: \".\"."),
    timeout_seconds: z
      .number()
      .int()
      .min(1)
      .max(MAX_TEST_TIMEOUT_SECONDS)
      .default(120)
      .describe(`Kill the test after this many seconds, 1 to ${MAX_TEST_TIMEOUT_SECONDS}. Default: 120.`),
  })
  .strict()
  .describe("A named test command that RUN_TEST steps may run.");

export const PlanBudgetDefaultsSchema = z
  .object({
    max_steps: z.number().int().min(1).default(1000).describe("Default plan max_steps. Default: 1000."),
    max_bytes: z.number().int().min(0).default(50_000_000).describe("Default plan max_bytes. Default: 50000000."),
    max_symbols: z.number().int().min(0).default(1000).describe("Default plan max_symbols. Default: 1000."),
  })
  .strict();

export const StepBudgetDefaultsSchema = z
  .object({
    max_symbols: z.number().int().min(0).default(10).describe("Distinct symbols one step may resolve. Default: 10."),
    max_sections: z.number().int().min(0).default(5).describe("Distinct sections one step may expand. Default: 5."),
    max_bytes_expanded: z.number().int().min(0).default(1_000_000).describe("Bytes one step may expand. Default: 1000000."),
    max_expands_per_step: z.number().int().min(0).default(3).describe("Expansions one step may make. Default: 3."),
  })
  .strict();

export const ConfigSchema = z
  .object({
    $schema: z.string().optional().describe("Optional JSON Schema reference for editors."),
    sources: z
      .array(SourceConfigSchema)
      .default([{ path: ".", include: ["**/*.md"], exclude: [] }])
      .describe("Folders to index. Default: every **/*.md under the root (honouring .gitignore)."),
    exclude: z
      .array(z.string().min(1))
      .default([])
      .describe("Glob patterns (relative to the root) never indexed, on top of .gitignore and .catalytic/. Default: []."),
    default_slice: sliceText("Bound applied when a reference has no slice and its symbol no default slice. Default: \"head(4000)\".")
      .default("head(4000)"),
    budgets: z
      .object({
        plan: PlanBudgetDefaultsSchema.default({ max_steps: 1000, max_bytes: 50_000_000, max_symbols: 1000 }),
        step: StepBudgetDefaultsSchema.default({ max_symbols: 10, max_sections: 5, max_bytes_expanded: 1_000_000, max_expands_per_step: 3 }),
      })
      .strict()
      .default({
        plan: { max_steps: 1000, max_bytes: 50_000_000, max_symbols: 1000 },
        step: { max_symbols: 10, max_sections: 5, max_bytes_expanded: 1_000_000, max_expands_per_step: 3 },
      })
      .describe("Default budgets for plans (when a request omits them) and for each step."),
    tests: z
      .record(z.string().regex(/^[A-Za-z0-9_.:-]+$/, "test names use [A-Za-z0-9_.:-]"), TestCommandSchema)
      .default({})
      .describe("Named test commands RUN_TEST may run; nothing else can be run. Default: {}."),
    lease_ttl_seconds: z
      .number()
      .int()
      .min(1)
      .max(MAX_LEASE_TTL_SECONDS)
      .default(60)
      .describe(`Lease length for ants in seconds, 1 to ${MAX_LEASE_TTL_SECONDS}, renewed while a step runs. Default: 60.`),
    protected_paths: z
      .array(
        z
          .string()
          .min(1)
          .refine((p) => !p.startsWith("/") && !p.split(/[\\/]/).includes(".."), "a protected path is a glob relative to the root, without '..'"),
      )
      .default([])
      .describe(
        "More paths plans may never write (globs relative to the root: `*` within a segment, `**` across segments; matched case-insensitively). " +
          "They add to the built-in list (.catalytic/**, **/.git/**, catalytic.json, catalytic.symbols.json, ...; docs/security.md), which cannot be removed. Default: [].",
      ),
    checkpoint_key: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Ed25519 key file that signs cassette checkpoints (absolute, `~/...`, or relative to the root; never inside .catalytic/). Default: $XDG_CONFIG_HOME/catalytic/checkpoint-ed25519.pem (~/.config/catalytic/... without XDG_CONFIG_HOME).",
      ),
  })
  .strict()
  .describe("Catalytic workspace configuration (catalytic.json).");

export type SourceConfig = z.infer<typeof SourceConfigSchema>;
export type TestCommand = z.infer<typeof TestCommandSchema>;
export type CatalyticConfig = z.infer<typeof ConfigSchema>;

export interface ConfigProblem {
  /** JSON path of the offending value, e.g. `$.sources[0].namespace`. */
  path: string;
  message: string;
}

export function formatJsonPath(segments: readonly PropertyKey[]): string {
  let out = "$";
  for (const segment of segments) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (typeof segment === "string" && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(segment)) out += `.${segment}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

/** Validates config text; returns the parsed config or every problem with its JSON path. */
export function checkConfigText(text: string, source = CONFIG_FILE): { config?: CatalyticConfig; problems: ConfigProblem[] } {
  let raw: unknown;
  try {
    raw = parseJson(text, source);
  } catch (error) {
    return { problems: [{ path: "$", message: (error as Error).message }] };
  }
  const result = ConfigSchema.safeParse(raw);
  if (!result.success) {
    return { problems: result.error.issues.map((issue) => ({ path: formatJsonPath(issue.path), message: issue.message })) };
  }
  const problems: ConfigProblem[] = [];
  const seen = new Map<string, number>();
  result.data.sources.forEach((s, i) => {
    if (!s.namespace) return;
    const first = seen.get(s.namespace);
    if (first !== undefined) problems.push({ path: `$.sources[${i}].namespace`, message: `namespace ${s.namespace} is already used by $.sources[${first}]` });
    else seen.set(s.namespace, i);
  });
  result.data.sources.forEach((s, i) => {
    const problem = sourcePathProblem(s.path);
    if (problem) problems.push({ path: `$.sources[${i}].path`, message: problem });
  });
  return problems.length ? { problems } : { config: result.data, problems };
}

/** A source path that could never match a workspace file: absolute, or with a ".." segment. */
function sourcePathProblem(sourcePath: string): string | undefined {
  if (path.posix.isAbsolute(sourcePath) || path.win32.isAbsolute(sourcePath)) {
    return `${JSON.stringify(sourcePath)} is absolute: give the folder relative to the workspace root`;
  }
  if (sourcePath.split(/[\\/]/).includes("..")) {
    return `${JSON.stringify(sourcePath)} has a ".." segment: a source is a folder inside the workspace, written without ".."`;
  }
  return undefined;
}

/**
 * Sources whose folder is missing (or is not a folder) under `root`: valid JSON that indexes nothing.
 * `config check` reports them as problems and `build` lists them as skipped, so nothing is silent.
 */
export function sourceFolderProblems(root: string, sources: readonly SourceConfig[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  sources.forEach((source, i) => {
    const stat = statSync(path.join(root, source.path), { throwIfNoEntry: false });
    if (stat?.isDirectory()) return;
    problems.push({
      path: `$.sources[${i}].path`,
      message: `${JSON.stringify(source.path)} ${stat ? "is not a folder" : "does not exist"} under the workspace root: this source indexes nothing`,
    });
  });
  return problems;
}

/** Defaults used when a workspace has no catalytic.json. */
export function defaultConfig(): CatalyticConfig {
  return ConfigSchema.parse({});
}

/** Loads `<root>/catalytic.json` (defaults when absent); throws CAT_CONFIG_INVALID listing every problem. */
export function loadConfig(root: string): CatalyticConfig {
  const file = path.join(root, CONFIG_FILE);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return defaultConfig();
    throw new ConfigError("CAT_CONFIG_INVALID", `cannot read ${CONFIG_FILE}: ${(error as Error).message}`, {
      hint: "check the file's permissions",
    });
  }
  const { config, problems } = checkConfigText(text);
  if (!config) {
    throw new ConfigError(
      "CAT_CONFIG_INVALID",
      `${CONFIG_FILE} has ${problems.length} problem(s): ${problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`,
      { hint: "run 'catalytic config check' for the full list and fix each path", details: { problems } },
    );
  }
  return config;
}
