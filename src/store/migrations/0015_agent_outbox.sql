-- A probe agent's outbox: each finished run's facts waiting to be sent to the server (`inboxwatch agent`).
-- A row is deleted only once the server has answered 2xx for its batch. Rows have no foreign key to
-- `runs`: housekeeping may prune the run while its facts still wait here, and must not take them along.
CREATE TABLE agent_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  -- The batch id the server deduplicates on. Fresh per run when queued; when several rows are first sent
  -- together they are sealed under one id (sealed_at), and a sealed row keeps its id and its batch forever.
  batch_id TEXT NOT NULL,
  run_id INTEGER NOT NULL,
  job TEXT NOT NULL,
  -- One run's facts as the ingest API takes them (JSON).
  payload TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  queued_at INTEGER NOT NULL,
  sealed_at INTEGER,
  -- Set when a batch holding this row was refused whole: the row is then only ever sent on its own.
  solo INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_attempt_at INTEGER,
  last_error TEXT,
  -- A permanent refusal (a 4xx other than 408/429): kept with the server's answer, never retried.
  rejected_at INTEGER,
  rejected_status INTEGER
);
-- The shipper reads pending rows oldest first, and a sealed batch's rows together.
CREATE INDEX agent_outbox_pending ON agent_outbox (rejected_at, id);
CREATE INDEX agent_outbox_batch ON agent_outbox (batch_id);
