// `catalytic config check`: validate catalytic.json and print every problem with its JSON path.
import { readFileSync } from "node:fs";
import path from "node:path";
import { CONFIG_FILE, ConfigError, checkConfigText, defaultConfig, sourceFolderProblems } from "@catalytic/core";
import type { Command } from "../command.js";

const check: Command = {
  name: "config check",
  summary: "Validate catalytic.json and list every problem with its JSON path",
  details: "Exit 0 when valid (or absent: defaults apply), 1 when any problem is found, including a source folder that does not exist.",
  run(ctx) {
    const file = path.join(ctx.root, CONFIG_FILE);
    let text: string | undefined;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
        throw new ConfigError("CAT_FILE_UNREADABLE", `cannot read ${file}: ${(error as Error).message}`, { hint: "check permissions" });
      }
    }
    if (text === undefined) {
      ctx.emitJson({ ok: true, file, exists: false, problems: [], config: defaultConfig() });
      ctx.print(`${CONFIG_FILE} not found in ${ctx.root}: defaults apply (every **/*.md is a source)`);
      return 0;
    }
    const checked = checkConfigText(text, file);
    const { config } = checked;
    const problems = config ? sourceFolderProblems(ctx.root, config.sources) : checked.problems;
    ctx.emitJson({ ok: problems.length === 0, file, exists: true, problems, ...(config ? { config } : {}) });
    if (problems.length === 0) {
      ctx.print(`OK: ${file}`);
      return 0;
    }
    for (const problem of problems) ctx.print(`${problem.path}: ${problem.message}`);
    ctx.note(`error CAT_CONFIG_INVALID: ${problems.length} problem(s) in ${file} (fix each path above)`);
    return 1;
  },
};

export const configCommands: readonly Command[] = [check];
