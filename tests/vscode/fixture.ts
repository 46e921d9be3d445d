// The workspace the e2e suite opens: Markdown with @references (one unknown), a namespaced source, an explicit
// symbol registry, and a plan request with reads and a write. Written fresh into a temp dir for every run.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

export const AGREEMENT = [
  "# Agreement",
  "",
  "Parties agree to expand only bounded slices.",
  "",
  "## Scope",
  "",
  "The scope covers compact references and bounded slices of canonical material.",
  "",
  "## Terms",
  "",
  "Every step leaves a receipt.",
  "",
].join("\n");

export const GUIDE = [
  "# Guide",
  "",
  "The agreement is @CANON/agreement and its scope is @SPEC/scope today.",
  "",
  "This one does not exist: @CANON/missing-terms here.",
  "",
].join("\n");

/** 1-based positions a person would click on in docs/guide.md. */
export const GUIDE_POSITIONS = {
  specScope: { line: 3, column: "The agreement is @CANON/agreement and its scope is @".length + 2 },
  /** The "@" of @CANON/missing-terms: where its diagnostic starts. */
  unknown: { line: 5, column: "This one does not exist: ".length + 1 },
};

/** 1-based line of "## Scope" in canon/agreement.md (where F12 on @SPEC/scope must land). */
export const SCOPE_HEADING_LINE = 5;

export const REQUEST = {
  run_id: "run_vscode_e2e",
  request_id: "req_vscode_e2e",
  intent: "Summarise the agreement",
  inputs: { symbols: ["@CANON/agreement", "@SPEC/scope", "@CANON/glossary"], files: ["docs/guide.md"], notes: [] },
  ops: [{ op: "WRITE_FILE", file_path: "out/status.md", content: "status: done\n" }],
  budgets: { max_steps: 10, max_bytes: 1_000_000, max_symbols: 5 },
};
/** One step per symbol, per file and per op. */
export const EXPECTED_STEPS = REQUEST.inputs.symbols.length + REQUEST.inputs.files.length + REQUEST.ops.length;

/** Posted and executed with the CLI, outside VS Code: the Jobs tree must follow on its own. */
export const CLI_REQUEST = {
  run_id: "run_cli_live",
  request_id: "req_cli_live",
  intent: "Notes from the CLI",
  inputs: { notes: ["first note", "second note"] },
};

/** A test that fails after a pause, so the run panel can be seen while an ant holds the lease. */
export const FAILING_REQUEST = {
  run_id: "run_failing",
  request_id: "req_failing",
  intent: "A failing test",
  ops: [
    { op: "NOTE", message: "before the test" },
    { op: "RUN_TEST", test_name: "slow-fail" },
  ],
};

export function writeFixtureWorkspace(root: string): string {
  const files: Record<string, string> = {
    "catalytic.json": `${JSON.stringify(
      {
        sources: [{ path: "canon", namespace: "CANON" }, { path: "docs" }],
        tests: { "slow-fail": { command: process.execPath, args: ["-e", "setTimeout(() => process.exit(3), 4000)"], timeout_seconds: 60 } },
      },
      null,
      2,
    )}\n`,
    "catalytic.symbols.json": `${JSON.stringify({ symbols: { "@SPEC/scope": { target_type: "HEADING", target_ref: "canon/agreement.md#Agreement > Scope" } } }, null, 2)}\n`,
    "canon/agreement.md": AGREEMENT,
    "canon/glossary.md": "# Glossary\n\nAnt: a worker process that claims, executes and commits steps.\n",
    "docs/guide.md": GUIDE,
    "out/status.md": "status: draft\n",
    "requests/summarise.json": `${JSON.stringify(REQUEST, null, 2)}\n`,
    "requests/failing.json": `${JSON.stringify(FAILING_REQUEST, null, 2)}\n`,
    "requests/cli-notes.json": `${JSON.stringify(CLI_REQUEST, null, 2)}\n`,
  };
  for (const [relative, content] of Object.entries(files)) {
    const file = path.join(root, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return root;
}
