// Requests that arrive before the first index is loaded wait for it (bounded by a timeout, ended by
// $/cancelRequest) instead of answering from an empty model: a client that asks right after `initialized`
// must never be told a valid symbol is unknown (docs/editors.md, "Before the first index").
import type { CancellationToken } from "vscode-languageserver/node.js";
import { throwIfCancelled } from "./guard.js";

export const DEFAULT_READY_TIMEOUT_MS = 15_000;

export class Readiness {
  private isReady = false;
  private readonly waiters = new Set<() => void>();

  constructor(public timeoutMs = DEFAULT_READY_TIMEOUT_MS) {}

  get ready(): boolean {
    return this.isReady;
  }

  /** The first index settled (loaded, or failed: the features then answer from what there is). */
  markReady(): void {
    this.isReady = true;
    for (const wake of [...this.waiters]) wake();
  }

  /**
   * Resolves true once ready, false when the timeout passes first; a cancelled request rejects with
   * RequestCancelled.
   */
  wait(token: CancellationToken | undefined, name: string): Promise<boolean> {
    if (this.isReady) return Promise.resolve(true);
    throwIfCancelled(token, name);
    return new Promise<boolean>((resolve, reject) => {
      const finish = (): void => {
        clearTimeout(timer);
        subscription?.dispose();
        this.waiters.delete(wake);
      };
      const wake = (): void => {
        finish();
        resolve(true);
      };
      const timer = setTimeout(() => {
        finish();
        resolve(false);
      }, this.timeoutMs);
      const subscription = token?.onCancellationRequested(() => {
        finish();
        try {
          throwIfCancelled(token, name);
        } catch (error) {
          reject(error);
        }
      });
      this.waiters.add(wake);
    });
  }
}
