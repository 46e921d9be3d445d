// A cold build creates its file at the current schema in one exec (src/sql/schema.ts) instead of running every
// migration: both must leave the same schema and meta rows, so an index built cold is the index migrations make.
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { migrate } from "../src/db.js";
import { MIGRATIONS } from "../src/sql/migrations/index.js";
import { FRESH_SCHEMA, SCHEMA_VERSION, SECTION_INDEXES, SYMBOL_INDEXES } from "../src/sql/schema.js";

function stateOf(db: Database.Database): unknown {
  return {
    schema: db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").all(),
    meta: db.prepare("SELECT rowid, key, value FROM meta ORDER BY rowid").all(),
    fts: db.prepare("SELECT * FROM search_fts_config ORDER BY k").all(),
  };
}

describe("the fresh schema", () => {
  it("is what migrations 1..N leave, with the deferred indexes made afterwards", () => {
    const migrated = new Database(":memory:");
    migrate(migrated);
    const fresh = new Database(":memory:");
    fresh.exec(FRESH_SCHEMA);
    for (const sql of [...SECTION_INDEXES, ...SYMBOL_INDEXES]) fresh.exec(sql);
    expect(stateOf(fresh)).toEqual(stateOf(migrated));
    expect(SCHEMA_VERSION).toBe(MIGRATIONS[MIGRATIONS.length - 1]?.version);
    // Opening it migrates nothing more.
    migrate(fresh);
    expect(stateOf(fresh)).toEqual(stateOf(migrated));
  });

  it("leaves the deferred indexes out until the build makes them", () => {
    const fresh = new Database(":memory:");
    fresh.exec(FRESH_SCHEMA);
    const indexes = fresh.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('sections', 'symbol_definitions', 'symbols')").pluck().all();
    expect(indexes).toEqual([]);
  });
});
