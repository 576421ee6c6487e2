-- Processes sharing one database: each registers itself as an owner and refreshes its heartbeat while it
-- lives; runs and placement tests name the owner doing them, so start-up takes over only the work of an
-- owner that is really gone (same host and its pid not alive, or a stale heartbeat), never a live one's.
CREATE TABLE owners (
  id TEXT PRIMARY KEY,
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  command TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL
);

ALTER TABLE runs ADD COLUMN owner TEXT;
ALTER TABLE tests ADD COLUMN owner TEXT;

-- Start-up looks for running runs and unfinished tests; both are few, but runs grow with time.
CREATE INDEX runs_running ON runs (status, owner);
