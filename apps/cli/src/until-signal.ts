// Long-running commands (mcp, watch) end on SIGINT or SIGTERM: this resolves with the signal's name.
export function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => resolve(signal);
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
