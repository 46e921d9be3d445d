// `catalytic restore`: put a run's files back as they were before it, and prove it (or refuse, naming the files).
import { restoreRun } from "@catalytic/ants";
import { escapeText } from "@catalytic/core";
import { booleanOption, idOption } from "../args.js";
import type { Command } from "../command.js";

const restore: Command = {
  name: "restore",
  summary: "Put every file a run wrote back to its pre-run content and prove the touched files match the pre-run root",
  options: {
    "run-id": { type: "string", description: "run to restore" },
    force: { type: "boolean", description: "restore even files that hold content the run did not write (overwrites it)" },
  },
  details: [
    "Refuses with CAT_RESTORE_CONFLICT, changing nothing, when a touched file holds content the run did not write",
    "(changed after the run, or between two of its writes); --force overwrites it. Exit 0 only when every touched",
    "file has its pre-run hash afterwards; otherwise exit 1 naming each file that differs.",
  ].join("\n"),
  run(ctx, args) {
    const result = restoreRun(ctx.root, idOption(args, "run-id"), { force: booleanOption(args, "force") });
    ctx.emitJson({ ok: true, ...result });
    if (result.restored.length === 0) ctx.print(`run ${result.runId} wrote no files: nothing to restore`);
    else if (result.alreadyRestored) ctx.print(`run ${result.runId}: already restored (every touched file has its pre-run hash)`);
    else ctx.print(`run ${result.runId}: reverted ${result.writesReverted} write(s) on ${result.filesReverted} file(s)`);
    // File names come from plans: escaped, like every other free text on a terminal.
    for (const conflict of result.forced) ctx.print(`  forced: ${escapeText(conflict.file)} held ${conflict.actual}, content the run did not write`);
    for (const file of result.restored) ctx.print(`  ${escapeText(file.file)} ${file.hash}`);
    ctx.print(`root before run     ${result.rootBefore}`);
    ctx.print(`root before restore ${result.rootAtStart}`);
    ctx.print(`root after restore  ${result.rootAfter}`);
    return 0;
  },
};

export const restoreCommands: readonly Command[] = [restore];
