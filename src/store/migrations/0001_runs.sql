-- Every job run, as it happened. A run still 'running' when the process starts again was interrupted.
CREATE TABLE runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job TEXT NOT NULL,
  trigger TEXT NOT NULL CHECK (trigger IN ('schedule', 'manual', 'api')),
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  status TEXT NOT NULL CHECK (status IN ('running', 'ok', 'error', 'interrupted')),
  summary TEXT,
  error TEXT
);

CREATE INDEX runs_by_time ON runs (started_at DESC);
CREATE INDEX runs_by_job ON runs (job, started_at DESC);
