// Entry of the `catalytic` binary.
import { runCli } from "./cli.js";
import { COMMANDS } from "./commands/index.js";

/**
 * A reader that stops early (`catalytic search ... | head -1`) closes the pipe: the command still finishes its
 * work (nothing half-done), the rest of its output is dropped, and it exits with its own code, quietly
 * (docs/cli.md, "Pipes"). Node ignores SIGPIPE, so a closed pipe surfaces as an EPIPE 'error' event, which
 * without this listener is an uncaught exception.
 */
function endQuietlyWhenClosed(stream: NodeJS.WriteStream): void {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE" || error.code === "ERR_STREAM_DESTROYED") return;
    throw error;
  });
}

endQuietlyWhenClosed(process.stdout);
endQuietlyWhenClosed(process.stderr);

void runCli(process.argv.slice(2), COMMANDS, {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  interactive: Boolean(process.stderr.isTTY),
}).then((code) => {
  process.exitCode = code;
});
