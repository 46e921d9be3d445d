CREATE INDEX ix_jobs_run ON jobs (run_id, message_seq, ordinal);

CREATE INDEX ix_steps_pending ON steps (run_id, message_seq, job_ordinal, ordinal) WHERE status = 'PENDING';

CREATE TABLE job_budgets (
  job_id TEXT PRIMARY KEY REFERENCES jobs (job_id),
  max_bytes INTEGER CHECK (max_bytes IS NULL OR max_bytes >= 0),
  max_symbols INTEGER CHECK (max_symbols IS NULL OR max_symbols >= 0),
  bytes_used INTEGER NOT NULL DEFAULT 0 CHECK (bytes_used >= 0 AND (max_bytes IS NULL OR bytes_used <= max_bytes)),
  symbols_used INTEGER NOT NULL DEFAULT 0 CHECK (symbols_used >= 0 AND (max_symbols IS NULL OR symbols_used <= max_symbols))
) STRICT, WITHOUT ROWID;

CREATE TABLE jobs (
  job_id TEXT PRIMARY KEY,
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
  UNIQUE (message_id, ordinal)
) STRICT, WITHOUT ROWID;

CREATE TABLE messages (
  message_id TEXT PRIMARY KEY,
  run_id TEXT NOT NULL CHECK (length(run_id) >= 1),
  seq INTEGER NOT NULL CHECK (seq >= 1),
  source TEXT NOT NULL CHECK (source IN ('USER', 'PLANNER', 'SYSTEM', 'WORKER')),
  idempotency_key TEXT CHECK (idempotency_key IS NULL OR length(idempotency_key) >= 1),
  payload_json TEXT NOT NULL CHECK (json_valid(payload_json)),
  created_at TEXT NOT NULL,
  UNIQUE (run_id, seq),
  UNIQUE (run_id, idempotency_key)
) STRICT, WITHOUT ROWID;

CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;

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

