// Migration 4: messages and jobs stored in posting order, with fewer B-trees per post (docs/cassette.md "Layout").
// Never edit: add a new migration. Message and job ids are hashes, so under migrations 1-3 each post inserted into
// the tables keyed by them at a random page, and a post wrote three B-trees of messages (the table, (run_id, seq),
// (run_id, idempotency_key)) and three of jobs (the table, (message_id, ordinal), ix_jobs_run). Here:
// - messages are keyed by (run_id, seq), message_id stays UNIQUE (the id jobs refer to), and the idempotency key
//   index holds only messages that have a key (a partial UNIQUE index: NULLs never conflicted anyway), so a post
//   without a key writes two B-trees instead of three;
// - jobs are keyed by (run_id, message_seq, ordinal) (what ix_jobs_run indexed), job_id stays UNIQUE.
//   UNIQUE (message_id, ordinal) goes: tr_jobs_insert_guard makes a job's (run_id, message_seq) its message's and
//   messages keep (run_id, seq) and message_id unique, so it is the same constraint as the key. Two B-trees instead
//   of three.
// Every id, hash and row value is kept. The tables are rebuilt as in migration 3: rows copied aside, the old tables
// dropped (with their triggers and indexes), the new ones created under the same names and filled, the triggers
// re-created (the same bodies, except tr_jobs_no_replace, which checks the new key). Foreign keys are deferred for
// the transaction: job_budgets, steps and receipts point at jobs while it is rebuilt, and the commit checks them.

const MESSAGE_FIELDS = "message_id, run_id, seq, source, idempotency_key, payload_json, created_at";
const JOB_FIELDS = "job_id, message_id, run_id, message_seq, ordinal, intent, plan_hash, planner_version, idempotency_key, step_count, created_at";

export const MIGRATION_004_POST_ORDER = `
PRAGMA defer_foreign_keys = ON;

CREATE TEMP TABLE messages_003 AS SELECT ${MESSAGE_FIELDS} FROM main.messages;
CREATE TEMP TABLE jobs_003 AS SELECT ${JOB_FIELDS} FROM main.jobs;
DROP TABLE main.jobs;
DROP TABLE main.messages;

CREATE TABLE messages (
  message_id TEXT NOT NULL UNIQUE,
  run_id TEXT NOT NULL CHECK (length(run_id) >= 1),
  seq INTEGER NOT NULL CHECK (seq >= 1),
  source TEXT NOT NULL CHECK (source IN ('USER', 'PLANNER', 'SYSTEM', 'WORKER')),
  idempotency_key TEXT CHECK (idempotency_key IS NULL OR length(idempotency_key) >= 1),
  payload_json TEXT NOT NULL CHECK (json_valid(payload_json)),
  created_at TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
) STRICT, WITHOUT ROWID;

-- Only keyed messages: a post without an idempotency key does not touch this index.
CREATE UNIQUE INDEX ux_messages_request ON messages (run_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

INSERT INTO main.messages (${MESSAGE_FIELDS}) SELECT ${MESSAGE_FIELDS} FROM temp.messages_003 ORDER BY run_id, seq;

CREATE TABLE jobs (
  job_id TEXT NOT NULL UNIQUE,
  message_id TEXT NOT NULL REFERENCES messages (message_id),
  run_id TEXT NOT NULL,
  message_seq INTEGER NOT NULL,
  ordinal INTEGER NOT NULL CHECK (ordinal >= 1),
  intent TEXT NOT NULL,
  plan_hash TEXT,
  planner_version TEXT,
  idempotency_key TEXT,
  step_count INTEGER NOT NULL CHECK (step_count >= 0),
  created_at TEXT NOT NULL,
  PRIMARY KEY (run_id, message_seq, ordinal)
) STRICT, WITHOUT ROWID;

-- A job whose message is gone fails the foreign key check at commit: nothing is dropped.
INSERT INTO main.jobs (${JOB_FIELDS}) SELECT ${JOB_FIELDS} FROM temp.jobs_003 ORDER BY run_id, message_seq, ordinal;

DROP TABLE temp.messages_003;
DROP TABLE temp.jobs_003;

CREATE TRIGGER tr_messages_sequence_guard BEFORE INSERT ON messages
WHEN NEW.seq IS NOT (SELECT COALESCE(MAX(seq), 0) + 1 FROM messages WHERE run_id = NEW.run_id)
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: messages: seq must be the next number of its run'); END;

CREATE TRIGGER tr_messages_append_only_update BEFORE UPDATE ON messages
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: messages are append-only: UPDATE rejected'); END;

CREATE TRIGGER tr_messages_append_only_delete BEFORE DELETE ON messages
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: messages are append-only: DELETE rejected'); END;

CREATE TRIGGER tr_messages_no_replace BEFORE INSERT ON messages
WHEN EXISTS (SELECT 1 FROM messages x WHERE x.message_id = NEW.message_id)
  OR EXISTS (SELECT 1 FROM messages x WHERE x.run_id = NEW.run_id AND x.seq = NEW.seq)
  OR EXISTS (SELECT 1 FROM messages x WHERE x.run_id = NEW.run_id AND x.idempotency_key = NEW.idempotency_key)
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: messages: a row with this key exists (INSERT OR REPLACE, REPLACE and upserts are rejected)'); END;

CREATE TRIGGER tr_jobs_insert_guard BEFORE INSERT ON jobs
WHEN NOT EXISTS (
  SELECT 1 FROM messages m
  WHERE m.message_id = NEW.message_id AND m.run_id = NEW.run_id AND m.seq = NEW.message_seq
    AND m.idempotency_key IS NEW.idempotency_key
)
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: jobs: run_id, message_seq and idempotency_key must match the parent message'); END;

CREATE TRIGGER tr_jobs_immutable_update BEFORE UPDATE ON jobs
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: jobs are immutable: UPDATE rejected'); END;

CREATE TRIGGER tr_jobs_immutable_delete BEFORE DELETE ON jobs
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: jobs are immutable: DELETE rejected'); END;

CREATE TRIGGER tr_jobs_no_replace BEFORE INSERT ON jobs
WHEN EXISTS (SELECT 1 FROM jobs x WHERE x.job_id = NEW.job_id)
  OR EXISTS (SELECT 1 FROM jobs x WHERE x.run_id = NEW.run_id AND x.message_seq = NEW.message_seq AND x.ordinal = NEW.ordinal)
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: jobs: a row with this key exists (INSERT OR REPLACE, REPLACE and upserts are rejected)'); END;
`;
