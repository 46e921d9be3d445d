// The planner: a pure, deterministic compiler from a plan request to ordered, hashed steps.
import path from "node:path";
import {
  PLAN_SCHEMA_VERSION,
  SliceError,
  assertWritable,
  parsePlanRequest,
  planHash,
  stepId,
  type CatalyticConfig,
  type PlanOutput,
  type PlanRequest,
  type PlanStep,
  type RequestOp,
  type TestCommand,
} from "@catalytic/core";
import { bundleSteps } from "./bundle-steps.js";
import { type DraftStep, boundedBytes, canonicalSlice, withInput } from "./drafts.js";
import { budgetExceeded, fileNotFound, testNotConfigured, unknownSection, unknownSymbol } from "./errors.js";
import type { PlanSubstrate } from "./substrate.js";

// 1.2.0: RUN_TEST steps record the test's command (refs.test_command); protected paths are refused.
export const PLANNER_VERSION = "1.2.0";

export interface PlanOptions {
  /** Plan budgets used for whatever the request leaves out. */
  budgets: { max_steps: number; max_bytes: number; max_symbols: number };
  /** Bound for expansions that have no slice of their own (READ_SECTION, symbols without default_slice). */
  defaultSlice: string;
  /** Test names RUN_TEST may use: the command is recorded in the step, so the ant never reads a later config. */
  tests: Record<string, TestCommand>;
  /** Paths plans may not write on top of the built-in ones (catalytic.json protected_paths). */
  protectedPaths?: readonly string[];
}

export function planOptionsFromConfig(config: CatalyticConfig): PlanOptions {
  const tests: PlanOptions["tests"] = {};
  for (const [name, test] of Object.entries(config.tests)) tests[name] = { ...test, args: [...test.args] };
  return { budgets: { ...config.budgets.plan }, defaultSlice: config.default_slice, tests, protectedPaths: [...config.protected_paths] };
}

function normalizeFilePath(filePath: string): string {
  return path.posix.normalize(filePath.replace(/\\/g, "/"));
}

function readSteps(request: PlanRequest, substrate: PlanSubstrate, options: PlanOptions): DraftStep[] {
  const drafts: DraftStep[] = [];
  request.inputs.symbols.forEach((entry, i) => {
    const input = `inputs.symbols[${i}]`;
    const symbolId = typeof entry === "string" ? entry : entry.symbol_id;
    const requested = typeof entry === "string" ? undefined : entry.slice;
    if (requested !== undefined && requested.trim().toLowerCase() === "all") {
      throw new SliceError("CAT_SLICE_ALL_FORBIDDEN", `${input}: slice ALL is forbidden for ${symbolId}`, {
        hint: "give a bounded slice such as lines[0:40] or head(4000), or leave the slice out to use the symbol's default slice",
        details: { input, symbol_id: symbolId },
      });
    }
    const symbol = withInput(input, () => substrate.symbol(symbolId));
    if (!symbol) throw unknownSymbol(input, symbolId, substrate.suggestSymbols(symbolId));
    const { text, slice } = canonicalSlice(input, requested ?? symbol.defaultSlice ?? options.defaultSlice);
    drafts.push({
      op: "READ_SYMBOL",
      refs: { symbol_id: symbolId, slice: text },
      expected_outputs: { symbols_resolved: [symbolId] },
      input,
      bytes: boundedBytes(input, symbol.content, slice),
    });
  });
  request.inputs.sections.forEach((sectionId, i) => {
    const input = `inputs.sections[${i}]`;
    const section = withInput(input, () => substrate.section(sectionId));
    if (!section) throw unknownSection(input, sectionId);
    const { text, slice } = canonicalSlice(input, options.defaultSlice);
    drafts.push({
      op: "READ_SECTION",
      refs: { section_id: sectionId, slice: text },
      expected_outputs: { sections_read: [sectionId] },
      input,
      bytes: boundedBytes(input, section.content, slice),
    });
  });
  request.inputs.files.forEach((raw, i) => {
    const input = `inputs.files[${i}]`;
    const file = withInput(input, () => substrate.file(raw));
    if (!file) throw fileNotFound(input, raw);
    drafts.push({ op: "READ_FILE", refs: { file_path: normalizeFilePath(raw) }, input, bytes: file.bytes });
  });
  request.inputs.notes.forEach((message, i) => {
    drafts.push({ op: "NOTE", refs: { message }, input: `inputs.notes[${i}]`, bytes: 0 });
  });
  return drafts;
}

