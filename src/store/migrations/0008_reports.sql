-- DMARC aggregate, failure and SMTP TLS reports.

-- Every file or message part offered for ingestion and what became of it. A file that failed to parse
-- keeps its content so it can be shown and imported again; an unsafe one (a bomb, a DTD) keeps none.
CREATE TABLE report_intake (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  received_at INTEGER NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('imap', 'folder', 'upload', 'cli')),
  name TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('stored', 'duplicate', 'rejected')),
  kind TEXT CHECK (kind IN ('aggregate', 'failure', 'tls')),
  -- the id in dmarc_reports, tls_reports or failure_reports, by kind
  stored_id INTEGER,
  error TEXT,
  content BLOB
);
CREATE INDEX report_intake_by_time ON report_intake (received_at DESC);
CREATE INDEX report_intake_by_status ON report_intake (status, received_at DESC);
CREATE INDEX report_intake_by_hash ON report_intake (sha256);

CREATE TABLE dmarc_reports (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  org TEXT NOT NULL,
  email TEXT,
  report_id TEXT NOT NULL,
  domain TEXT NOT NULL,
  begin_at INTEGER NOT NULL,
  end_at INTEGER NOT NULL,
  schema TEXT NOT NULL CHECK (schema IN ('draft', 'rfc7489', 'rfc9990')),
  generator TEXT,
  errors TEXT NOT NULL DEFAULT '[]',
  adkim TEXT,
  aspf TEXT,
  p TEXT,
  sp TEXT,
  np TEXT,
  pct INTEGER,
  fo TEXT,
  testing INTEGER,
  discovery_method TEXT,
  records INTEGER NOT NULL,
  messages INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  UNIQUE (org, report_id, domain, begin_at, end_at)
);
CREATE INDEX dmarc_reports_by_domain ON dmarc_reports (domain, begin_at);
CREATE INDEX dmarc_reports_by_arrival ON dmarc_reports (domain, received_at DESC);

-- One row per report record and UTC day: a report spanning several days has its counts shared out.
CREATE TABLE dmarc_rows (
  report INTEGER NOT NULL REFERENCES dmarc_reports (id) ON DELETE CASCADE,
  domain TEXT NOT NULL,
  day INTEGER NOT NULL,
  source_ip TEXT NOT NULL,
  count INTEGER NOT NULL,
  disposition TEXT NOT NULL,
  dkim_aligned TEXT NOT NULL,
  spf_aligned TEXT NOT NULL,
  overrides TEXT NOT NULL DEFAULT '[]',
  header_from TEXT NOT NULL,
  envelope_from TEXT,
  envelope_to TEXT,
  dkim TEXT NOT NULL DEFAULT '[]',
  spf TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX dmarc_rows_by_domain ON dmarc_rows (domain, day, source_ip);
CREATE INDEX dmarc_rows_by_report ON dmarc_rows (report);

-- DKIM selectors receivers saw signing for a domain: the audit checks their keys too.
CREATE TABLE dmarc_selectors (
  domain TEXT NOT NULL,
  selector TEXT NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  PRIMARY KEY (domain, selector)
);

-- What each source IP says about itself, looked up once: reverse DNS, forward confirmation, a label.
CREATE TABLE report_sources (
  ip TEXT PRIMARY KEY,
  status TEXT NOT NULL CHECK (status IN ('ok', 'error')),
  ptr TEXT,
  fcrdns INTEGER,
  base_domain TEXT,
  label TEXT,
  error TEXT,
  first_seen INTEGER NOT NULL,
  checked_at INTEGER NOT NULL
);

CREATE TABLE tls_reports (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  org TEXT NOT NULL,
  email TEXT,
  report_id TEXT NOT NULL,
  domain TEXT NOT NULL,
  begin_at INTEGER NOT NULL,
  end_at INTEGER NOT NULL,
  policies INTEGER NOT NULL,
  successful INTEGER NOT NULL,
  failed INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  UNIQUE (org, report_id, domain, begin_at, end_at)
);
CREATE INDEX tls_reports_by_domain ON tls_reports (domain, begin_at);

CREATE TABLE tls_policies (
  report INTEGER NOT NULL REFERENCES tls_reports (id) ON DELETE CASCADE,
  policy_type TEXT NOT NULL,
  policy_domain TEXT NOT NULL,
  mx_hosts TEXT NOT NULL DEFAULT '[]',
  successful INTEGER NOT NULL,
  failed INTEGER NOT NULL,
  failures TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX tls_policies_by_report ON tls_policies (report);

CREATE TABLE failure_reports (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  domain TEXT NOT NULL,
  auth_failure TEXT NOT NULL,
  source_ip TEXT,
  arrival_at INTEGER,
  mail_from TEXT,
  rcpt_to TEXT,
  delivery_result TEXT,
  dkim_domain TEXT,
  dkim_selector TEXT,
  identity_alignment TEXT,
  authentication_results TEXT,
  user_agent TEXT,
  subject TEXT,
  from_header TEXT,
  received_at INTEGER NOT NULL
);
CREATE INDEX failure_reports_by_domain ON failure_reports (domain, received_at DESC);

-- Where the report mailbox reader got to, so a restart neither misses nor re-reads messages.
CREATE TABLE report_mailbox_state (
  mailbox TEXT PRIMARY KEY,
  uid_validity TEXT NOT NULL,
  last_uid INTEGER NOT NULL
);
