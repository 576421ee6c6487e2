-- Agent ingest. An agent runs probe jobs against a local store and ships each finished run's facts to the
-- server in batches; the server keeps the id of every batch it stored, written in the same transaction as
-- the facts, so a batch sent again is recognised and stored once.
CREATE TABLE ingest_batches (
  id TEXT PRIMARY KEY,
  -- The token the batch came with (its name, never the secret), and the agent's name for itself.
  caller TEXT NOT NULL,
  agent TEXT,
  received_at INTEGER NOT NULL,
  runs INTEGER NOT NULL,
  facts INTEGER NOT NULL
);

CREATE INDEX ingest_batches_by_time ON ingest_batches (received_at);

-- Scratch space of one import: the server id each inserted row of the batch got, so later statements of the
-- same transaction can refer to it. The import's last statement empties its own rows.
CREATE TABLE ingest_ids (
  batch TEXT NOT NULL,
  kind TEXT NOT NULL,
  local_id INTEGER NOT NULL,
  id INTEGER NOT NULL,
  PRIMARY KEY (batch, kind, local_id)
);

-- Which agent ran a run (NULL: this process or another sharing the store), and its id there.
ALTER TABLE runs ADD COLUMN agent TEXT;
ALTER TABLE runs ADD COLUMN agent_run_id INTEGER;

-- Links from facts to the run that stored them, so one run's facts can be read back and shipped.
-- A blocklist sweep: when it was taken (its rows in blocklist_status and blocklist_health carry that
-- checked_at until a later sweep replaces them) and whether it covered every target and list.
CREATE TABLE blocklist_sweeps (
  run_id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  complete INTEGER NOT NULL,
  results INTEGER NOT NULL
);

-- The run that completed a placement test (a test interrupted by a restart is completed by a later run).
ALTER TABLE tests ADD COLUMN run_id INTEGER;
CREATE INDEX tests_by_run ON tests (run_id);
-- A run's late finds: verdicts on earlier tests' messages, decided while it ran.
CREATE INDEX verdicts_late ON verdicts (decided_at) WHERE late = 1;

-- The run that stored an audit, and the record sets it saw (JSON; a set whose lookup failed is null), so the
-- audit can be replayed against another store's snapshots.
ALTER TABLE audits ADD COLUMN run_id INTEGER;
ALTER TABLE audits ADD COLUMN records TEXT;
CREATE INDEX audits_by_run ON audits (run_id);
