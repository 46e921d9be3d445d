// The index process (dist/index-worker.cjs, forked by index-service.ts for each build): builds
// .catalytic/index.db (SQLite, synchronous) outside the server, so requests are answered while it runs and the
// build's memory (a full build of a large workspace peaks far above the server's own) is returned when it exits.
// In full, or with `paths` only those files (what the watcher reported; the indexer's path-limited build, no walk
// of every folder). Reports progress and the build summary over IPC.
import { toCatalyticError } from "@catalytic/core";
import { Index } from "@catalytic/indexer";

/** What the server sends, once: the workspace and, for a path-limited build, the changed files. */
export interface IndexWorkerRequest {
  root: string;
  paths?: string[];
}

export interface IndexWorkerMessage {
  type: "progress" | "done" | "error";
  done?: number;
  total?: number;
  phase?: string;
  summary?: {
    files: number;
    sections: number;
    symbols: number;
    indexHash: string;
    problems: number;
    totalMs: number;
    /** This process's peak resident memory (MB): what the build needed, apart from the server's own. */
    peakRssMb: number;
    /** Files the build re-checked: every source in a full build, the named paths in a path-limited one. */
    checked: number;
    added: number;
    changed: number;
    removed: number;
  };
  error?: { code: string; message: string; hint: string };
}

const post = (message: IndexWorkerMessage): void => void process.send?.(message);

function build({ root, paths }: IndexWorkerRequest): void {
  try {
    const index = Index.open(root);
    try {
      let last = 0;
      const report = index.build({
        ...(paths ? { paths } : {}),
        onProgress: (progress) => {
          const now = Date.now();
          if (now - last < 100 && progress.done !== progress.total) return;
          last = now;
          post({ type: "progress", phase: progress.phase, done: progress.done, total: progress.total });
        },
      });
      post({
        type: "done",
        summary: {
          files: report.files,
          sections: report.sections,
          symbols: report.symbols,
          indexHash: report.indexHash,
          problems: report.problems,
          totalMs: report.timings.totalMs,
          peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
          checked: report.added + report.changed + report.unchanged + report.removed,
          added: report.added,
          changed: report.changed,
          removed: report.removed,
        },
      });
    } finally {
      index.close();
    }
  } catch (error) {
    const typed = toCatalyticError(error);
    post({ type: "error", error: { code: typed.code, message: typed.message, hint: typed.hint } });
  }
}

// One request per process: with no listener left the IPC channel no longer holds the process, which exits once
// its last message is written.
process.once("message", (request: IndexWorkerRequest) => build(request));
