// Follows the cassette's change feed and tells the client which runs and jobs changed
// (`catalytic/jobsChanged`). PRAGMA data_version skips the query when no other connection wrote.
import type { JobsChangedParams, Logger } from "@catalytic/core";
import type { Cassette } from "@catalytic/cassette";

export class JobsFeed {
  private cursor: number | undefined;
  private lastVersion: number | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly cassette: () => Cassette | undefined,
    private readonly notify: (params: JobsChangedParams) => void,
    private readonly logger: Logger,
    private readonly intervalMs = 500,
  ) {}

  start(): void {
    this.poll(false); // the baseline: what exists now is history, not news
    this.timer = setInterval(() => this.poll(false), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Reads what changed since the last poll; `force` skips the data_version shortcut (our own writes). */
  poll(force: boolean): JobsChangedParams | undefined {
    const cassette = this.cassette();
    if (!cassette) {
      // No ledger yet: whatever appears later is news, from its very first transition.
      this.cursor ??= 0;
      return undefined;
    }
    try {
      if (this.cursor === undefined) {
        // Start at the present: history is what list requests are for.
        let batch = cassette.changesSince(0);
        while (batch.transitions.length) batch = cassette.changesSince(batch.cursor);
        this.cursor = batch.cursor;
        this.lastVersion = cassette.dataVersion();
        return undefined;
      }
      const version = cassette.dataVersion();
      if (!force && version === this.lastVersion) return undefined;
      this.lastVersion = version;
      const runIds = new Set<string>();
      const jobIds = new Set<string>();
      for (let batch = cassette.changesSince(this.cursor); batch.transitions.length; batch = cassette.changesSince(this.cursor)) {
        for (const transition of batch.transitions) {
          runIds.add(transition.runId);
          jobIds.add(transition.jobId);
        }
        for (const receipt of batch.receipts) {
          runIds.add(receipt.runId);
          jobIds.add(receipt.jobId);
        }
        this.cursor = batch.cursor;
      }
      if (jobIds.size === 0) return undefined;
      const params: JobsChangedParams = { cursor: this.cursor, runIds: [...runIds].sort(), jobIds: [...jobIds].sort() };
      this.notify(params);
      return params;
    } catch (error) {
      this.logger.warn(`jobs feed: ${(error as Error).message}`);
      return undefined;
    }
  }
}
