// Where a build writes the rows of the files it streams: its own connection, or (a large cold build) the writer
// thread of cold-writer.ts. Both run the same statements with the same parameters in the same order.
import * as sectionSql from "./sql/sections.js";
import type { Statements } from "./statements.js";

export interface RowSink {
  run(sql: string, params: readonly unknown[]): void;
  /** Runs sql/sections INSERT_SECTION; returns the new row's id. */
  insertSection(params: readonly unknown[]): number;
}

export function connectionSink(statements: Statements): RowSink {
  return {
    run: (sql, params) => void statements.get(sql).run(params),
    insertSection: (params) => Number(statements.get(sectionSql.INSERT_SECTION).run(params).lastInsertRowid),
  };
}
