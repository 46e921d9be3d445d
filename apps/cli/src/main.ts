// Entry of the `catalytic` binary.
import { runCli } from "./cli.js";
import { COMMANDS } from "./commands/index.js";

void runCli(process.argv.slice(2), COMMANDS, {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  interactive: Boolean(process.stderr.isTTY),
}).then((code) => {
  process.exitCode = code;
});
