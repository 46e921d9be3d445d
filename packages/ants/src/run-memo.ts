// What the run has already expanded (content hashes from its committed receipts), so a step can mark content it
// expands again as reused (docs/economy.md#reuse). Other jobs of the run are read once; the worker's own job is
// followed incrementally by job_seq before each step. Two ants expanding the same content at the same moment both
// see it as new: reuse is counted from what was committed.
import type { Cassette } from "@catalytic/cassette";

export class RunMemo {
  private readonly hashes = new Set<string>();
  private lastSeq = 0;

  constructor(
    private readonly cassette: Cassette,
    runId: string,
    private readonly jobId: string,
  ) {
    for (const job of cassette.listJobs(runId)) if (job.jobId !== jobId) this.addReceipts(cassette.listReceipts(job.jobId));
  }

  /** Reads the job's receipts committed since the last refresh. */
  refresh(): void {
    const receipts = this.cassette.listReceipts(this.jobId, this.lastSeq);
    this.addReceipts(receipts);
    for (const record of receipts) this.lastSeq = Math.max(this.lastSeq, record.jobSeq);
  }

  has(contentHash: string): boolean {
    return this.hashes.has(contentHash);
  }

  private addReceipts(records: ReadonlyArray<{ receipt: unknown }>): void {
    for (const { receipt } of records) {
      const expanded = (receipt as { expanded?: unknown } | null)?.expanded;
      if (!Array.isArray(expanded)) continue;
      for (const item of expanded) {
        const hash = (item as { content_hash?: unknown } | null)?.content_hash;
        if (typeof hash === "string") this.hashes.add(hash);
      }
    }
  }
}
