// Pure text of the read-only documents commands open (tested without VS Code).
import type { BundleResult, GetPlanResult, ResolveSymbolResult } from "@catalytic/core/protocol";

/** The read-only editor text: the bounded payload under a comment saying where it came from. */
export function resolvedDocument(result: ResolveSymbolResult): string {
  const header = [
    `<!-- ${result.symbolId} -> ${result.file} lines ${result.lineStart + 1}-${result.lineEnd}${result.headingPath.length > 0 ? ` (${result.headingPath.join(" > ")})` : ""}`,
    `     slice ${result.slice} (${result.sliceSource}), ${result.bytes} bytes, content ${result.contentHash}${result.cacheHit ? ", cache hit" : ""} -->`,
  ];
  return `${header.join("\n")}\n${result.payload}`;
}

/** Open Plan's document: which job, whether the stored steps still hash to the plan hash, the plan, then the request it came from. */
export function storedPlanDocument(stored: GetPlanResult): string {
  const document = {
    job_id: stored.jobId,
    run_id: stored.runId,
    message_id: stored.messageId,
    posted_at: stored.createdAt,
    plan_hash: stored.plan.plan_hash,
    plan_hash_verified: stored.planHashMatches,
    plan: stored.plan,
    request: stored.request,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** The notification after Bundle for Intent…: items, tokens against the budget and the whole-file baseline. */
export function bundleSummary(bundle: BundleResult["bundle"]): string {
  const items = bundle.items.length;
  return `${bundle.bundle_id}: ${items} ${items === 1 ? "item" : "items"}, ${bundle.tokens_total} of ${bundle.budgets.max_tokens} tokens (whole files: ${bundle.baseline.tokens}).`;
}
