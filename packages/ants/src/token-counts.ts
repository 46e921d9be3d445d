// Token counts for receipts (docs/ants.md "Token counts"). An ant started by `ants spawn` asks its spawner over the
// IPC channel: the spawner, idle while the ants run, loads the tokenizer once for the whole run and counts while the
// ants go on with their next steps. An ant started alone loads its own. A count that cannot be had (the channel
// closed, a malformed or late answer, another tokenizer) fails the step with CAT_TOKEN_COUNT_FAILED: never a guess.
import type { ChildProcess } from "node:child_process";
import { ExecutionError, TOKENIZER, UsageError, type TokenCounter, type TokenizerInfo } from "@catalytic/core";
import type { TextCounts } from "./receipt.js";

/** Where an ant's counts come from: its own tokenizer, or its spawner over the IPC channel. */
export type TokenCountSource = "own" | "spawner";

export interface StepTokenCounts {
  /** Counts of `texts` in order (synchronous for an ant's own tokenizer); rejects with CAT_TOKEN_COUNT_FAILED. */
  count(texts: readonly string[]): TextCounts | Promise<TextCounts>;
  /**
   * Sends what count() gathered so far: before the caller awaits its counts, or (`whenIdle`) only if nothing sent is
   * still unanswered, to keep the spawner busy without a message per step.
   */
  flush(whenIdle?: boolean): void;
  close(): void;
}

/** Ant -> spawner: count these texts. */
export interface CountRequest {
  type: "count";
  id: number;
  texts: string[];
}

/** Spawner -> ant: the counts of request `id`, or why there are none. */
export type CountReply = { type: "counts"; id: number; counts: number[]; tokenizer: TokenizerInfo } | { type: "count-error"; id: number; message: string };

/** No answer for this long while counts are awaited: the spawner is taken as gone. */
const REPLY_TIMEOUT_MS = 60_000;
/**
 * Texts gathered into one request: one JSON message per step cost the ant ~90 µs each (mostly writing the string
 * out as UTF-8), while the spawner still counts one request as the ant runs the next steps (docs/ants.md).
 */
const TEXTS_PER_REQUEST = 32;

export function ownTokenCounts(counter: TokenCounter): StepTokenCounts {
  return { count: (texts) => ({ info: counter.info, counts: texts.map((text) => counter.count(text)) }), flush() {}, close() {} };
}

interface Waiting {
  size: number;
  resolve: (counts: TextCounts) => void;
  reject: (error: Error) => void;
}

function countFailed(message: string): ExecutionError {
  return new ExecutionError("CAT_TOKEN_COUNT_FAILED", message, {
    hint: "the step's receipt records no expansion rather than a guessed count; plan the work again under a new request id and run it",
  });
}

function sameTokenizer(info: unknown): boolean {
  if (info === null || typeof info !== "object") return false;
  const { name, library, version, ...rest } = info as Record<string, unknown>;
  return name === TOKENIZER.name && library === TOKENIZER.library && version === TOKENIZER.version && Object.keys(rest).length === 0;
}

/** The counts the spawner serves, as this ant's StepTokenCounts (requires an IPC channel to the spawner). */
export class SpawnerTokenCounts implements StepTokenCounts {
  /** Sent and not answered: each request's steps in order. */
  private readonly pending = new Map<number, Waiting[]>();
  /** Gathered and not sent yet. */
  private gathered: { texts: string[]; steps: Waiting[] } = { texts: [], steps: [] };
  private nextId = 1;
  private broken: ExecutionError | undefined;
  private deadline: NodeJS.Timeout | undefined;
  private readonly onMessage = (message: unknown) => this.answer(message);
  private readonly onDisconnect = () => this.fail("the spawner's channel closed before it answered");

  constructor() {
    if (!process.send || !process.connected) {
      throw new UsageError("CAT_USAGE", "--token-counts spawner needs an IPC channel to the spawner", {
        hint: "this option is for ants started by 'catalytic ants spawn'; leave it out to count in this ant",
      });
    }
    process.on("message", this.onMessage);
    process.on("disconnect", this.onDisconnect);
  }

