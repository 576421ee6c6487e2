-- Seed placement tests. Facts as observed: a test, one message per provider x seed with its send result,
-- and the verdict on each message with its evidence. Rates and charts are queries over these.

CREATE TABLE tests (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  token TEXT NOT NULL UNIQUE,
  trigger TEXT NOT NULL CHECK (trigger IN ('cli', 'schedule', 'manual', 'api')),
  started_at INTEGER NOT NULL,
  -- After this a message not found is missing; arrivals later still count, flagged late.
  deadline_at INTEGER NOT NULL,
  late_after_ms INTEGER NOT NULL,
  providers TEXT NOT NULL, -- JSON array of the provider names chosen
  status TEXT NOT NULL CHECK (status IN ('sending', 'collecting', 'complete')),
  finished_at INTEGER
);

CREATE INDEX tests_by_time ON tests (started_at DESC);
CREATE INDEX tests_unfinished ON tests (status, started_at);

CREATE TABLE messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  test_id INTEGER NOT NULL REFERENCES tests (id) ON DELETE CASCADE,
  provider TEXT NOT NULL,
  seed TEXT NOT NULL,
  mailbox_provider TEXT NOT NULL,
  -- Place in the randomised send order.
  position INTEGER NOT NULL,
  message_id TEXT NOT NULL UNIQUE,
  from_address TEXT NOT NULL,
  -- 'sending' is written before the SMTP transaction starts, so a crash mid-send is never re-sent.
  send_status TEXT NOT NULL DEFAULT 'pending' CHECK (send_status IN ('pending', 'sending', 'sent', 'error', 'interrupted')),
  send_started_at INTEGER,
  sent_at INTEGER, -- when the provider answered 250 to DATA
  response TEXT,
  queue_id TEXT,
  send_error TEXT,
  UNIQUE (test_id, provider, seed)
);

CREATE INDEX messages_by_test ON messages (test_id, position);

CREATE TABLE verdicts (
  message_id INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
  test_id INTEGER NOT NULL REFERENCES tests (id) ON DELETE CASCADE,
  -- Copied from the test and message so the rates query reads one table through one index.
  test_started_at INTEGER NOT NULL,
  provider TEXT NOT NULL,
  seed TEXT NOT NULL,
  mailbox_provider TEXT NOT NULL,
  placement TEXT NOT NULL CHECK (placement IN ('inbox', 'spam', 'promotions', 'social', 'updates', 'forums', 'other-folder', 'missing', 'error', 'send-error')),
  folder TEXT,
  labels TEXT NOT NULL DEFAULT '[]',
  folders_searched TEXT NOT NULL DEFAULT '[]',
  arrived_at INTEGER, -- INTERNALDATE, the receiver's clock
  received_at INTEGER, -- the receiving hop's Received date, the receiver's clock
  observed_at INTEGER, -- when we found it, our clock
  latency_ms INTEGER,
  latency_source TEXT,
  clock_skew_ms INTEGER,
  late INTEGER NOT NULL DEFAULT 0,
  receiver_auth TEXT, -- JSON: the receiver's Authentication-Results
  local_auth TEXT, -- JSON: our own mailauth verification
  spam TEXT, -- JSON: spam indicators
  hops TEXT, -- JSON: parsed Received chain with TLS per hop
  headers TEXT,
  error TEXT,
  decided_at INTEGER NOT NULL
);

CREATE INDEX verdicts_by_time ON verdicts (test_started_at);
CREATE INDEX verdicts_by_test ON verdicts (test_id);
CREATE INDEX verdicts_missing ON verdicts (placement, test_started_at);

CREATE TABLE seed_health (
  seed TEXT PRIMARY KEY,
  last_login_at INTEGER,
  last_failure_at INTEGER,
  last_error TEXT,
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  quota_used_bytes INTEGER,
  quota_limit_bytes INTEGER,
  quota_warning TEXT,
  updated_at INTEGER NOT NULL
);
