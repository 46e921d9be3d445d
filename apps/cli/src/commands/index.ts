// Every command the CLI knows. Each file exports its commands; this list is the registry.
import type { Command } from "../command.js";
import { configCommands } from "./config.js";
import { cassetteCommands } from "./cassette.js";
import { planCommands } from "./plan.js";
import { antsCommands } from "./ants.js";
import { executeCommands } from "./execute.js";
import { restoreCommands } from "./restore.js";
import { indexCommands } from "./index-commands.js";
import { symbolCommands } from "./symbols.js";
import { resolveCommands } from "./resolve.js";
import { searchCommands } from "./search.js";
import { reportCommands } from "./report.js";
import { bundleCommands } from "./bundle.js";
import { mcpCommands } from "./mcp.js";
import { watchCommands } from "./watch.js";

export const COMMANDS: readonly Command[] = [...configCommands, ...cassetteCommands, ...planCommands, ...antsCommands, ...executeCommands, ...restoreCommands, ...indexCommands, ...symbolCommands, ...resolveCommands, ...searchCommands, ...bundleCommands, ...reportCommands, ...mcpCommands, ...watchCommands];
