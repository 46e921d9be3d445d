// Test helpers: temp ledgers, a raw second connection, plan builders.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { planHash } from "@catalytic/core";
import { afterEach } from "vitest";
import { Cassette, type PlanStepInput, type PostPlanInput } from "../src/index.js";

const cleanups: Array<() => void> = [];

afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()!();
});

export function tempDir(prefix = "cassette-test-"): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function openTemp(options?: Parameters<typeof Cassette.open>[1]): { cassette: Cassette; dbPath: string; dir: string } {
  const dir = tempDir();
  const dbPath = path.join(dir, ".catalytic", "cassette.db");
  const cassette = Cassette.open(dbPath, options);
  cleanups.push(() => cassette.close());
  return { cassette, dbPath, dir };
}

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");

export const fixture = (name: string): string => readFileSync(path.join(FIXTURES, name), "utf8");

/** A ledger file made from a fixture's SQL (a ledger written by older code, at its schema version and page size). */
export function fixtureLedger(name: string): string {
  const dbPath = path.join(tempDir(), "cassette.db");
  const db = new Database(dbPath);
  db.exec(fixture(name));
  db.close();
  return dbPath;
}

/** A ledger in a file created with `pageSize`-byte pages, as an older Catalytic (4096) created every ledger. */
export function openTempWithPageSize(pageSize: number): { cassette: Cassette; dbPath: string; dir: string } {
  const dir = tempDir();
  const dbPath = path.join(dir, "cassette.db");
  const db = new Database(dbPath);
  db.pragma(`page_size = ${pageSize}`);
  db.pragma("journal_mode = WAL");
  db.close();
  const cassette = Cassette.open(dbPath);
  cleanups.push(() => cassette.close());
  return { cassette, dbPath, dir };
}

/** A second, ordinary connection: what an adversary (or a buggy tool) would use. */
export function rawConnection(dbPath: string): Database.Database {
  const db = new Database(dbPath);
  db.pragma("busy_timeout = 5000");
  cleanups.push(() => db.close());
  return db;
}

export function chainSteps(prefix: string, count: number, withDeps = false): PlanStepInput[] {
  return Array.from({ length: count }, (_, i) => ({
    stepId: `${prefix}_${String(i).padStart(5, "0")}`,
    ordinal: i + 1,
    op: "NOTE",
    payload: { i },
    dependsOn: withDeps && i > 0 ? [`${prefix}_${String(i - 1).padStart(5, "0")}`] : [],
  }));
}

export function planInput(runId: string, key: string, steps: PlanStepInput[], extra: Partial<PostPlanInput> = {}): PostPlanInput {
  return {
    runId,
    idempotencyKey: key,
    request: { request_id: key, notes: steps.length },
    intent: "test plan",
    planHash: planHash(runId, key, [...steps].sort((a, b) => a.ordinal - b.ordinal).map((step) => step.payload)),
    plannerVersion: "test-1",
    steps,
    ...extra,
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
