// Worker thread: builds .catalytic/index.db (SQLite, synchronous) off the server's main thread, so
// requests are answered while it runs. Reports progress and the build summary to the parent.
import { parentPort, workerData } from "node:worker_threads";
import { toCatalyticError } from "@catalytic/core";
import { Index } from "@catalytic/indexer";

export interface IndexWorkerMessage {
  type: "progress" | "done" | "error";
  done?: number;
  total?: number;
  phase?: string;
  summary?: { files: number; sections: number; symbols: number; indexHash: string; problems: number; totalMs: number };
  error?: { code: string; message: string; hint: string };
}

const { root } = workerData as { root: string };
const post = (message: IndexWorkerMessage): void => parentPort?.postMessage(message);
try {
  const index = Index.open(root);
  try {
    let last = 0;
    const report = index.build({
      onProgress: (progress) => {
        const now = Date.now();
        if (now - last < 100 && progress.done !== progress.total) return;
        last = now;
        post({ type: "progress", phase: progress.phase, done: progress.done, total: progress.total });
      },
    });
    post({
      type: "done",
      summary: { files: report.files, sections: report.sections, symbols: report.symbols, indexHash: report.indexHash, problems: report.problems, totalMs: report.timings.totalMs },
    });
  } finally {
    index.close();
  }
} catch (error) {
  const typed = toCatalyticError(error);
  post({ type: "error", error: { code: typed.code, message: typed.message, hint: typed.hint } });
}
