// The numbered migrations, oldest first. Append only; an applied migration is never edited.
import type { Migration } from "@catalytic/core";
import { MIGRATION_001_LEDGER } from "./001_ledger.js";
import { MIGRATION_002_NO_REPLACE } from "./002_no_replace.js";
import { MIGRATION_003_CLAIM_ORDER } from "./003_claim_order.js";

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: "ledger", sql: MIGRATION_001_LEDGER },
  { version: 2, name: "no_replace", sql: MIGRATION_002_NO_REPLACE },
  { version: 3, name: "claim_order", sql: MIGRATION_003_CLAIM_ORDER },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
