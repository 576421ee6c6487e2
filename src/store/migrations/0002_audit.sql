-- Domain authentication audits: one row per audit of a domain, its check results, the DNS record sets it
-- saw (stored when they change) and an event for every change, which the alerts read.
CREATE TABLE audits (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  domain TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER NOT NULL,
  worst TEXT NOT NULL CHECK (worst IN ('pass', 'info', 'warn', 'error', 'fail')),
  pass INTEGER NOT NULL,
  warn INTEGER NOT NULL,
  fail INTEGER NOT NULL,
  error INTEGER NOT NULL,
  info INTEGER NOT NULL
);

CREATE INDEX audits_by_domain ON audits (domain, started_at DESC);
CREATE INDEX audits_by_time ON audits (started_at);

CREATE TABLE audit_checks (
  audit_id INTEGER NOT NULL REFERENCES audits (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  check_id TEXT NOT NULL,
  subject TEXT,
  status TEXT NOT NULL CHECK (status IN ('pass', 'warn', 'fail', 'error', 'info')),
  message TEXT NOT NULL,
  remediation TEXT,
  evidence TEXT NOT NULL,
  PRIMARY KEY (audit_id, seq)
);

-- A record set as last seen: a new row only when the records differ from the previous one for the kind.
CREATE TABLE dns_snapshots (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  domain TEXT NOT NULL,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  records TEXT NOT NULL,
  first_seen_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  audit_id INTEGER NOT NULL
);

CREATE INDEX dns_snapshots_latest ON dns_snapshots (domain, kind, first_seen_at DESC);

CREATE TABLE dns_changes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  domain TEXT NOT NULL,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  change TEXT NOT NULL CHECK (change IN ('added', 'removed', 'changed')),
  before TEXT NOT NULL,
  after TEXT NOT NULL,
  observed_at INTEGER NOT NULL,
  audit_id INTEGER NOT NULL
);

CREATE INDEX dns_changes_by_domain ON dns_changes (domain, observed_at DESC);
CREATE INDEX dns_changes_by_time ON dns_changes (observed_at DESC);
