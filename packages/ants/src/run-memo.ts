// What the run has already expanded (content hashes from its committed receipts), so a step can mark content it
// expands again as reused (docs/economy.md#reuse). Other jobs of the run are read once; the worker's own job is
// followed incrementally by job_seq after each commit. Two ants expanding the same content at the same moment both
// see it as new: reuse is counted from what was committed. The ledger extracts the hashes (no receipt is parsed here).
import type { Cassette } from "@catalytic/cassette";

export class RunMemo {
  private readonly hashes = new Set<string>();
  private lastSeq = 0;

  constructor(
    private readonly cassette: Cassette,
    runId: string,
    private readonly jobId: string,
  ) {
    for (const job of cassette.listJobs(runId)) if (job.jobId !== jobId) this.add(cassette.expandedHashesSince(job.jobId).hashes);
  }

  /** Reads the job's receipts committed since the last refresh. */
  refresh(): void {
    const since = this.cassette.expandedHashesSince(this.jobId, this.lastSeq);
    this.add(since.hashes);
    this.lastSeq = since.lastSeq;
  }

  has(contentHash: string): boolean {
    return this.hashes.has(contentHash);
  }

  private add(hashes: readonly string[]): void {
    for (const hash of hashes) this.hashes.add(hash);
  }
}
