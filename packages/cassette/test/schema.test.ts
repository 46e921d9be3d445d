import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { Cassette, REQUIRED_TRIGGERS, SCHEMA_VERSION } from "../src/index.js";
import { openTemp, rawConnection, tempDir } from "./helpers.js";

const SCHEMA_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "schema.sql");

describe("schema", () => {
  test("a fresh ledger matches the committed schema.sql (regenerate with `pnpm --filter @catalytic/cassette schema:dump`)", () => {
    const { cassette } = openTemp();
    expect(cassette.schemaDump()).toBe(readFileSync(SCHEMA_FILE, "utf8"));
  });

  test("pragmas, version and every named trigger are in place", () => {
    const { cassette, dbPath } = openTemp();
    const raw = rawConnection(dbPath);
    expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(raw.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()).toEqual({ value: String(SCHEMA_VERSION) });
    const triggers = (raw.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);
    expect(triggers).toEqual([...REQUIRED_TRIGGERS].sort());
    expect(cassette.verify()).toMatchObject({ ok: true, issues: [] });
    expect(cassette.verify().checks).toContain(`triggers: ${REQUIRED_TRIGGERS.length} present by name`);
    expect(cassette.verify().checks).toContain("pragmas: journal_mode=wal, foreign_keys=ON, synchronous=NORMAL, busy_timeout=5000");
  });

  test("reopening migrates nothing twice; a newer schema is refused", () => {
    const { cassette, dbPath } = openTemp();
    cassette.close();
    Cassette.open(dbPath).close();
    const raw = rawConnection(dbPath);
    expect(raw.prepare("SELECT COUNT(*) AS n FROM meta").get()).toEqual({ n: 1 });
    raw.prepare("UPDATE meta SET value = '99' WHERE key = 'schema_version'").run();
    expect(() => Cassette.open(dbPath)).toThrow(expect.objectContaining({ code: "CAT_SCHEMA_MISMATCH" }));
  });

  test("a file that is not a database is a typed error", () => {
    const file = path.join(tempDir(), "cassette.db");
    writeFileSync(file, "this is not sqlite, just text that is long enough to have a header ".repeat(20));
    expect(() => Cassette.open(file)).toThrow(expect.objectContaining({ code: "CAT_DB_ERROR", message: expect.stringContaining("is not a usable cassette") }));
  });
});
