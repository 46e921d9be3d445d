// Indexing on start and on demand: loads the model with `$/progress` reporting (begin, percentage
// reports, end) and returns the index status the server announces.
import type { IndexStatus } from "@catalytic/core";
import type { WorkspaceHost } from "../workspace-host.js";

export interface ProgressReporter {
  begin(title: string, percentage?: number, message?: string, cancellable?: boolean): void;
  report(percentage: number, message?: string): void;
  done(): void;
}

export function indexStatus(host: WorkspaceHost, state: IndexStatus["state"], problems: number, extra: Partial<IndexStatus> = {}): IndexStatus {
  return {
    state,
    files: host.model.listFiles().length,
    sections: host.model.sectionCount(),
    symbols: host.model.symbolCount(),
    problems,
    ...extra,
  };
}

/** Loads every source file into a fresh model, reporting progress about every 5%. */
export async function runIndexing(host: WorkspaceHost, progress: ProgressReporter): Promise<void> {
  progress.begin("Catalytic: indexing", 0, "listing files");
  let lastPercent = -1;
  try {
    await host.loadAll(({ done, total }) => {
      const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
      if (percent - lastPercent < 5 && done !== total) return;
      lastPercent = percent;
      progress.report(percent, `${done}/${total} files`);
    });
  } finally {
    progress.done();
  }
}
