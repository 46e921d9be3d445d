// Every migration in order; db.ts applies those newer than the stored schema version.
import { MIGRATIONS as THROUGH_001 } from "./001_initial.js";
import { MIGRATION_002 } from "./002_ranked_search.js";

export const MIGRATIONS: readonly string[] = [...THROUGH_001, MIGRATION_002];
