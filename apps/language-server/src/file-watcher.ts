// Fallback file watching with fs.watch (recursive) when the client cannot watch files for us.
// Events are coalesced for a short while, then reported as workspace-relative POSIX paths.
import type { Logger } from "@catalytic/core";
import { hasSkippedSegment } from "@catalytic/indexer";
import { existsSync, watch, type FSWatcher } from "node:fs";
import path from "node:path";

export interface FileEvent {
  file: string;
  deleted: boolean;
}

export class FallbackWatcher {
  private watcher: FSWatcher | undefined;
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly root: string,
    private readonly onEvents: (events: FileEvent[]) => void,
    private readonly logger: Logger,
    private readonly delayMs = 100,
  ) {}

  start(): void {
    try {
      this.watcher = watch(this.root, { recursive: true }, (_event, filename) => {
        if (!filename) return;
        const file = filename.toString().split(path.sep).join("/");
        if (hasSkippedSegment(file)) return;
        this.pending.add(file);
        this.timer ??= setTimeout(() => this.flush(), this.delayMs);
      });
      this.watcher.on("error", (error) => this.logger.warn(`file watcher: ${error.message}`));
    } catch (error) {
      this.logger.warn(`cannot watch ${this.root}: ${(error as Error).message}; changes made outside the editor are picked up on the next re-index`);
    }
  }

  private flush(): void {
    this.timer = undefined;
    const events = [...this.pending].map((file) => ({ file, deleted: !existsSync(path.join(this.root, file)) }));
    this.pending.clear();
    if (events.length) this.onEvents(events);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.watcher?.close();
  }
}
