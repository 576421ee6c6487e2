-- Alerts: incidents (one open per rule and key), a stored outbox of notifications with every delivery
-- attempt, the cursors rules read event tables by, and short leases so two processes never evaluate or
-- send the same thing at once.
CREATE TABLE alert_incidents (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  rule TEXT NOT NULL,
  rule_type TEXT NOT NULL,
  key TEXT NOT NULL,
  severity TEXT NOT NULL CHECK (severity IN ('critical', 'warning', 'info')),
  -- pending: bad, but fewer consecutive bad evaluations than the rule asks for; never notified.
  state TEXT NOT NULL CHECK (state IN ('pending', 'firing', 'resolved')),
  title TEXT NOT NULL,
  observation TEXT NOT NULL, -- JSON: the last bad observation with its evidence
  bad_count INTEGER NOT NULL DEFAULT 0,
  good_count INTEGER NOT NULL DEFAULT 0,
  last_fact TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  fired_at INTEGER,
  resolved_at INTEGER,
  last_seen_at INTEGER NOT NULL,
  last_notified_at INTEGER,
  silenced_until INTEGER,
  acked_at INTEGER,
  acked_by TEXT
);

CREATE UNIQUE INDEX alert_incidents_open ON alert_incidents (rule, key) WHERE state != 'resolved';
CREATE INDEX alert_incidents_by_state ON alert_incidents (state, started_at DESC);
CREATE INDEX alert_incidents_by_time ON alert_incidents (started_at DESC);

CREATE TABLE alert_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  channel TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('alert', 'digest', 'test')),
  payload TEXT NOT NULL, -- JSON: the notification, rendered per channel when sent
  created_at INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  -- Who is sending it and until when; a claim past its time is taken over (the sender died mid-way).
  claimed_by TEXT,
  claimed_until INTEGER,
  delivered_at INTEGER,
  last_error TEXT
);

CREATE INDEX alert_outbox_due ON alert_outbox (status, next_attempt_at);
CREATE INDEX alert_outbox_by_time ON alert_outbox (created_at DESC);

CREATE TABLE alert_attempts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  outbox_id INTEGER NOT NULL REFERENCES alert_outbox (id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  ok INTEGER NOT NULL,
  error TEXT
);

CREATE INDEX alert_attempts_by_outbox ON alert_attempts (outbox_id, at);

CREATE TABLE alert_incident_notifications (
  incident_id INTEGER NOT NULL REFERENCES alert_incidents (id) ON DELETE CASCADE,
  outbox_id INTEGER NOT NULL REFERENCES alert_outbox (id) ON DELETE CASCADE,
  PRIMARY KEY (incident_id, outbox_id)
);

-- How far a rule has read an append-only fact table (audits, DNS record changes).
CREATE TABLE alert_cursors (
  name TEXT PRIMARY KEY,
  position INTEGER NOT NULL
);

CREATE TABLE alert_leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  until INTEGER NOT NULL
);

-- probe_failing reads each provider's latest test.
CREATE INDEX messages_by_provider ON messages (provider, test_id);
