-- Blocklist monitoring. The current status per (target, list) is overwritten each sweep; a row goes into
-- blocklist_events only when something changed, so years of half-hourly sweeps stay small.
CREATE TABLE blocklist_status (
  target TEXT NOT NULL,
  zone TEXT NOT NULL,
  list TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('listed', 'clean', 'error', 'suspect')),
  last_known TEXT CHECK (last_known IN ('listed', 'clean', 'suspect')),
  last_known_codes TEXT NOT NULL DEFAULT '',
  severity TEXT CHECK (severity IN ('high', 'info')),
  allowlisted INTEGER NOT NULL DEFAULT 0,
  codes TEXT NOT NULL DEFAULT '',
  meaning TEXT,
  reason TEXT,
  delist_url TEXT,
  error TEXT,
  since INTEGER NOT NULL,
  checked_at INTEGER NOT NULL,
  PRIMARY KEY (target, zone)
);

-- Transitions: listed, delisted, changed codes, errors beginning and ending, suspect holds, list health.
-- target is '' for list-level (health) events.
CREATE TABLE blocklist_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  target TEXT NOT NULL,
  zone TEXT NOT NULL,
  event TEXT NOT NULL CHECK (event IN ('listed', 'delisted', 'changed', 'error_began', 'error_ended', 'suspect', 'suspect_cleared', 'list_unhealthy', 'list_healthy')),
  from_status TEXT,
  to_status TEXT NOT NULL,
  severity TEXT,
  codes TEXT NOT NULL DEFAULT '',
  meaning TEXT,
  reason TEXT,
  error TEXT
);

CREATE INDEX blocklist_events_by_time ON blocklist_events (at DESC, id DESC);
CREATE INDEX blocklist_events_by_target ON blocklist_events (target, zone, at DESC);

-- Each list's health as of the last sweep (its changes are events above).
CREATE TABLE blocklist_health (
  zone TEXT PRIMARY KEY,
  list TEXT NOT NULL,
  healthy INTEGER NOT NULL,
  cause TEXT,
  since INTEGER NOT NULL,
  checked_at INTEGER NOT NULL
);
