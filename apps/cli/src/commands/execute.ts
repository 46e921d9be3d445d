// `catalytic execute`: the one-shot form of `ants spawn`.
import { MAX_WORKERS } from "@catalytic/ants";
import { intOption } from "../args.js";
import type { Command } from "../command.js";
import { SPAWN_OPTIONS, runSpawn } from "./ants.js";

const DEFAULT_WORKERS = 2;

const execute: Command = {
  name: "execute",
  summary: "Execute a posted job with N ants and wait (exit 0 all done, 1 a step failed, 2 invariant/database error)",
  options: { ...SPAWN_OPTIONS, workers: { type: "integer", min: 1, max: MAX_WORKERS, short: "n", description: "number of ants", defaultText: String(DEFAULT_WORKERS) } },
  details: "Example: catalytic plan --request-file req.json && catalytic execute --run-id R --job-id J --workers 4",
  run: (ctx, args) => runSpawn(ctx, args, intOption(args, "workers", DEFAULT_WORKERS)),
};

export const executeCommands: readonly Command[] = [execute];
