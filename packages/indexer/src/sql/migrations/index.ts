// Every migration in order; db.ts applies those newer than the stored schema version.
import type { Migration } from "@catalytic/core";
import { MIGRATION_001 } from "./001_initial.js";
import { MIGRATION_002 } from "./002_ranked_search.js";
import { MIGRATION_003 } from "./003_folders.js";

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: "initial", sql: MIGRATION_001 },
  { version: 2, name: "ranked_search", sql: MIGRATION_002 },
  { version: 3, name: "folders", sql: MIGRATION_003 },
];
