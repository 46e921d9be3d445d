import { describe, expect, it } from "vitest";
import { InvariantError } from "./errors.js";
import { applyMigrations, isSqliteBusy, type Migration } from "./sqlite.js";

describe("isSqliteBusy", () => {
  it("reads the error's code: BUSY and LOCKED (extended codes too), nothing else", () => {
    expect(isSqliteBusy({ code: "SQLITE_BUSY" })).toBe(true);
    expect(isSqliteBusy({ code: "SQLITE_BUSY_SNAPSHOT" })).toBe(true);
    expect(isSqliteBusy({ code: "SQLITE_LOCKED_SHAREDCACHE" })).toBe(true);
    expect(isSqliteBusy({ code: "SQLITE_CONSTRAINT" })).toBe(false);
    expect(isSqliteBusy(new Error("SQLITE_BUSY"))).toBe(false);
    expect(isSqliteBusy(undefined)).toBe(false);
  });
});

describe("applyMigrations", () => {
  const migrations: Migration[] = [
    { version: 1, name: "one", sql: "A" },
    { version: 2, name: "two", sql: "B" },
  ];
  function target(start: number) {
    const log: string[] = [];
    let version = start;
    return { log, target: { schemaVersion: () => version, exec: (sql: string) => void log.push(sql), setSchemaVersion: (v: number) => void (version = v, log.push(`v${v}`)) } };
  }
  const tooNew = (current: number, latest: number) => new InvariantError("CAT_SCHEMA_MISMATCH", `${current} > ${latest}`);

  it("applies only the newer migrations, in order, recording each version", () => {
    const fresh = target(0);
    applyMigrations(fresh.target, migrations, tooNew);
    expect(fresh.log).toEqual(["A", "v1", "B", "v2"]);
    const half = target(1);
    applyMigrations(half.target, migrations, tooNew);
    expect(half.log).toEqual(["B", "v2"]);
  });

  it("refuses a store newer than the code", () => {
    expect(() => applyMigrations(target(3).target, migrations, tooNew)).toThrow("3 > 2");
  });
});
