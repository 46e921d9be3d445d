// `catalytic search "query" [-k 10]`: ranked discovery; each search stores a retrieval receipt (docs/indexer.md#search).
import { intOption, requiredPositional, stringOption } from "../args.js";
import type { Command } from "../command.js";
import { openBuiltIndex } from "./index-commands.js";

/** More hits than this is a dump of the index, not a search (export does that). */
const MAX_RESULTS = 10_000;

const search: Command = {
  name: "search",
  summary: "Find sections by ranked full-text search over heading paths, symbol ids and bodies (candidates, not evidence)",
  positionals: [{ name: "query", required: true, description: 'words or a question; "a phrase" must match, -word must not' }],
  options: {
    k: { type: "integer", min: 1, max: MAX_RESULTS, short: "k", description: "number of results", defaultText: "10" },
    "run-id": { type: "string", description: "run the retrieval receipt belongs to", defaultText: "default" },
  },
  details:
    "Any content word may match (stop words dropped, words stemmed); headings and symbol ids weigh more, the exact phrase adds to the score. " +
    "Ordered by score (BM25), then section id: the same query on the same index gives the same list.",
  run(ctx, args) {
    const query = requiredPositional(args, 0, "query");
    const k = intOption(args, "k", 10);
    const runId = stringOption(args, "run-id");
    const index = openBuiltIndex(ctx);
    try {
      const result = index.search(query, { k, ...(runId !== undefined ? { runId } : {}) });
      ctx.emitJson({ ok: true, ...result });
      if (result.hits.length === 0) ctx.print(`no section matches ${JSON.stringify(query)}`);
      result.hits.forEach((hit, i) => {
        const symbols = hit.symbols.length ? `  ${hit.symbols.join(" ")}` : "";
        ctx.print(`${i + 1}. ${hit.score.toFixed(3)}  ${hit.filePath}:${hit.lineStart}-${hit.lineEnd}  ${hit.headingPath.join(" > ") || "(whole file)"}${symbols}`);
        ctx.print(`   ${hit.sectionId}`);
        if (hit.snippet) ctx.print(`   ${hit.snippet}`);
      });
      ctx.note(`retrieval receipt #${result.receiptId} (run ${result.runId}, query hash ${result.queryHash.slice(0, 12)}, index ${result.indexHash.slice(0, 12)})`);
      return 0;
    } finally {
      index.close();
    }
  },
};

export const searchCommands: readonly Command[] = [search];
