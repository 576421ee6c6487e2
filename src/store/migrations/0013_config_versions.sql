-- The configuration a Workers deployment runs, pushed with `inboxwatch config push`, one row per version.
-- Secrets are never part of it: the Worker takes them from its own secrets.
CREATE TABLE config_versions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  yaml TEXT NOT NULL,
  pushed_at INTEGER NOT NULL,
  pushed_by TEXT NOT NULL
);
