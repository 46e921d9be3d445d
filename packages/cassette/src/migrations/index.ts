// The numbered migrations, oldest first. Append only; an applied migration is never edited.
import { MIGRATION_001_LEDGER } from "./001_ledger.js";

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [{ version: 1, name: "ledger", sql: MIGRATION_001_LEDGER }];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
