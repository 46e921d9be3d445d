// `catalytic restore`: undo a run's writes from the CAS and prove the files are back.
import { restoreRun } from "@catalytic/ants";
import { requiredOption } from "../args.js";
import type { Command } from "../command.js";

const restore: Command = {
  name: "restore",
  summary: "Revert every WRITE/PATCH of a run (newest first) and prove each touched file has its pre-run hash",
  options: { "run-id": { type: "string", description: "run to restore" } },
  details: "Refuses with CAT_RESTORE_CONFLICT, changing nothing, when a touched file changed after the run.",
  run(ctx, args) {
    const result = restoreRun(ctx.root, requiredOption(args, "run-id"));
    ctx.emitJson({ ok: true, ...result });
    if (result.restored.length === 0) ctx.print(`run ${result.runId} wrote no files: nothing to restore`);
    else if (result.alreadyRestored) ctx.print(`run ${result.runId}: already restored (every touched file has its pre-run hash)`);
    else ctx.print(`run ${result.runId}: reverted ${result.writesReverted} write(s) on ${result.restored.length} file(s)`);
    for (const file of result.restored) ctx.print(`  ${file.file} ${file.hash}`);
    ctx.print(`root before run     ${result.rootBefore}`);
    ctx.print(`root before restore ${result.rootAtStart}`);
    ctx.print(`root after restore  ${result.rootAfter}`);
    return 0;
  },
};

export const restoreCommands: readonly Command[] = [restore];
