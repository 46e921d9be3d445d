// `catalytic watch`: builds the index, then keeps it current as files change until interrupted.
import { SYMBOLS_FILE, escapeText, formatErrorLine, toCatalyticError } from "@catalytic/core";
import { DEFAULT_WATCH_DEBOUNCE_MS, type WatchRebuild, WorkspaceWatcher } from "@catalytic/indexer";
import { intOption } from "../args.js";
import type { Command, CommandContext } from "../command.js";
import { untilSignal } from "../until-signal.js";

function describe(ctx: CommandContext, rebuild: WatchRebuild): void {
  const { report, trigger } = rebuild;
  const counts = `added ${report.added}, changed ${report.changed}, removed ${report.removed}`;
  if (trigger === "start") ctx.print(`indexed ${report.files} files: ${report.sections} sections, ${report.symbols} symbols (${counts}) in ${report.timings.totalMs} ms`);
  else ctx.print(`${trigger === "paths" ? "re-checked" : trigger === "config" ? "configuration changed, rebuilt" : "rebuilt"} ${escapeText(rebuild.paths.join(", "))}: ${counts} in ${Math.round(rebuild.latencyMs)} ms`);
  for (const skipped of report.skipped) ctx.note(`skipped ${escapeText(skipped.path)}: ${escapeText(skipped.reason)}`);
}

const watchCommand: Command = {
  name: "watch",
  summary: "Build the index, then keep it current as files change (one line per rebuild) until interrupted",
  options: {
    "debounce-ms": { type: "integer", min: 0, max: 10_000, description: "how long events are gathered before a rebuild", defaultText: String(DEFAULT_WATCH_DEBOUNCE_MS) },
  },
  details: [
    "Watches every folder the build walked (one inotify watch each). A changed file is re-checked alone (like",
    "'build --path'); a new or removed folder, a .gitignore or catalytic.symbols.json brings a full build (only",
    "changed folders are listed again); catalytic.json reopens the index with the new configuration. A failed",
    "rebuild is reported and the watch goes on. --json: one object per line ({ok, trigger, paths, latency_ms,",
    "report} or {ok: false, error}); a rebuild that changed no file and skipped nothing is not reported (unless",
    "it followed catalytic.json or catalytic.symbols.json).",
    "SIGINT or SIGTERM stops it (exit 0).",
  ].join("\n"),
  async run(ctx, args) {
    let failed: unknown;
    let stop: () => void = () => {};
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const watcher = WorkspaceWatcher.start(ctx.root, {
      debounceMs: intOption(args, "debounce-ms", DEFAULT_WATCH_DEBOUNCE_MS),
      onRebuild(rebuild) {
        const { report } = rebuild;
        // An editor's temp files and a walk that found nothing new are not news; a registry edit is, even when no file changed.
        const quiet = (rebuild.trigger === "paths" || rebuild.trigger === "full") && !rebuild.paths.includes(SYMBOLS_FILE);
        if (quiet && report.added + report.changed + report.removed === 0 && report.skipped.length === 0) return;
        ctx.emitJsonLine({ ok: true, trigger: rebuild.trigger, paths: rebuild.paths, latencyMs: Math.round(rebuild.latencyMs * 100) / 100, report });
        describe(ctx, rebuild);
      },
      onError(raw, fatal) {
        const error = toCatalyticError(raw);
        ctx.emitJsonLine({ ok: false, error: error.toJSON() });
        if (!ctx.json) ctx.note(escapeText(formatErrorLine(error)));
        if (fatal) {
          failed = error;
          stop();
        }
      },
    });
    ctx.note(`watching ${watcher.folders().length} folder(s) under ${escapeText(ctx.root)} (Ctrl-C to stop)`);
    await Promise.race([untilSignal(), stopped]);
    watcher.close();
    return failed === undefined ? 0 : 1;
  },
};

export const watchCommands: readonly Command[] = [watchCommand];