CREATE TABLE step_deps (
  step_id TEXT NOT NULL REFERENCES steps (step_id),
  depends_on_step_id TEXT NOT NULL REFERENCES steps (step_id),
  PRIMARY KEY (step_id, depends_on_step_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE step_transitions (
  transition_id INTEGER PRIMARY KEY,
  step_id TEXT NOT NULL,
  job_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  from_status TEXT,
  to_status TEXT NOT NULL,
  worker_id TEXT,
  fencing_token INTEGER NOT NULL,
  at TEXT NOT NULL
) STRICT;

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

CREATE TRIGGER tr_job_budgets_immutable_delete BEFORE DELETE ON job_budgets
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: job_budgets: DELETE rejected'); END;

CREATE TRIGGER tr_job_budgets_insert_guard BEFORE INSERT ON job_budgets
WHEN NEW.bytes_used <> 0 OR NEW.symbols_used <> 0
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: job_budgets: usage starts at zero'); END;

CREATE TRIGGER tr_job_budgets_no_replace BEFORE INSERT ON job_budgets
WHEN EXISTS (SELECT 1 FROM job_budgets x WHERE x.job_id = NEW.job_id)
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: job_budgets: a row with this key exists (INSERT OR REPLACE, REPLACE and upserts are rejected)'); END;

CREATE TRIGGER tr_job_budgets_usage_guard BEFORE UPDATE ON job_budgets
WHEN NEW.job_id IS NOT OLD.job_id OR NEW.max_bytes IS NOT OLD.max_bytes OR NEW.max_symbols IS NOT OLD.max_symbols
  OR NEW.bytes_used < OLD.bytes_used OR NEW.symbols_used < OLD.symbols_used
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: job_budgets: limits are fixed and usage only grows'); END;

CREATE TRIGGER tr_jobs_immutable_delete BEFORE DELETE ON jobs
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: jobs are immutable: DELETE rejected'); END;

CREATE TRIGGER tr_jobs_immutable_update BEFORE UPDATE ON jobs
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: jobs are immutable: UPDATE rejected'); END;

CREATE TRIGGER tr_jobs_insert_guard BEFORE INSERT ON jobs
WHEN NOT EXISTS (
  SELECT 1 FROM messages m
  WHERE m.message_id = NEW.message_id AND m.run_id = NEW.run_id AND m.seq = NEW.message_seq
    AND m.idempotency_key IS NEW.idempotency_key
)
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: jobs: run_id, message_seq and idempotency_key must match the parent message'); END;

CREATE TRIGGER tr_jobs_no_replace BEFORE INSERT ON jobs
WHEN EXISTS (SELECT 1 FROM jobs x WHERE x.job_id = NEW.job_id)
  OR EXISTS (SELECT 1 FROM jobs x WHERE x.message_id = NEW.message_id AND x.ordinal = NEW.ordinal)
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: jobs: a row with this key exists (INSERT OR REPLACE, REPLACE and upserts are rejected)'); END;

CREATE TRIGGER tr_messages_append_only_delete BEFORE DELETE ON messages
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: messages are append-only: DELETE rejected'); END;

CREATE TRIGGER tr_messages_append_only_update BEFORE UPDATE ON messages
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: messages are append-only: UPDATE rejected'); END;

CREATE TRIGGER tr_messages_no_replace BEFORE INSERT ON messages
WHEN EXISTS (SELECT 1 FROM messages x WHERE x.message_id = NEW.message_id)
  OR EXISTS (SELECT 1 FROM messages x WHERE x.run_id = NEW.run_id AND x.seq = NEW.seq)
  OR EXISTS (SELECT 1 FROM messages x WHERE x.run_id = NEW.run_id AND x.idempotency_key = NEW.idempotency_key)
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: messages: a row with this key exists (INSERT OR REPLACE, REPLACE and upserts are rejected)'); END;

CREATE TRIGGER tr_messages_sequence_guard BEFORE INSERT ON messages
WHEN NEW.seq IS NOT (SELECT COALESCE(MAX(seq), 0) + 1 FROM messages WHERE run_id = NEW.run_id)
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: messages: seq must be the next number of its run'); END;

CREATE TRIGGER tr_receipts_append_only_delete BEFORE DELETE ON receipts
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: receipts are append-only: DELETE rejected'); END;

CREATE TRIGGER tr_receipts_append_only_update BEFORE UPDATE ON receipts
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: receipts are append-only: UPDATE rejected'); END;

CREATE TRIGGER tr_receipts_chain_guard BEFORE INSERT ON receipts
WHEN NEW.job_seq IS NOT (SELECT COALESCE(MAX(r.job_seq), 0) + 1 FROM receipts r WHERE r.job_id = NEW.job_id)
  OR NEW.prev_receipt_hash IS NOT (SELECT r.receipt_hash FROM receipts r WHERE r.job_id = NEW.job_id AND r.job_seq = NEW.job_seq - 1)
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: receipts: job_seq must be the next of its job and prev_receipt_hash the hash of the latest receipt of the job (null for the first)'); END;

CREATE TRIGGER tr_receipts_lease_guard BEFORE INSERT ON receipts
WHEN NOT EXISTS (
  SELECT 1 FROM steps s
  WHERE s.step_seq = NEW.step_seq AND s.step_id = NEW.step_id AND s.job_id = NEW.job_id AND s.run_id = NEW.run_id AND s.status = 'LEASED'
    AND s.lease_owner = NEW.worker_id AND s.fencing_token = NEW.fencing_token AND s.lease_expires_at > CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
)
BEGIN SELECT RAISE(ABORT, 'CAT_LEASE_NOT_HELD: receipts: the step must be LEASED by this worker with this fencing token and an unexpired lease'); END;

CREATE TRIGGER tr_receipts_no_replace BEFORE INSERT ON receipts
WHEN EXISTS (SELECT 1 FROM receipts x WHERE x.step_seq = NEW.step_seq)
  OR EXISTS (SELECT 1 FROM receipts x WHERE x.job_id = NEW.job_id AND x.job_seq = NEW.job_seq)
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: receipts: a row with this key exists (INSERT OR REPLACE, REPLACE and upserts are rejected)'); END;

CREATE TRIGGER tr_step_deps_immutable_delete BEFORE DELETE ON step_deps
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: step_deps are immutable: DELETE rejected'); END;

CREATE TRIGGER tr_step_deps_immutable_update BEFORE UPDATE ON step_deps
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: step_deps are immutable: UPDATE rejected'); END;

CREATE TRIGGER tr_step_deps_insert_guard BEFORE INSERT ON step_deps
WHEN NOT EXISTS (
  SELECT 1 FROM steps s JOIN steps d ON d.job_id = s.job_id
  WHERE s.step_id = NEW.step_id AND d.step_id = NEW.depends_on_step_id
    AND d.ordinal < s.ordinal AND s.status = 'PENDING' AND s.fencing_token = 0
)
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: step_deps: a dependency is an earlier step of the same job, added before the step is ever claimed'); END;

CREATE TRIGGER tr_step_deps_no_replace BEFORE INSERT ON step_deps
WHEN EXISTS (SELECT 1 FROM step_deps x WHERE x.step_id = NEW.step_id AND x.depends_on_step_id = NEW.depends_on_step_id)
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: step_deps: a row with this key exists (INSERT OR REPLACE, REPLACE and upserts are rejected)'); END;

CREATE TRIGGER tr_step_transitions_append_only_delete BEFORE DELETE ON step_transitions
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: step_transitions are append-only: DELETE rejected'); END;

CREATE TRIGGER tr_step_transitions_append_only_update BEFORE UPDATE ON step_transitions
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: step_transitions are append-only: UPDATE rejected'); END;

CREATE TRIGGER tr_step_transitions_insert_guard BEFORE INSERT ON step_transitions
WHEN NEW.from_status IS NEW.to_status
  OR NOT EXISTS (
    SELECT 1 FROM steps s
    WHERE s.step_id = NEW.step_id AND s.job_id = NEW.job_id AND s.run_id = NEW.run_id
      AND s.status = NEW.to_status AND s.fencing_token = NEW.fencing_token
  )
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: step_transitions: rows are written by the steps triggers only'); END;

CREATE TRIGGER tr_step_transitions_no_replace BEFORE INSERT ON step_transitions
WHEN EXISTS (SELECT 1 FROM step_transitions x WHERE x.transition_id = NEW.transition_id)
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: step_transitions: a row with this key exists (INSERT OR REPLACE, REPLACE and upserts are rejected)'); END;

CREATE TRIGGER tr_steps_claim_dependency_guard BEFORE UPDATE ON steps
WHEN OLD.status = 'PENDING' AND NEW.status = 'LEASED' AND NOT (NEW.step_seq IS NOT OLD.step_seq OR NEW.step_id IS NOT OLD.step_id OR NEW.job_id IS NOT OLD.job_id
  OR NEW.run_id IS NOT OLD.run_id OR NEW.message_seq IS NOT OLD.message_seq OR NEW.job_ordinal IS NOT OLD.job_ordinal
  OR NEW.ordinal IS NOT OLD.ordinal OR NEW.op IS NOT OLD.op OR NEW.payload_json IS NOT OLD.payload_json OR NEW.created_at IS NOT OLD.created_at)
  AND EXISTS (
    SELECT 1 FROM step_deps d LEFT JOIN steps ds ON ds.step_id = d.depends_on_step_id LEFT JOIN receipts r ON r.step_seq = ds.step_seq
    WHERE d.step_id = NEW.step_id AND r.outcome IS NOT 'SUCCESS'
  )
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: steps: a step is claimable only when every dependency is COMMITTED with SUCCESS'); END;

CREATE TRIGGER tr_steps_claim_guard BEFORE UPDATE ON steps
WHEN OLD.status = 'PENDING' AND NEW.status = 'LEASED' AND NOT (NEW.step_seq IS NOT OLD.step_seq OR NEW.step_id IS NOT OLD.step_id OR NEW.job_id IS NOT OLD.job_id
  OR NEW.run_id IS NOT OLD.run_id OR NEW.message_seq IS NOT OLD.message_seq OR NEW.job_ordinal IS NOT OLD.job_ordinal
  OR NEW.ordinal IS NOT OLD.ordinal OR NEW.op IS NOT OLD.op OR NEW.payload_json IS NOT OLD.payload_json OR NEW.created_at IS NOT OLD.created_at)
  AND NOT (NEW.fencing_token = OLD.fencing_token + 1 AND NEW.lease_expires_at > CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: steps: a claim sets an owner, a future expiry and fencing_token + 1'); END;

CREATE TRIGGER tr_steps_commit_guard BEFORE UPDATE ON steps
WHEN OLD.status = 'LEASED' AND NEW.status = 'COMMITTED' AND NOT (NEW.step_seq IS NOT OLD.step_seq OR NEW.step_id IS NOT OLD.step_id OR NEW.job_id IS NOT OLD.job_id
  OR NEW.run_id IS NOT OLD.run_id OR NEW.message_seq IS NOT OLD.message_seq OR NEW.job_ordinal IS NOT OLD.job_ordinal
  OR NEW.ordinal IS NOT OLD.ordinal OR NEW.op IS NOT OLD.op OR NEW.payload_json IS NOT OLD.payload_json OR NEW.created_at IS NOT OLD.created_at)
  AND NOT (
    NEW.lease_owner IS OLD.lease_owner AND NEW.lease_expires_at IS OLD.lease_expires_at AND NEW.fencing_token = OLD.fencing_token
    AND EXISTS (
      SELECT 1 FROM receipts r
      WHERE r.step_seq = OLD.step_seq AND r.step_id = OLD.step_id AND r.worker_id = OLD.lease_owner AND r.fencing_token = OLD.fencing_token
    )
  )
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: steps: COMMITTED needs the receipt of the lease holder and unchanged lease fields'); END;

CREATE TRIGGER tr_steps_fsm_committed_final BEFORE UPDATE ON steps
WHEN OLD.status = 'COMMITTED' AND NOT (NEW.step_seq IS NOT OLD.step_seq OR NEW.step_id IS NOT OLD.step_id OR NEW.job_id IS NOT OLD.job_id
  OR NEW.run_id IS NOT OLD.run_id OR NEW.message_seq IS NOT OLD.message_seq OR NEW.job_ordinal IS NOT OLD.job_ordinal
  OR NEW.ordinal IS NOT OLD.ordinal OR NEW.op IS NOT OLD.op OR NEW.payload_json IS NOT OLD.payload_json OR NEW.created_at IS NOT OLD.created_at)
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: steps: illegal transition: a COMMITTED step is final'); END;

CREATE TRIGGER tr_steps_fsm_guard BEFORE UPDATE ON steps
WHEN OLD.status = 'PENDING' AND NEW.status IS NOT 'LEASED' AND NOT (NEW.step_seq IS NOT OLD.step_seq OR NEW.step_id IS NOT OLD.step_id OR NEW.job_id IS NOT OLD.job_id
  OR NEW.run_id IS NOT OLD.run_id OR NEW.message_seq IS NOT OLD.message_seq OR NEW.job_ordinal IS NOT OLD.job_ordinal
  OR NEW.ordinal IS NOT OLD.ordinal OR NEW.op IS NOT OLD.op OR NEW.payload_json IS NOT OLD.payload_json OR NEW.created_at IS NOT OLD.created_at)
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: steps: illegal transition (allowed: PENDING->LEASED, LEASED->LEASED renewal, LEASED->COMMITTED, LEASED->PENDING after expiry)'); END;

CREATE TRIGGER tr_steps_identity_guard BEFORE UPDATE ON steps
WHEN NEW.step_seq IS NOT OLD.step_seq OR NEW.step_id IS NOT OLD.step_id OR NEW.job_id IS NOT OLD.job_id
  OR NEW.run_id IS NOT OLD.run_id OR NEW.message_seq IS NOT OLD.message_seq OR NEW.job_ordinal IS NOT OLD.job_ordinal
  OR NEW.ordinal IS NOT OLD.ordinal OR NEW.op IS NOT OLD.op OR NEW.payload_json IS NOT OLD.payload_json OR NEW.created_at IS NOT OLD.created_at
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: steps: identity, op and payload are immutable'); END;

CREATE TRIGGER tr_steps_immutable_delete BEFORE DELETE ON steps
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: steps: DELETE rejected'); END;

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

CREATE TRIGGER tr_steps_lease_guard BEFORE UPDATE ON steps
WHEN OLD.status = 'LEASED' AND NEW.status = 'LEASED' AND NOT (NEW.step_seq IS NOT OLD.step_seq OR NEW.step_id IS NOT OLD.step_id OR NEW.job_id IS NOT OLD.job_id
  OR NEW.run_id IS NOT OLD.run_id OR NEW.message_seq IS NOT OLD.message_seq OR NEW.job_ordinal IS NOT OLD.job_ordinal
  OR NEW.ordinal IS NOT OLD.ordinal OR NEW.op IS NOT OLD.op OR NEW.payload_json IS NOT OLD.payload_json OR NEW.created_at IS NOT OLD.created_at)
  AND NOT (
    NEW.lease_owner = OLD.lease_owner AND NEW.fencing_token = OLD.fencing_token
    AND NEW.lease_expires_at > OLD.lease_expires_at AND OLD.lease_expires_at > CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
  )
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: steps: lease fields change only by renewal (same owner and token, unexpired lease, expiry moves forward)'); END;

CREATE TRIGGER tr_steps_no_replace BEFORE INSERT ON steps
WHEN EXISTS (SELECT 1 FROM steps x WHERE x.step_seq = NEW.step_seq)
  OR EXISTS (SELECT 1 FROM steps x WHERE x.step_id = NEW.step_id)
  OR EXISTS (SELECT 1 FROM steps x WHERE x.run_id = NEW.run_id AND x.message_seq = NEW.message_seq AND x.job_ordinal = NEW.job_ordinal AND x.ordinal = NEW.ordinal)
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: steps: a row with this key exists (INSERT OR REPLACE, REPLACE and upserts are rejected)'); END;

CREATE TRIGGER tr_steps_record_insert AFTER INSERT ON steps
BEGIN
  INSERT INTO step_transitions (step_id, job_id, run_id, from_status, to_status, worker_id, fencing_token, at)
  VALUES (NEW.step_id, NEW.job_id, NEW.run_id, NULL, NEW.status, NULL, NEW.fencing_token, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER tr_steps_record_transition AFTER UPDATE OF status ON steps
WHEN NEW.status IS NOT OLD.status
BEGIN
  INSERT INTO step_transitions (step_id, job_id, run_id, from_status, to_status, worker_id, fencing_token, at)
  VALUES (NEW.step_id, NEW.job_id, NEW.run_id, OLD.status, NEW.status, COALESCE(NEW.lease_owner, OLD.lease_owner), NEW.fencing_token, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER tr_steps_requeue_guard BEFORE UPDATE ON steps
WHEN OLD.status = 'LEASED' AND NEW.status = 'PENDING' AND NOT (NEW.step_seq IS NOT OLD.step_seq OR NEW.step_id IS NOT OLD.step_id OR NEW.job_id IS NOT OLD.job_id
  OR NEW.run_id IS NOT OLD.run_id OR NEW.message_seq IS NOT OLD.message_seq OR NEW.job_ordinal IS NOT OLD.job_ordinal
  OR NEW.ordinal IS NOT OLD.ordinal OR NEW.op IS NOT OLD.op OR NEW.payload_json IS NOT OLD.payload_json OR NEW.created_at IS NOT OLD.created_at)
  AND NOT (
    OLD.lease_expires_at <= CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) AND NEW.fencing_token = OLD.fencing_token + 1
    AND NOT EXISTS (SELECT 1 FROM receipts r WHERE r.step_seq = OLD.step_seq)
  )
BEGIN SELECT RAISE(ABORT, 'CAT_INVARIANT: steps: requeue (LEASED->PENDING) only after the lease expired, with fencing_token + 1'); END;
