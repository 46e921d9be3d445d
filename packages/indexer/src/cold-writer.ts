// A large cold build's writer thread (docs/indexer.md#cold-builds): the main thread walks, reads and extracts while
// this thread inserts the rows it is sent, on its own connection to the private file, in the order they were sent
// (so the row ids are those of a build on one thread). Synchronous for the caller: the build waits with
// Atomics.wait and reads the outcome with receiveMessageOnPort.
import type { MessagePort, Worker } from "node:worker_threads";
import { InvariantError } from "@catalytic/core";
import { COLD_PRAGMAS } from "./db.js";
import type { RowSink } from "./row-sink.js";
import * as fileSql from "./sql/files.js";
import * as searchSql from "./sql/search.js";
import * as sectionSql from "./sql/sections.js";

/**
 * From this many files a cold build writes through the thread. The thread costs ~12 MiB of peak RSS and ~50 ms of
 * CPU to start: on tldr-en (7,426 files) it took ~10% off the wall time but peak RSS from 94 to 107 MiB; on 37,242
 * files ~28% (1.99 -> 1.42 s) for 134 -> 140 MiB (docs/indexer.md, "Performance").
 */
export const WRITER_THREAD_FROM = 10_000;

type Threads = typeof import("node:worker_threads");
/**
 * node:worker_threads, loaded by the first writer rather than imported: every CLI process (each ant included) would
 * otherwise load it at start-up. A writer is made only where `require` exists (sqliteModulePath).
 */
let threads: Threads | undefined;
const workerThreads = (): Threads => (threads ??= require("node:worker_threads") as Threads);

/** The statements the thread runs, by index. */
const STATEMENTS = [fileSql.UPSERT_FILE, sectionSql.INSERT_SECTION, searchSql.INSERT_SEARCH_ROW] as const;

/** Values (statement numbers and parameters) per batch sent to the thread: ~100 files' rows (16,384 peaked ~10 MiB higher). */
const BATCH_VALUES = 2048;

// Shared with the thread: state[RUNNING] is 1 until it has finished (committed and closed, or failed);
// state[FAILED] is set as soon as a statement fails, so the build stops sending; state[ABORTED] tells it to drop
// what is queued.
const RUNNING = 0;
const FAILED = 1;
const ABORTED = 2;
/** state[TAKEN]: batches the thread has taken from its queue. */
const TAKEN = 3;
/** Batches sent and not yet taken before the build waits: bounds the rows held in the queue (memory). */
const MAX_QUEUED = 16;
/** state[STARTED]: set by the thread's first statement. A thread that cannot start reports nothing: give up on it. */
const STARTED = 4;
const START_TIMEOUT_MS = 30_000;

interface Outcome {
  ok: boolean;
  message?: string;
  code?: string;
  /** Row id of the last section inserted (0 for none). */
  lastSection?: number;
}

// The thread's whole program, run from its source text (`eval`): it may use only its globals and `require`, since
// the CLI is one bundled file with no separate module to start a thread from. Its state indices are the numbers of
// RUNNING (0), FAILED (1), ABORTED (2), TAKEN (3) and STARTED (4).
function writerThread(): void {
  const { workerData, parentPort } = require("node:worker_threads") as typeof import("node:worker_threads");
  const data = workerData as { sqlite: string; file: string; pragmas: string[]; statements: string[]; counts: number[]; state: Int32Array; port: MessagePort };
  const { state, port, counts } = data;
  Atomics.store(state, 4, 1);
  let db: import("better-sqlite3").Database | undefined;
  let prepared: import("better-sqlite3").Statement[] = [];
  let failure: { message: string; code?: string } | undefined;
  let lastSection = 0;
  const fail = (error: unknown): void => {
    failure ??= { message: (error as Error).message, code: (error as { code?: string }).code };
    Atomics.store(state, 1, 1);
  };
  try {
    const Database = require(data.sqlite) as typeof import("better-sqlite3");
    // The file exists (made by the build): never create one the build may already have removed.
    db = new Database(data.file, { fileMustExist: true });
    for (const pragma of data.pragmas) db.pragma(pragma);
    prepared = data.statements.map((sql) => (db as import("better-sqlite3").Database).prepare(sql));
    db.exec("BEGIN IMMEDIATE");
  } catch (error) {
    fail(error);
  }
  (parentPort as MessagePort).on("message", (values: unknown[] | null) => {
    if (values !== null) {
      Atomics.add(state, 3, 1);
      Atomics.notify(state, 3);
      if (failure || Atomics.load(state, 2) === 1) return;
      try {
        for (let i = 0; i < values.length; ) {
          const statement = values[i] as number;
          const count = counts[statement] as number;
          const info = (prepared[statement] as import("better-sqlite3").Statement).run(values.slice(i + 1, i + 1 + count));
          if (statement === 1) lastSection = Number(info.lastInsertRowid);
          i += 1 + count;
        }
      } catch (error) {
        fail(error);
      }
      return;
    }
    try {
      if (!failure && Atomics.load(state, 2) === 0) db?.exec("COMMIT");
    } catch (error) {
      fail(error);
    }
    try {
      db?.close();
    } catch (error) {
      fail(error);
    }
    port.postMessage(failure ? { ok: false, ...failure } : { ok: true, lastSection });
    Atomics.store(state, 0, 0);
    Atomics.notify(state, 0);
    (parentPort as MessagePort).close();
  });
}