  count(texts: readonly string[]): TextCounts | Promise<TextCounts> {
    // Nothing to count: the receipt names the tokenizer its (no) counts are in, as one counted here would.
    if (texts.length === 0) return { info: TOKENIZER, counts: [] };
    if (this.broken) return Promise.reject(this.broken);
    const counted = new Promise<TextCounts>((resolve, reject) => {
      this.gathered.steps.push({ size: texts.length, resolve, reject });
      this.gathered.texts.push(...texts);
    });
    if (this.gathered.texts.length >= TEXTS_PER_REQUEST) this.flush();
    return counted;
  }

  flush(whenIdle = false): void {
    const { texts, steps } = this.gathered;
    if (steps.length === 0 || (whenIdle && this.pending.size > 0)) return;
    this.gathered = { texts: [], steps: [] };
    if (this.broken) {
      for (const step of steps) step.reject(this.broken);
      return;
    }
    const id = this.nextId++;
    this.pending.set(id, steps);
    this.deadline ??= setTimeout(() => this.fail(`no answer from the spawner in ${REPLY_TIMEOUT_MS / 1000} s`), REPLY_TIMEOUT_MS);
    const request: CountRequest = { type: "count", id, texts };
    process.send?.(request, undefined, {}, (error) => {
      if (error) this.fail(`could not ask the spawner: ${error.message}`);
    });
  }

  close(): void {
    this.fail("the ant stopped");
    process.off("message", this.onMessage);
    process.off("disconnect", this.onDisconnect);
    if (process.connected) process.disconnect();
  }

  private answer(message: unknown): void {
    const reply = message as { type?: unknown; id?: unknown; counts?: unknown; tokenizer?: unknown; message?: unknown } | null;
    if (reply === null || typeof reply !== "object" || (reply.type !== "counts" && reply.type !== "count-error")) return;
    const steps = typeof reply.id === "number" ? this.pending.get(reply.id) : undefined;
    if (!steps) return this.fail(`the spawner answered request ${JSON.stringify(reply.id)}, which is not pending`);
    this.pending.delete(reply.id as number);
    this.rearm();
    if (reply.type === "count-error") {
      const error = countFailed(`the spawner could not count: ${String(reply.message)}`);
      for (const step of steps) step.reject(error);
      return;
    }
    const { counts, tokenizer } = reply;
    const size = steps.reduce((total, step) => total + step.size, 0);
    if (!Array.isArray(counts) || counts.length !== size || !counts.every((n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0)) {
      return this.fail(`the spawner answered ${JSON.stringify(counts)?.slice(0, 80)} for ${size} text(s)`, steps);
    }
    if (!sameTokenizer(tokenizer)) {
      return this.fail(`the spawner counts with ${JSON.stringify(tokenizer)}, receipts here need ${JSON.stringify(TOKENIZER)}`, steps);
    }
    let at = 0;
    for (const step of steps) step.resolve({ info: TOKENIZER, counts: (counts as number[]).slice(at, (at += step.size)) });
  }

  private rearm(): void {
    if (this.pending.size === 0) {
      clearTimeout(this.deadline);
      this.deadline = undefined;
    } else this.deadline?.refresh();
  }

  /** Rejects `also` and every step waiting (sent or gathered); later requests fail at once. */
  private fail(message: string, also: Waiting[] = []): void {
    const broken = (this.broken ??= countFailed(message));
    const waiting = [...also, ...[...this.pending.values()].flat(), ...this.gathered.steps];
    this.pending.clear();
    this.gathered = { texts: [], steps: [] };
    for (const step of waiting) step.reject(broken);
    this.rearm();
  }
}

/** Answers `child`'s count requests with `counter` (the spawner's side); nothing is sent to a child that is gone. */
export function serveTokenCounts(child: ChildProcess, counter: Promise<TokenCounter>): void {
  const send = (reply: CountReply): void => {
    if (child.connected) child.send(reply, undefined, {}, () => undefined);
  };
  child.on("message", (message: unknown) => {
    const request = message as Partial<CountRequest> | null;
    if (request === null || typeof request !== "object" || request.type !== "count" || typeof request.id !== "number") return;
    const { id, texts } = request;
    counter.then(
      (loaded) => {
        if (!Array.isArray(texts) || !texts.every((text) => typeof text === "string")) return send({ type: "count-error", id, message: "texts must be strings" });
        send({ type: "counts", id, counts: texts.map((text) => loaded.count(text)), tokenizer: loaded.info });
      },
      (error: Error) => send({ type: "count-error", id, message: `the tokenizer did not load: ${error.message}` }),
    );
  });
}
