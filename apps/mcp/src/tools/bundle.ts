// bundle: the smallest context for an intent (docs/bundles.md) as the bundle and its rendered pack, within
// the call's cap; the items delivered leave one receipt in the run, which later bundles of the run reuse.
import { Buffer } from "node:buffer";
import { InputError } from "@catalytic/core";
import { BUNDLE_DEFAULTS, buildBundle, recordBundle, renderBundleMarkdown, type BundleBuild } from "@catalytic/indexer";
import { recordExpansion } from "../receipts.js";
import type { Session } from "../session.js";

export interface BundleArgs {
  intent: string;
  budget_tokens?: number;
  refs?: string[];
  k?: number;
  run_id?: string;
}

function tooLarge(what: string, cap: number, hint: string): InputError {
  return new InputError("CAT_OUTPUT_TOO_LARGE", `${what} does not fit the output cap of ${cap} tokens`, { hint, details: { cap_tokens: cap } });
}

const DEFAULT_TRIALS = 6;

export async function bundleTool(session: Session, args: BundleArgs): Promise<{ structured: Record<string, unknown>; text: string }> {
  const cap = session.callCap();
  const counter = await session.tokens();
  const runId = session.runFor(args.run_id);
  const index = session.workspace.guard(() => session.workspace.index());
  // The run's receipts as bundle reuse reads them (receiptExpansionsOfRun in the planner), kept by the session.
  const prior = session.workspace.guard(() => session.expandedIn(runId).slices);
  const request = (budget: number) => ({
    intent: args.intent,
    budget_tokens: budget,
    ...(args.k !== undefined ? { k: args.k } : {}),
    ...(args.refs ? { refs: args.refs } : {}),
    run_id: runId,
    prior,
    record: false,
  });
  // Each trial is built under the run but records nothing: an explicit budget whose pack cannot fit fails having
  // stored nothing; the default budget shrinks until the pack (items plus provenance lines) fits the cap. Only the
  // bundle delivered is recorded.
  let budget = args.budget_tokens ?? Math.min(BUNDLE_DEFAULTS.budget_tokens, cap);
  let built: BundleBuild;
  let pack: string;
  let tokens: number;
  for (let trial = 1; ; trial++) {
    built = session.workspace.guard(() => buildBundle(index, request(budget), counter));
    pack = renderBundleMarkdown(built.bundle, built.chunks);
    tokens = counter.count(pack);
    if (tokens <= cap) break;
    // Each item brings its provenance lines: shrink what the items may hold in proportion to the excess.
    const smaller = Math.floor((Math.min(budget, built.bundle.tokens_total) * cap) / tokens);
    if (args.budget_tokens !== undefined || trial === DEFAULT_TRIALS || smaller < 1) {
      throw tooLarge(
        `the pack of a bundle of ${budget} tokens (${built.bundle.tokens_total} tokens of items, ${tokens} with their provenance lines)`,
        cap,
        `pass a smaller budget_tokens (about ${Math.max(1, smaller)}), fewer refs or a smaller k, or raise --max-output-tokens`,
      );
    }
    budget = smaller;
  }
  const { bundle, chunks } = built;
  session.workspace.guard(() => recordBundle(index, built));
  const delivered = bundle.items.flatMap((item, i) =>
    item.reused
      ? []
      : [
          {
            kind: item.ref !== null ? ("symbol" as const) : ("section" as const),
            id: item.ref ?? item.section_id,
            slice: item.slice,
            section_id: item.section_id,
            content_hash: item.content_hash,
            bytes: Buffer.byteLength(chunks[i]?.text ?? "", "utf8"),
            cache_hit: false,
            file_path: item.file_path,
            tokens: item.tokens,
          },
        ],
  );
  const receipt = session.workspace.guard(() =>
    recordExpansion(session, counter, {
      tool: "bundle",
      op: "READ_SECTION",
      runId,
      expansions: delivered,
      tokens,
      searchK: args.k ?? BUNDLE_DEFAULTS.k,
      request: { intent: args.intent, budget_tokens: budget, refs: args.refs ?? [], ...(args.k !== undefined ? { k: args.k } : {}) },
      outputs: { bundle_id: bundle.bundle_id, bundle_hash: bundle.bundle_hash },
    }),
  );
  session.charge(tokens);
  session.noteSections(bundle.items.map((item) => item.section_id));
  return { structured: { run_id: runId, bundle, pack, receipt, tokens }, text: pack };
}