/**
 * Where the thread loads better-sqlite3 from: the module this one loaded. Undefined where `require` does not exist
 * (this package loaded as native ES modules, not bundled): the build then writes on its own thread.
 */
export function sqliteModulePath(): string | undefined {
  return typeof require === "function" ? require.resolve("better-sqlite3") : undefined;
}

/**
 * Rows for the writer thread: `run` queues them, `finish` waits until the thread has committed them (or throws its
 * error), `abort` makes it drop them and waits until it has closed the file.
 */
export class ColdWriter implements RowSink {
  private readonly state = new Int32Array(new SharedArrayBuffer(5 * Int32Array.BYTES_PER_ELEMENT));
  private readonly port: MessagePort;
  private readonly worker: Worker;
  private readonly indexOf = new Map<string, number>(STATEMENTS.map((sql, i) => [sql, i]));
  private values: unknown[] = [];
  private sent = 0;
  private sections = 0;
  private done = false;
  private readonly startDeadline = Date.now() + START_TIMEOUT_MS;

  /** `file`: the cold build's private database, at the current schema, with no connection holding a lock on it. */
  constructor(
    private readonly file: string,
    sqlite: string,
  ) {
    const { MessageChannel, Worker } = workerThreads();
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    Atomics.store(this.state, RUNNING, 1);
    const counts = STATEMENTS.map((sql) => sql.split("?").length - 1);
    this.worker = new Worker(`(${writerThread.toString()})()`, {
      eval: true,
      workerData: { sqlite, file, pragmas: COLD_PRAGMAS, statements: STATEMENTS, counts, state: this.state, port: port2 },
      transferList: [port2],
      // It holds one batch at a time: a 2 MiB young generation took ~4 MiB off the scale build's peak RSS.
      resourceLimits: { maxYoungGenerationSizeMb: 2 },
    });
    this.worker.unref();
  }

  run(sql: string, params: readonly unknown[]): void {
    const statement = this.indexOf.get(sql);
    if (statement === undefined) throw new TypeError(`the cold writer does not run ${sql}`);
    this.values.push(statement, ...params);
    if (this.values.length >= BATCH_VALUES) this.flush();
  }

  /** A cold build's sections table starts empty and takes rows only from here: INTEGER PRIMARY KEY gives 1, 2, 3, … */
  insertSection(params: readonly unknown[]): number {
    this.run(sectionSql.INSERT_SECTION, params);
    return ++this.sections;
  }

  /** Waits until every row is committed; throws what failed in the thread (the caller discards the file). */
  finish(): void {
    this.flush();
    const outcome = this.end();
    if (!outcome.ok) throw this.error(outcome);
    // The ids handed out by insertSection are the ones SQLite gave.
    if ((outcome.lastSection ?? 0) !== this.sections) {
      throw new InvariantError("CAT_INVARIANT", `cold build: section rows got ids up to ${outcome.lastSection}, expected ${this.sections}`);
    }
  }

  /** After a failure in the build: the thread drops what it was sent and closes the file; waits until it has. */
  abort(): void {
    if (this.done) return;
    Atomics.store(this.state, ABORTED, 1);
    this.end();
  }

  private flush(): void {
    if (Atomics.load(this.state, FAILED) === 1) throw this.error(this.end());
    if (this.values.length === 0) return;
    for (let taken = Atomics.load(this.state, TAKEN); this.sent - taken >= MAX_QUEUED; taken = Atomics.load(this.state, TAKEN)) {
      if (!this.waitWhile(TAKEN, taken)) throw this.error(this.end());
    }
    this.worker.postMessage(this.values);
    this.sent++;
    this.values = [];
  }

  private end(): Outcome {
    if (this.done) throw new TypeError("the cold writer has already finished");
    this.done = true;
    this.worker.postMessage(null);
    if (!this.waitWhile(RUNNING, 1)) {
      void this.worker.terminate();
      this.port.close();
      return { ok: false, message: "the writer thread did not start" };
    }
    const message = workerThreads().receiveMessageOnPort(this.port)?.message as Outcome | undefined;
    this.port.close();
    return message ?? { ok: false, message: "the writer thread ended without a word" };
  }

  /** Waits while state[index] holds `value`; false when the thread has not started by the deadline (it never will). */
  private waitWhile(index: number, value: number): boolean {
    while (Atomics.load(this.state, index) === value) {
      const timedOut = Atomics.wait(this.state, index, value, 200) === "timed-out";
      if (timedOut && Atomics.load(this.state, STARTED) === 0 && Date.now() > this.startDeadline) return false;
    }
    return true;
  }

  private error(outcome: Outcome): InvariantError {
    return new InvariantError("CAT_DB_ERROR", `cannot write ${this.file}: ${outcome.message}`, {
      hint: "check the free space and permissions of .catalytic, then run the build again (a failed build leaves no index.db)",
      details: { sqliteCode: outcome.code ?? "" },
    });
  }
}