function opSteps(request: PlanRequest, substrate: PlanSubstrate, options: PlanOptions): DraftStep[] {
  const written = new Set<string>();
  const checkInside = (input: string, filePath: string) =>
    withInput(input, () => {
      assertWritable(filePath, options.protectedPaths);
      return substrate.file(filePath);
    });
  return request.ops.map((op: RequestOp, i): DraftStep => {
    const input = `ops[${i}]`;
    switch (op.op) {
      case "WRITE_FILE": {
        checkInside(input, op.file_path);
        const filePath = normalizeFilePath(op.file_path);
        written.add(filePath);
        return {
          op: "WRITE_FILE",
          refs: { file_path: filePath, content: op.content },
          expected_outputs: { files_modified: [filePath] },
          input,
          bytes: 0,
        };
      }
      case "PATCH_FILE": {
        const filePath = normalizeFilePath(op.file_path);
        // The hash itself is checked by the ant at execution: earlier steps may legitimately change the file.
        if (!checkInside(input, op.file_path) && !written.has(filePath)) throw fileNotFound(input, op.file_path);
        written.add(filePath);
        return {
          op: "PATCH_FILE",
          refs: {
            file_path: filePath,
            file_hash: op.file_hash,
            patch_start_line: op.patch_start_line,
            patch_end_line: op.patch_end_line,
            content: op.content,
          },
          expected_outputs: { files_modified: [filePath] },
          input,
          bytes: 0,
        };
      }
      case "RUN_TEST": {
        const test = Object.hasOwn(options.tests, op.test_name) ? options.tests[op.test_name] : undefined;
        if (!test) throw testNotConfigured(input, op.test_name, Object.keys(options.tests).sort());
        return {
          op: "RUN_TEST",
          refs: { test_name: op.test_name, test_command: { command: test.command, args: [...test.args], cwd: test.cwd } },
          constraints: { timeout_seconds: test.timeout_seconds },
          expected_outputs: { test_passed: true },
          input,
          bytes: 0,
        };
      }
      case "NOTE":
        return { op: "NOTE", refs: { message: op.message }, input, bytes: 0 };
    }
  });
}

/**
 * Dependencies: reads and notes depend on nothing; a write or patch depends on every earlier write
 * or patch of the same file and on every earlier READ_FILE of it (so reads see the file as it was);
 * RUN_TEST depends on every write and patch before it.
 */
function withDependencies(request: PlanRequest, drafts: DraftStep[]): PlanStep[] {
  const steps: PlanStep[] = [];
  const readsByFile = new Map<string, string[]>();
  const writesByFile = new Map<string, string[]>();
  const allWrites: string[] = [];
  drafts.forEach((draft, index) => {
    const filePath = draft.refs.file_path;
    let dependsOn: string[] = [];
    if ((draft.op === "WRITE_FILE" || draft.op === "PATCH_FILE") && filePath !== undefined) {
      dependsOn = [...(readsByFile.get(filePath) ?? []), ...(writesByFile.get(filePath) ?? [])];
    } else if (draft.op === "RUN_TEST") {
      dependsOn = [...allWrites];
    }
    const body = {
      ordinal: index + 1,
      op: draft.op,
      refs: draft.refs,
      ...(draft.constraints ? { constraints: draft.constraints } : {}),
      ...(draft.expected_outputs ? { expected_outputs: draft.expected_outputs } : {}),
      depends_on: dependsOn,
    };
    // The run and request are hashed with the step: the cassette keeps step ids unique across all plans.
    const id = stepId({ run_id: request.run_id, request_id: request.request_id, ...body });
    steps.push({ step_id: id, ...body });
    if (filePath === undefined) return;
    if (draft.op === "READ_FILE") readsByFile.set(filePath, [...(readsByFile.get(filePath) ?? []), id]);
    if (draft.op === "WRITE_FILE" || draft.op === "PATCH_FILE") {
      writesByFile.set(filePath, [...(writesByFile.get(filePath) ?? []), id]);
      allWrites.push(id);
    }
  });
  return steps;
}

/** Effective budgets: the request's, else the configured plan defaults. */
export function effectiveBudgets(request: PlanRequest, options: PlanOptions): PlanOptions["budgets"] {
  return {
    max_steps: request.budgets?.max_steps ?? options.budgets.max_steps,
    max_bytes: request.budgets?.max_bytes ?? options.budgets.max_bytes,
    max_symbols: request.budgets?.max_symbols ?? options.budgets.max_symbols,
  };
}

/**
 * Compiles a request into a plan. Pure: reads only through `substrate`, writes nothing, and gives
 * byte-identical output for identical inputs. Fails closed on any budget breach or bad input.
 */
export function plan(raw: PlanRequest | unknown, substrate: PlanSubstrate, options: PlanOptions): PlanOutput {
  const request = parsePlanRequest(raw, "plan request");
  const budgets = effectiveBudgets(request, options);
  const { inputs } = request;
  const bundleItems = request.bundle?.items ?? [];
  const stepCount =
    bundleItems.length + inputs.symbols.length + inputs.sections.length + inputs.files.length + inputs.notes.length + request.ops.length;
  if (stepCount > budgets.max_steps) throw budgetExceeded("max_steps", budgets.max_steps, stepCount, "steps");
  const distinctSymbols = new Set([
    ...bundleItems.flatMap((item) => (item.ref !== null ? [item.ref] : [])),
    ...inputs.symbols.map((entry) => (typeof entry === "string" ? entry : entry.symbol_id)),
  ]);
  if (distinctSymbols.size > budgets.max_symbols) {
    throw budgetExceeded("max_symbols", budgets.max_symbols, distinctSymbols.size, "distinct symbols");
  }
  const drafts = [...bundleSteps(request.bundle, substrate), ...readSteps(request, substrate, options), ...opSteps(request, substrate, options)];
  let totalBytes = 0;
  for (const draft of drafts) {
    totalBytes += draft.bytes;
    if (totalBytes > budgets.max_bytes) {
      throw budgetExceeded("max_bytes", budgets.max_bytes, totalBytes, "referenced bytes (files + bounded expansions) up to here", draft.input);
    }
  }
  const steps = withDependencies(request, drafts);
  return {
    run_id: request.run_id,
    request_id: request.request_id,
    planner_version: PLANNER_VERSION,
    schema_version: PLAN_SCHEMA_VERSION,
    steps,
    ...(request.bundle ? { bundle_hash: request.bundle.bundle_hash } : {}),
    plan_hash: planHash(request.run_id, request.request_id, steps),
  };
}

