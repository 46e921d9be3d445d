// A single-line progress bar for TTYs; silent elsewhere so logs and pipes stay clean.
import type { Writable } from "node:stream";
import type { Progress } from "./command.js";

const WIDTH = 28;
const MIN_INTERVAL_MS = 80;

export function createProgress(stream: Writable, interactive: boolean, label: string, total: number): Progress {
  if (!interactive || total <= 0) return { tick() {}, finish() {} };
  let last = 0;
  const draw = (done: number, detail = ""): void => {
    const ratio = Math.min(1, done / total);
    const filled = Math.round(ratio * WIDTH);
    const bar = "#".repeat(filled) + "-".repeat(WIDTH - filled);
    stream.write(`\r\x1b[2K${label} [${bar}] ${done}/${total}${detail ? ` ${detail}` : ""}`);
  };
  return {
    tick(done, detail) {
      const now = Date.now();
      if (done < total && now - last < MIN_INTERVAL_MS) return;
      last = now;
      draw(done, detail);
    },
    finish() {
      stream.write("\r\x1b[2K");
    },
  };
}
