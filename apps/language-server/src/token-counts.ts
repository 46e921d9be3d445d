// Token counts for hovers, made in a separate short-lived process (token-counter.ts) and cached here by the
// text's SHA-256: loading o200k_base in the server itself added 35-45 MB to its peak RSS (docs/editors.md,
// "Benchmark"). A count that cannot be had (process missing, crashed, too slow) is left out of the hover,
// never guessed.
import { type ChildProcess, fork } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import type { Logger } from "@catalytic/core";
import type { CountReply, CountRequest } from "./token-counter.js";

/** What hovers need: a known count at once, or one counted for them. */
export interface TokenCounts {
  /** The count of `text` when it is known already. */
  known(text: string): number | undefined;
  /** The count of `text`, or undefined when it cannot be counted. */
  count(text: string): Promise<number | undefined>;
}

/** Counts kept (by text hash): hovers of a workspace touch a few thousand sections at most. */
const MAX_CACHED = 4096;

export class ForkedTokenCounts implements TokenCounts {
  private child: ChildProcess | undefined;
  private readonly cache = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<number | undefined>>();
  private readonly waiting = new Map<number, (count: number | undefined) => void>();
  private nextId = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Why counting is off for this server's life (the process could not start or keeps failing). */
  private disabled: string | undefined;
  /** Processes started so far (tests read it). */
  started = 0;
  private failures = 0;

  constructor(
    private readonly workerFile: string,
    private readonly logger: Logger,
    private readonly idleMs = 30_000,
    private readonly timeoutMs = 10_000,
  ) {}

  /** The counting process's id while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  known(text: string): number | undefined {
    return this.cache.get(keyOf(text));
  }

  count(text: string): Promise<number | undefined> {
    const key = keyOf(text);
    const cached = this.cache.get(key);
    if (cached !== undefined) return Promise.resolve(cached);
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.ask(text).then((count) => {
        this.inFlight.delete(key);
        if (count !== undefined) {
          if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
          this.cache.set(key, count);
        }
        return count;
      });
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private ask(text: string): Promise<number | undefined> {
    const child = this.process();
    if (!child) return Promise.resolve(undefined);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        this.logger.warn(`token count not ready after ${this.timeoutMs} ms; hover shown without it`);
        resolve(undefined);
        this.idleSoon();
      }, this.timeoutMs);
      this.waiting.set(id, (count) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(count);
        this.idleSoon();
      });
      try {
        child.send({ id, text } satisfies CountRequest);
      } catch {
        this.waiting.get(id)?.(undefined); // its channel closed before the exit was seen: no count this time
      }
    });
  }

  private process(): ChildProcess | undefined {
    if (this.child || this.disabled) return this.child;
    if (!existsSync(this.workerFile)) {
      this.disable(`${this.workerFile} is missing`);
      return undefined;
    }
    // Its stdout is not ours (that is the LSP channel); node flags given to the server (profiling) are not passed on.
    const child = fork(this.workerFile, [], { stdio: ["ignore", "ignore", "inherit", "ipc"], execArgv: [] });
    this.started++;
    this.child = child;
    child.on("message", (reply: CountReply) => {
      if (reply.error !== undefined) this.logger.warn(`token counter: ${reply.error}`);
      this.waiting.get(reply.id)?.(reply.count);
    });
    child.on("error", (error) => this.logger.warn(`token counter: ${error.message}`));
    child.on("exit", (code, signal) => {
      if (this.child !== child) return; // ended by stop()
      // Crashed or killed by someone else: what was waiting gets no count; the next hover starts another.
      this.child = undefined;
      this.answerWaiting();
      if (++this.failures >= 3) this.disable(`the token counter ended unexpectedly ${this.failures} times (last: ${signal ?? `exit code ${code}`})`);
    });
    return child;
  }

  private disable(reason: string): void {
    this.disabled = reason;
    this.logger.warn(`${reason}; hovers show no token count`);
  }

  /** Ends the counting process once no count was asked for a while (the tables are loaded again on the next one). */
  private idleSoon(): void {
    if (this.waiting.size > 0 || !this.child) return;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stop(), this.idleMs);
    this.idleTimer.unref();
  }

  stop(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const child = this.child;
    this.child = undefined;
    this.answerWaiting();
    child?.kill();
  }

  private answerWaiting(): void {
    for (const answer of [...this.waiting.values()]) answer(undefined);
  }
}

function keyOf(text: string): string {
  return createHash("sha256").update(text).digest("base64");
}
