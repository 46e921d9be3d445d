// `catalytic resolve @NS/NAME[#slug][:slice]`: bounded payload on stdout, metadata and cache status on stderr.
import { requiredPositional, stringOption } from "../args.js";
import type { Command } from "../command.js";
import { headingLabel, lines, openBuiltIndex } from "./index-commands.js";

const resolve: Command = {
  name: "resolve",
  summary: "Expand a symbol to a bounded payload through the expansion cache",
  positionals: [{ name: "reference", required: true, description: "@NS/NAME, optionally #slug and :slice (e.g. @CANON/guide#setup:lines[0:20])" }],
  options: {
    slice: { type: "string", description: "bounded slice (overrides one in the reference): lines[a:b], chars[a:b], head(n), tail(n)" },
    "run-id": { type: "string", description: "run the expansion belongs to (part of the cache key)", defaultText: "default" },
  },
  details:
    "Without a slice the symbol's default slice applies, else catalytic.json default_slice (head(4000)); the source is reported.\n" +
    "stdout is the payload's exact bytes (a newline is added only on a terminal); stderr ends with [CACHE HIT] or [CACHE MISS].\n" +
    "Requires a built index ('catalytic build').",
  run(ctx, args) {
    const reference = requiredPositional(args, 0, "reference");
    const slice = stringOption(args, "slice");
    const runId = stringOption(args, "run-id");
    const index = openBuiltIndex(ctx);
    try {
      const r = index.resolve(reference, { ...(slice !== undefined ? { slice } : {}), ...(runId !== undefined ? { runId } : {}) });
      if (ctx.json) {
        ctx.emitJson({
          ok: true,
          symbolId: r.symbolId,
          reference: r.reference,
          runId: r.runId,
          section: r.section,
          slice: r.sliceText,
          sliceSource: r.sliceSource,
          contentHash: r.contentHash,
          payloadHash: r.payloadHash,
          payloadRef: r.payloadRef,
          bytes: r.bytes,
          cacheHit: r.cacheHit,
          payload: r.payload,
        });
        return 0;
      }
      // The payload's exact bytes (they hash to payloadHash); a terminal also gets a newline so the prompt starts clean.
      const terminal = (ctx.stdout as { isTTY?: boolean }).isTTY === true;
      ctx.stdout.write(terminal && !r.payload.endsWith("\n") && r.payload.length > 0 ? `${r.payload}\n` : r.payload);
      ctx.note(`${r.reference} -> section ${r.section.sectionId}`);
      ctx.note(`  ${lines(r.section)}  ${headingLabel(r.section)}`);
      ctx.note(`  slice ${r.sliceText} (${r.sliceSource.replace("_", " ")}), content hash ${r.contentHash}, ${r.bytes} bytes, run ${r.runId}`);
      ctx.note(r.cacheHit ? "[CACHE HIT]" : "[CACHE MISS]");
      return 0;
    } finally {
      index.close();
    }
  },
};

export const resolveCommands: readonly Command[] = [resolve];
