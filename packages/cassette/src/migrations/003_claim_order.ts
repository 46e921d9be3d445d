// Migration 3: steps and receipts stored in claim order (docs/cassette.md "Layout"). Never edit: add a new migration.
// Step ids are hashes, so under migration 1 each step row and each receipt row sat on its own page of a table keyed
// by step_id, and a commit wrote one WAL frame per step touched. Here a step gets an integer key in the order it was
// posted (step_seq: within a run, the claim order), and its receipt the same key, so the steps a worker claims
// and completes together share pages. step_id stays the public id (UNIQUE); every id, hash and row value is kept.
// The tables are rebuilt: rows are copied aside, the old tables dropped (with their triggers), the new ones created
// under the same names, filled, and their triggers re-created with the lookups by step_seq. Foreign keys are
// deferred for the transaction: step_deps points at steps while steps is rebuilt, and the commit checks them all.

const NOW_MS = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";
const NOW_ISO = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
const STEP_FIELDS = "step_id, run_id, message_seq, job_ordinal, ordinal, job_id, op, payload_json, status, lease_owner, lease_expires_at, fencing_token, created_at";
const RECEIPT_FIELDS = "step_id, receipt_id, job_id, run_id, worker_id, fencing_token, outcome, receipt_json, job_seq, prev_receipt_hash, receipt_hash, created_at";
// As in migration 1, plus step_seq: a receipt is tied to its step by it.
const IDENTITY_CHANGED = `NEW.step_seq IS NOT OLD.step_seq OR NEW.step_id IS NOT OLD.step_id OR NEW.job_id IS NOT OLD.job_id
  OR NEW.run_id IS NOT OLD.run_id OR NEW.message_seq IS NOT OLD.message_seq OR NEW.job_ordinal IS NOT OLD.job_ordinal
  OR NEW.ordinal IS NOT OLD.ordinal OR NEW.op IS NOT OLD.op OR NEW.payload_json IS NOT OLD.payload_json OR NEW.created_at IS NOT OLD.created_at`;

export const MIGRATION_003_CLAIM_ORDER = `
PRAGMA defer_foreign_keys = ON;

CREATE TEMP TABLE steps_002 AS SELECT ${STEP_FIELDS} FROM main.steps;
CREATE TEMP TABLE receipts_002 AS SELECT ${RECEIPT_FIELDS} FROM main.receipts;
DROP TABLE main.receipts;
DROP TABLE main.steps;

-- step_seq: the order steps were posted in, which within a run is the claim order (run_id, message_seq, job_ordinal, ordinal).
CREATE TABLE steps (
  step_seq INTEGER PRIMARY KEY,
  step_id TEXT NOT NULL UNIQUE CHECK (length(step_id) >= 1),
  run_id TEXT NOT NULL,
  message_seq INTEGER NOT NULL,
  job_ordinal INTEGER NOT NULL,
  ordinal INTEGER NOT NULL,
  job_id TEXT NOT NULL REFERENCES jobs (job_id),
  op TEXT NOT NULL CHECK (length(op) >= 1),
  -- Valid JSON is checked once, on insert (tr_steps_insert_guard): a CHECK would re-parse it on every status change.
  payload_json TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('PENDING', 'LEASED', 'COMMITTED')),
  lease_owner TEXT CHECK (lease_owner IS NULL OR length(lease_owner) >= 1),
  lease_expires_at INTEGER,
  fencing_token INTEGER NOT NULL CHECK (fencing_token >= 0),
  created_at TEXT NOT NULL,
  UNIQUE (run_id, message_seq, job_ordinal, ordinal),
  CHECK ((status = 'PENDING') = (lease_owner IS NULL)),
  CHECK ((lease_owner IS NULL) = (lease_expires_at IS NULL))
) STRICT;

INSERT INTO main.steps (${STEP_FIELDS})
SELECT ${STEP_FIELDS} FROM temp.steps_002 ORDER BY run_id, message_seq, job_ordinal, ordinal;

-- The claim index holds PENDING steps only, in claim order (a job is a (message_seq, job_ordinal) range of it).
CREATE INDEX ix_steps_pending ON steps (run_id, message_seq, job_ordinal, ordinal) WHERE status = 'PENDING';

-- One receipt per step: the step's step_seq is the key (tr_receipts_lease_guard ties the two), so receipts are
-- stored in claim order too. The receipt id is a function of step and token, so it needs no index.
CREATE TABLE receipts (
  step_seq INTEGER PRIMARY KEY,
  step_id TEXT NOT NULL REFERENCES steps (step_id),
  receipt_id TEXT NOT NULL CHECK (receipt_id = 'rcpt_' || step_id || '_' || fencing_token),
  job_id TEXT NOT NULL REFERENCES jobs (job_id),
  run_id TEXT NOT NULL,
  worker_id TEXT NOT NULL,
  fencing_token INTEGER NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('SUCCESS', 'FAILURE', 'ABORTED')),
  receipt_json TEXT NOT NULL CHECK (json_valid(receipt_json)),
  job_seq INTEGER NOT NULL CHECK (job_seq >= 1),
  prev_receipt_hash TEXT,
  receipt_hash TEXT NOT NULL CHECK (length(receipt_hash) = 64),
  created_at TEXT NOT NULL,
  UNIQUE (job_id, job_seq)
) STRICT;

-- A receipt whose step is gone gets no step_seq here and fails the foreign key check at commit: nothing is dropped.
INSERT INTO main.receipts (step_seq, ${RECEIPT_FIELDS})
SELECT s.step_seq, ${RECEIPT_FIELDS.split(", ").map((field) => `r.${field}`).join(", ")}
FROM temp.receipts_002 r LEFT JOIN main.steps s ON s.step_id = r.step_id ORDER BY s.step_seq;

DROP TABLE temp.steps_002;
DROP TABLE temp.receipts_002;

CREATE TRIGGER tr_steps_insert_guard BEFORE INSERT ON steps
WHEN NOT (
  NEW.status = 'PENDING' AND NEW.fencing_token = 0 AND json_valid(NEW.payload_json)
  AND EXISTS (
    SELECT 1 FROM jobs j
    WHERE j.job_id = NEW.job_id AND j.run_id = NEW.run_id AND j.message_seq = NEW.message_seq AND j.ordinal = NEW.job_ordinal
      AND NEW.ordinal BETWEEN 1 AND j.step_count
  )
)
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: steps: a new step is PENDING with token 0, has a JSON payload, matches its job, and has an ordinal in 1..step_count'); END;

CREATE TRIGGER tr_steps_immutable_delete BEFORE DELETE ON steps
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: steps: DELETE rejected'); END;

CREATE TRIGGER tr_steps_identity_guard BEFORE UPDATE ON steps
WHEN ${IDENTITY_CHANGED}
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: steps: identity, op and payload are immutable'); END;

CREATE TRIGGER tr_steps_fsm_committed_final BEFORE UPDATE ON steps
WHEN OLD.status = 'COMMITTED' AND NOT (${IDENTITY_CHANGED})
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: steps: illegal transition: a COMMITTED step is final'); END;

CREATE TRIGGER tr_steps_fsm_guard BEFORE UPDATE ON steps
WHEN OLD.status = 'PENDING' AND NEW.status IS NOT 'LEASED' AND NOT (${IDENTITY_CHANGED})
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: steps: illegal transition (allowed: PENDING->LEASED, LEASED->LEASED renewal, LEASED->COMMITTED, LEASED->PENDING after expiry)'); END;

CREATE TRIGGER tr_steps_claim_guard BEFORE UPDATE ON steps
WHEN OLD.status = 'PENDING' AND NEW.status = 'LEASED' AND NOT (${IDENTITY_CHANGED})
  AND NOT (NEW.fencing_token = OLD.fencing_token + 1 AND NEW.lease_expires_at > ${NOW_MS})
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: steps: a claim sets an owner, a future expiry and fencing_token + 1'); END;

CREATE TRIGGER tr_steps_claim_dependency_guard BEFORE UPDATE ON steps
WHEN OLD.status = 'PENDING' AND NEW.status = 'LEASED' AND NOT (${IDENTITY_CHANGED})
  AND EXISTS (
    SELECT 1 FROM step_deps d LEFT JOIN steps ds ON ds.step_id = d.depends_on_step_id LEFT JOIN receipts r ON r.step_seq = ds.step_seq
    WHERE d.step_id = NEW.step_id AND r.outcome IS NOT 'SUCCESS'
  )
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: steps: a step is claimable only when every dependency is COMMITTED with SUCCESS'); END;

CREATE TRIGGER tr_steps_lease_guard BEFORE UPDATE ON steps
WHEN OLD.status = 'LEASED' AND NEW.status = 'LEASED' AND NOT (${IDENTITY_CHANGED})
  AND NOT (
    NEW.lease_owner = OLD.lease_owner AND NEW.fencing_token = OLD.fencing_token
    AND NEW.lease_expires_at > OLD.lease_expires_at AND OLD.lease_expires_at > ${NOW_MS}
  )
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: steps: lease fields change only by renewal (same owner and token, unexpired lease, expiry moves forward)'); END;

CREATE TRIGGER tr_steps_commit_guard BEFORE UPDATE ON steps
WHEN OLD.status = 'LEASED' AND NEW.status = 'COMMITTED' AND NOT (${IDENTITY_CHANGED})
  AND NOT (
    NEW.lease_owner IS OLD.lease_owner AND NEW.lease_expires_at IS OLD.lease_expires_at AND NEW.fencing_token = OLD.fencing_token
    AND EXISTS (
      SELECT 1 FROM receipts r
      WHERE r.step_seq = OLD.step_seq AND r.step_id = OLD.step_id AND r.worker_id = OLD.lease_owner AND r.fencing_token = OLD.fencing_token
    )
  )
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: steps: COMMITTED needs the receipt of the lease holder and unchanged lease fields'); END;

CREATE TRIGGER tr_steps_requeue_guard BEFORE UPDATE ON steps
WHEN OLD.status = 'LEASED' AND NEW.status = 'PENDING' AND NOT (${IDENTITY_CHANGED})
  AND NOT (
    OLD.lease_expires_at <= ${NOW_MS} AND NEW.fencing_token = OLD.fencing_token + 1
    AND NOT EXISTS (SELECT 1 FROM receipts r WHERE r.step_seq = OLD.step_seq)
  )
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: steps: requeue (LEASED->PENDING) only after the lease expired, with fencing_token + 1'); END;

CREATE TRIGGER tr_steps_record_insert AFTER INSERT ON steps
BEGIN
  INSERT INTO step_transitions (step_id, job_id, run_id, from_status, to_status, worker_id, fencing_token, at)
  VALUES (NEW.step_id, NEW.job_id, NEW.run_id, NULL, NEW.status, NULL, NEW.fencing_token, ${NOW_ISO});
END;

CREATE TRIGGER tr_steps_record_transition AFTER UPDATE OF status ON steps
WHEN NEW.status IS NOT OLD.status
BEGIN
  INSERT INTO step_transitions (step_id, job_id, run_id, from_status, to_status, worker_id, fencing_token, at)
  VALUES (NEW.step_id, NEW.job_id, NEW.run_id, OLD.status, NEW.status, COALESCE(NEW.lease_owner, OLD.lease_owner), NEW.fencing_token, ${NOW_ISO});
END;

CREATE TRIGGER tr_steps_no_replace BEFORE INSERT ON steps
WHEN EXISTS (SELECT 1 FROM steps x WHERE x.step_seq = NEW.step_seq)
  OR EXISTS (SELECT 1 FROM steps x WHERE x.step_id = NEW.step_id)
  OR EXISTS (SELECT 1 FROM steps x WHERE x.run_id = NEW.run_id AND x.message_seq = NEW.message_seq AND x.job_ordinal = NEW.job_ordinal AND x.ordinal = NEW.ordinal)
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: steps: a row with this key exists (INSERT OR REPLACE, REPLACE and upserts are rejected)'); END;

CREATE TRIGGER tr_receipts_lease_guard BEFORE INSERT ON receipts
WHEN NOT EXISTS (
  SELECT 1 FROM steps s
  WHERE s.step_seq = NEW.step_seq AND s.step_id = NEW.step_id AND s.job_id = NEW.job_id AND s.run_id = NEW.run_id AND s.status = 'LEASED'
    AND s.lease_owner = NEW.worker_id AND s.fencing_token = NEW.fencing_token AND s.lease_expires_at > ${NOW_MS}
)
BEGIN SELECT RAISE(ABORT, 'CAT_LEASE_NOT_HELD: receipts: the step must be LEASED by this worker with this fencing token and an unexpired lease'); END;

CREATE TRIGGER tr_receipts_chain_guard BEFORE INSERT ON receipts
WHEN NEW.job_seq IS NOT (SELECT COALESCE(MAX(r.job_seq), 0) + 1 FROM receipts r WHERE r.job_id = NEW.job_id)
  OR NEW.prev_receipt_hash IS NOT (SELECT r.receipt_hash FROM receipts r WHERE r.job_id = NEW.job_id AND r.job_seq = NEW.job_seq - 1)
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: receipts: job_seq must be the next of its job and prev_receipt_hash the hash of the latest receipt of the job (null for the first)'); END;

CREATE TRIGGER tr_receipts_append_only_update BEFORE UPDATE ON receipts
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: receipts are append-only: UPDATE rejected'); END;

CREATE TRIGGER tr_receipts_append_only_delete BEFORE DELETE ON receipts
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: receipts are append-only: DELETE rejected'); END;

CREATE TRIGGER tr_receipts_no_replace BEFORE INSERT ON receipts
WHEN EXISTS (SELECT 1 FROM receipts x WHERE x.step_seq = NEW.step_seq)
  OR EXISTS (SELECT 1 FROM receipts x WHERE x.job_id = NEW.job_id AND x.job_seq = NEW.job_seq)
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: receipts: a row with this key exists (INSERT OR REPLACE, REPLACE and upserts are rejected)'); END;
`;
