-- Dashboard sign-in sessions. The cookie carries a random id; only its SHA-256 is stored, so a copy of the
-- database cannot be replayed as a cookie. A session belongs to a configured token (by name): removing the
-- token from the configuration ends its sessions.
CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  token_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'viewer')),
  -- Sent back by the dashboard in a header on every write; a cross-site form cannot know it.
  csrf TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);

CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- Placement counts per UTC day, sending provider and mailbox provider, one column per placement, kept by the
-- triggers below as verdicts are written, so a year of rates is 365 × providers × mailbox providers rows
-- rather than a year of verdicts.
CREATE TABLE placement_daily (
  day INTEGER NOT NULL, -- UTC midnight, epoch ms
  provider TEXT NOT NULL,
  mailbox_provider TEXT NOT NULL,
  inbox INTEGER NOT NULL DEFAULT 0,
  promotions INTEGER NOT NULL DEFAULT 0,
  social INTEGER NOT NULL DEFAULT 0,
  updates INTEGER NOT NULL DEFAULT 0,
  forums INTEGER NOT NULL DEFAULT 0,
  spam INTEGER NOT NULL DEFAULT 0,
  other_folder INTEGER NOT NULL DEFAULT 0,
  missing INTEGER NOT NULL DEFAULT 0,
  error INTEGER NOT NULL DEFAULT 0,
  send_error INTEGER NOT NULL DEFAULT 0,
  late INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, provider, mailbox_provider)
);

INSERT INTO placement_daily (day, provider, mailbox_provider, inbox, promotions, social, updates, forums, spam, other_folder, missing, error, send_error, late)
  SELECT test_started_at - test_started_at % 86400000, provider, mailbox_provider, SUM(placement = 'inbox'), SUM(placement = 'promotions'), SUM(placement = 'social'), SUM(placement = 'updates'), SUM(placement = 'forums'), SUM(placement = 'spam'), SUM(placement = 'other-folder'), SUM(placement = 'missing'), SUM(placement = 'error'), SUM(placement = 'send-error'), SUM(late)
    FROM verdicts GROUP BY 1, 2, 3;

-- Rows are created with WHERE NOT EXISTS rather than INSERT OR IGNORE: inside a trigger the outer statement's
-- conflict policy wins, and saveVerdict's INSERT OR REPLACE would turn OR IGNORE into a reset to zero.

-- A verdict replaced (a missing message that turned up late) first takes its old count back. This runs
-- before the REPLACE removes the old row, which fires no delete trigger.
CREATE TRIGGER placement_daily_retract BEFORE INSERT ON verdicts
WHEN EXISTS (SELECT 1 FROM verdicts WHERE message_id = NEW.message_id)
BEGIN
  UPDATE placement_daily SET
      inbox = inbox - (SELECT placement = 'inbox' FROM verdicts WHERE message_id = NEW.message_id),
      promotions = promotions - (SELECT placement = 'promotions' FROM verdicts WHERE message_id = NEW.message_id),
      social = social - (SELECT placement = 'social' FROM verdicts WHERE message_id = NEW.message_id),
      updates = updates - (SELECT placement = 'updates' FROM verdicts WHERE message_id = NEW.message_id),
      forums = forums - (SELECT placement = 'forums' FROM verdicts WHERE message_id = NEW.message_id),
      spam = spam - (SELECT placement = 'spam' FROM verdicts WHERE message_id = NEW.message_id),
      other_folder = other_folder - (SELECT placement = 'other-folder' FROM verdicts WHERE message_id = NEW.message_id),
      missing = missing - (SELECT placement = 'missing' FROM verdicts WHERE message_id = NEW.message_id),
      error = error - (SELECT placement = 'error' FROM verdicts WHERE message_id = NEW.message_id),
      send_error = send_error - (SELECT placement = 'send-error' FROM verdicts WHERE message_id = NEW.message_id),
      late = late - (SELECT late FROM verdicts WHERE message_id = NEW.message_id)
   WHERE (day, provider, mailbox_provider) =
         (SELECT test_started_at - test_started_at % 86400000, provider, mailbox_provider FROM verdicts WHERE message_id = NEW.message_id);
END;

CREATE TRIGGER placement_daily_add AFTER INSERT ON verdicts
BEGIN
  INSERT INTO placement_daily (day, provider, mailbox_provider)
    SELECT NEW.test_started_at - NEW.test_started_at % 86400000, NEW.provider, NEW.mailbox_provider
     WHERE NOT EXISTS (SELECT 1 FROM placement_daily WHERE day = NEW.test_started_at - NEW.test_started_at % 86400000 AND provider = NEW.provider AND mailbox_provider = NEW.mailbox_provider);
  UPDATE placement_daily SET
      inbox = inbox + (NEW.placement = 'inbox'),
      promotions = promotions + (NEW.placement = 'promotions'),
      social = social + (NEW.placement = 'social'),
      updates = updates + (NEW.placement = 'updates'),
      forums = forums + (NEW.placement = 'forums'),
      spam = spam + (NEW.placement = 'spam'),
      other_folder = other_folder + (NEW.placement = 'other-folder'),
      missing = missing + (NEW.placement = 'missing'),
      error = error + (NEW.placement = 'error'),
      send_error = send_error + (NEW.placement = 'send-error'),
      late = late + NEW.late
   WHERE day = NEW.test_started_at - NEW.test_started_at % 86400000 AND provider = NEW.provider AND mailbox_provider = NEW.mailbox_provider;
END;

CREATE TRIGGER placement_daily_update AFTER UPDATE OF test_started_at, provider, mailbox_provider, placement, late ON verdicts
BEGIN
  UPDATE placement_daily SET
      inbox = inbox - (OLD.placement = 'inbox'),
      promotions = promotions - (OLD.placement = 'promotions'),
      social = social - (OLD.placement = 'social'),
      updates = updates - (OLD.placement = 'updates'),
      forums = forums - (OLD.placement = 'forums'),
      spam = spam - (OLD.placement = 'spam'),
      other_folder = other_folder - (OLD.placement = 'other-folder'),
      missing = missing - (OLD.placement = 'missing'),
      error = error - (OLD.placement = 'error'),
      send_error = send_error - (OLD.placement = 'send-error'),
      late = late - OLD.late
   WHERE day = OLD.test_started_at - OLD.test_started_at % 86400000 AND provider = OLD.provider AND mailbox_provider = OLD.mailbox_provider;
  INSERT INTO placement_daily (day, provider, mailbox_provider)
    SELECT NEW.test_started_at - NEW.test_started_at % 86400000, NEW.provider, NEW.mailbox_provider
     WHERE NOT EXISTS (SELECT 1 FROM placement_daily WHERE day = NEW.test_started_at - NEW.test_started_at % 86400000 AND provider = NEW.provider AND mailbox_provider = NEW.mailbox_provider);
  UPDATE placement_daily SET
      inbox = inbox + (NEW.placement = 'inbox'),
      promotions = promotions + (NEW.placement = 'promotions'),
      social = social + (NEW.placement = 'social'),
      updates = updates + (NEW.placement = 'updates'),
      forums = forums + (NEW.placement = 'forums'),
      spam = spam + (NEW.placement = 'spam'),
      other_folder = other_folder + (NEW.placement = 'other-folder'),
      missing = missing + (NEW.placement = 'missing'),
      error = error + (NEW.placement = 'error'),
      send_error = send_error + (NEW.placement = 'send-error'),
      late = late + NEW.late
   WHERE day = NEW.test_started_at - NEW.test_started_at % 86400000 AND provider = NEW.provider AND mailbox_provider = NEW.mailbox_provider;
END;

-- Latency percentiles over a short range read only these columns, in time order.
CREATE INDEX verdicts_latency ON verdicts (test_started_at, provider, mailbox_provider, latency_ms);

-- Latency per UTC day, sending provider and mailbox provider as a histogram over fixed buckets (the edges are
-- LATENCY_EDGES_MS in src/dashboard/latency-histogram.ts; bucket i holds edge[i-1] <= ms < edge[i]), kept by the
-- triggers below, so p50/p95 over months read a few thousand counts instead of every verdict.
CREATE TABLE placement_latency_daily (
  day INTEGER NOT NULL,
  provider TEXT NOT NULL,
  mailbox_provider TEXT NOT NULL,
  bucket INTEGER NOT NULL,
  n INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, provider, mailbox_provider, bucket)
);

INSERT INTO placement_latency_daily (day, provider, mailbox_provider, bucket, n)
  SELECT test_started_at - test_started_at % 86400000, provider, mailbox_provider, ((latency_ms >= 500) + (latency_ms >= 1000) + (latency_ms >= 1500) + (latency_ms >= 2000) + (latency_ms >= 3000) + (latency_ms >= 4000) + (latency_ms >= 5000) + (latency_ms >= 6000) + (latency_ms >= 8000) + (latency_ms >= 10000) + (latency_ms >= 12500) + (latency_ms >= 15000) + (latency_ms >= 20000) + (latency_ms >= 25000) + (latency_ms >= 30000) + (latency_ms >= 40000) + (latency_ms >= 50000) + (latency_ms >= 60000) + (latency_ms >= 90000) + (latency_ms >= 120000) + (latency_ms >= 180000) + (latency_ms >= 300000) + (latency_ms >= 600000) + (latency_ms >= 900000) + (latency_ms >= 1800000) + (latency_ms >= 3600000)), COUNT(*)
    FROM verdicts WHERE latency_ms IS NOT NULL GROUP BY 1, 2, 3, 4;

CREATE TRIGGER placement_latency_retract BEFORE INSERT ON verdicts
WHEN (SELECT latency_ms FROM verdicts WHERE message_id = NEW.message_id) IS NOT NULL
BEGIN
  UPDATE placement_latency_daily SET n = n - 1
   WHERE (day, provider, mailbox_provider, bucket) =
         (SELECT test_started_at - test_started_at % 86400000, provider, mailbox_provider, ((latency_ms >= 500) + (latency_ms >= 1000) + (latency_ms >= 1500) + (latency_ms >= 2000) + (latency_ms >= 3000) + (latency_ms >= 4000) + (latency_ms >= 5000) + (latency_ms >= 6000) + (latency_ms >= 8000) + (latency_ms >= 10000) + (latency_ms >= 12500) + (latency_ms >= 15000) + (latency_ms >= 20000) + (latency_ms >= 25000) + (latency_ms >= 30000) + (latency_ms >= 40000) + (latency_ms >= 50000) + (latency_ms >= 60000) + (latency_ms >= 90000) + (latency_ms >= 120000) + (latency_ms >= 180000) + (latency_ms >= 300000) + (latency_ms >= 600000) + (latency_ms >= 900000) + (latency_ms >= 1800000) + (latency_ms >= 3600000))
            FROM verdicts WHERE message_id = NEW.message_id);
END;

CREATE TRIGGER placement_latency_add AFTER INSERT ON verdicts WHEN NEW.latency_ms IS NOT NULL
BEGIN
  INSERT INTO placement_latency_daily (day, provider, mailbox_provider, bucket)
    SELECT NEW.test_started_at - NEW.test_started_at % 86400000, NEW.provider, NEW.mailbox_provider, ((NEW.latency_ms >= 500) + (NEW.latency_ms >= 1000) + (NEW.latency_ms >= 1500) + (NEW.latency_ms >= 2000) + (NEW.latency_ms >= 3000) + (NEW.latency_ms >= 4000) + (NEW.latency_ms >= 5000) + (NEW.latency_ms >= 6000) + (NEW.latency_ms >= 8000) + (NEW.latency_ms >= 10000) + (NEW.latency_ms >= 12500) + (NEW.latency_ms >= 15000) + (NEW.latency_ms >= 20000) + (NEW.latency_ms >= 25000) + (NEW.latency_ms >= 30000) + (NEW.latency_ms >= 40000) + (NEW.latency_ms >= 50000) + (NEW.latency_ms >= 60000) + (NEW.latency_ms >= 90000) + (NEW.latency_ms >= 120000) + (NEW.latency_ms >= 180000) + (NEW.latency_ms >= 300000) + (NEW.latency_ms >= 600000) + (NEW.latency_ms >= 900000) + (NEW.latency_ms >= 1800000) + (NEW.latency_ms >= 3600000))
     WHERE NOT EXISTS (SELECT 1 FROM placement_latency_daily WHERE day = NEW.test_started_at - NEW.test_started_at % 86400000
                          AND provider = NEW.provider AND mailbox_provider = NEW.mailbox_provider AND bucket = ((NEW.latency_ms >= 500) + (NEW.latency_ms >= 1000) + (NEW.latency_ms >= 1500) + (NEW.latency_ms >= 2000) + (NEW.latency_ms >= 3000) + (NEW.latency_ms >= 4000) + (NEW.latency_ms >= 5000) + (NEW.latency_ms >= 6000) + (NEW.latency_ms >= 8000) + (NEW.latency_ms >= 10000) + (NEW.latency_ms >= 12500) + (NEW.latency_ms >= 15000) + (NEW.latency_ms >= 20000) + (NEW.latency_ms >= 25000) + (NEW.latency_ms >= 30000) + (NEW.latency_ms >= 40000) + (NEW.latency_ms >= 50000) + (NEW.latency_ms >= 60000) + (NEW.latency_ms >= 90000) + (NEW.latency_ms >= 120000) + (NEW.latency_ms >= 180000) + (NEW.latency_ms >= 300000) + (NEW.latency_ms >= 600000) + (NEW.latency_ms >= 900000) + (NEW.latency_ms >= 1800000) + (NEW.latency_ms >= 3600000)));
  UPDATE placement_latency_daily SET n = n + 1
   WHERE day = NEW.test_started_at - NEW.test_started_at % 86400000 AND provider = NEW.provider
     AND mailbox_provider = NEW.mailbox_provider AND bucket = ((NEW.latency_ms >= 500) + (NEW.latency_ms >= 1000) + (NEW.latency_ms >= 1500) + (NEW.latency_ms >= 2000) + (NEW.latency_ms >= 3000) + (NEW.latency_ms >= 4000) + (NEW.latency_ms >= 5000) + (NEW.latency_ms >= 6000) + (NEW.latency_ms >= 8000) + (NEW.latency_ms >= 10000) + (NEW.latency_ms >= 12500) + (NEW.latency_ms >= 15000) + (NEW.latency_ms >= 20000) + (NEW.latency_ms >= 25000) + (NEW.latency_ms >= 30000) + (NEW.latency_ms >= 40000) + (NEW.latency_ms >= 50000) + (NEW.latency_ms >= 60000) + (NEW.latency_ms >= 90000) + (NEW.latency_ms >= 120000) + (NEW.latency_ms >= 180000) + (NEW.latency_ms >= 300000) + (NEW.latency_ms >= 600000) + (NEW.latency_ms >= 900000) + (NEW.latency_ms >= 1800000) + (NEW.latency_ms >= 3600000));
END;

CREATE TRIGGER placement_latency_update AFTER UPDATE OF test_started_at, provider, mailbox_provider, latency_ms ON verdicts
BEGIN
  UPDATE placement_latency_daily SET n = n - 1
   WHERE OLD.latency_ms IS NOT NULL AND day = OLD.test_started_at - OLD.test_started_at % 86400000 AND provider = OLD.provider
     AND mailbox_provider = OLD.mailbox_provider AND bucket = ((OLD.latency_ms >= 500) + (OLD.latency_ms >= 1000) + (OLD.latency_ms >= 1500) + (OLD.latency_ms >= 2000) + (OLD.latency_ms >= 3000) + (OLD.latency_ms >= 4000) + (OLD.latency_ms >= 5000) + (OLD.latency_ms >= 6000) + (OLD.latency_ms >= 8000) + (OLD.latency_ms >= 10000) + (OLD.latency_ms >= 12500) + (OLD.latency_ms >= 15000) + (OLD.latency_ms >= 20000) + (OLD.latency_ms >= 25000) + (OLD.latency_ms >= 30000) + (OLD.latency_ms >= 40000) + (OLD.latency_ms >= 50000) + (OLD.latency_ms >= 60000) + (OLD.latency_ms >= 90000) + (OLD.latency_ms >= 120000) + (OLD.latency_ms >= 180000) + (OLD.latency_ms >= 300000) + (OLD.latency_ms >= 600000) + (OLD.latency_ms >= 900000) + (OLD.latency_ms >= 1800000) + (OLD.latency_ms >= 3600000));
  INSERT INTO placement_latency_daily (day, provider, mailbox_provider, bucket)
    SELECT NEW.test_started_at - NEW.test_started_at % 86400000, NEW.provider, NEW.mailbox_provider, ((NEW.latency_ms >= 500) + (NEW.latency_ms >= 1000) + (NEW.latency_ms >= 1500) + (NEW.latency_ms >= 2000) + (NEW.latency_ms >= 3000) + (NEW.latency_ms >= 4000) + (NEW.latency_ms >= 5000) + (NEW.latency_ms >= 6000) + (NEW.latency_ms >= 8000) + (NEW.latency_ms >= 10000) + (NEW.latency_ms >= 12500) + (NEW.latency_ms >= 15000) + (NEW.latency_ms >= 20000) + (NEW.latency_ms >= 25000) + (NEW.latency_ms >= 30000) + (NEW.latency_ms >= 40000) + (NEW.latency_ms >= 50000) + (NEW.latency_ms >= 60000) + (NEW.latency_ms >= 90000) + (NEW.latency_ms >= 120000) + (NEW.latency_ms >= 180000) + (NEW.latency_ms >= 300000) + (NEW.latency_ms >= 600000) + (NEW.latency_ms >= 900000) + (NEW.latency_ms >= 1800000) + (NEW.latency_ms >= 3600000))
     WHERE NEW.latency_ms IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM placement_latency_daily WHERE day = NEW.test_started_at - NEW.test_started_at % 86400000
                          AND provider = NEW.provider AND mailbox_provider = NEW.mailbox_provider AND bucket = ((NEW.latency_ms >= 500) + (NEW.latency_ms >= 1000) + (NEW.latency_ms >= 1500) + (NEW.latency_ms >= 2000) + (NEW.latency_ms >= 3000) + (NEW.latency_ms >= 4000) + (NEW.latency_ms >= 5000) + (NEW.latency_ms >= 6000) + (NEW.latency_ms >= 8000) + (NEW.latency_ms >= 10000) + (NEW.latency_ms >= 12500) + (NEW.latency_ms >= 15000) + (NEW.latency_ms >= 20000) + (NEW.latency_ms >= 25000) + (NEW.latency_ms >= 30000) + (NEW.latency_ms >= 40000) + (NEW.latency_ms >= 50000) + (NEW.latency_ms >= 60000) + (NEW.latency_ms >= 90000) + (NEW.latency_ms >= 120000) + (NEW.latency_ms >= 180000) + (NEW.latency_ms >= 300000) + (NEW.latency_ms >= 600000) + (NEW.latency_ms >= 900000) + (NEW.latency_ms >= 1800000) + (NEW.latency_ms >= 3600000)));
  UPDATE placement_latency_daily SET n = n + 1
   WHERE NEW.latency_ms IS NOT NULL AND day = NEW.test_started_at - NEW.test_started_at % 86400000 AND provider = NEW.provider
     AND mailbox_provider = NEW.mailbox_provider AND bucket = ((NEW.latency_ms >= 500) + (NEW.latency_ms >= 1000) + (NEW.latency_ms >= 1500) + (NEW.latency_ms >= 2000) + (NEW.latency_ms >= 3000) + (NEW.latency_ms >= 4000) + (NEW.latency_ms >= 5000) + (NEW.latency_ms >= 6000) + (NEW.latency_ms >= 8000) + (NEW.latency_ms >= 10000) + (NEW.latency_ms >= 12500) + (NEW.latency_ms >= 15000) + (NEW.latency_ms >= 20000) + (NEW.latency_ms >= 25000) + (NEW.latency_ms >= 30000) + (NEW.latency_ms >= 40000) + (NEW.latency_ms >= 50000) + (NEW.latency_ms >= 60000) + (NEW.latency_ms >= 90000) + (NEW.latency_ms >= 120000) + (NEW.latency_ms >= 180000) + (NEW.latency_ms >= 300000) + (NEW.latency_ms >= 600000) + (NEW.latency_ms >= 900000) + (NEW.latency_ms >= 1800000) + (NEW.latency_ms >= 3600000));
END;

-- Listings now, for the overview.
CREATE INDEX blocklist_status_by_status ON blocklist_status (status);

-- Regressions on the timeline compare each audit with the one before it across all domains.
CREATE INDEX audits_by_time_domain ON audits (started_at, domain, worst);

-- A domain's audit status over time as transitions: a row whenever an audit's worst status differs from
-- the domain's audit before it. The timeline and the status history read these instead of every audit.
CREATE TABLE audit_status_changes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  domain TEXT NOT NULL,
  at INTEGER NOT NULL,
  from_worst TEXT,
  to_worst TEXT NOT NULL,
  audit_id INTEGER NOT NULL
);

CREATE INDEX audit_status_changes_by_time ON audit_status_changes (at);
CREATE INDEX audit_status_changes_by_domain ON audit_status_changes (domain, at);

INSERT INTO audit_status_changes (domain, at, from_worst, to_worst, audit_id)
  SELECT domain, started_at, prev, worst, id FROM (
    SELECT id, domain, started_at, worst, LAG(worst) OVER (PARTITION BY domain ORDER BY started_at, id) AS prev FROM audits
  ) WHERE prev IS NULL OR prev != worst;

CREATE TRIGGER audit_status_change AFTER INSERT ON audits
WHEN NEW.worst IS NOT (SELECT worst FROM audits WHERE domain = NEW.domain AND id != NEW.id ORDER BY started_at DESC, id DESC LIMIT 1)
BEGIN
  INSERT INTO audit_status_changes (domain, at, from_worst, to_worst, audit_id)
    VALUES (NEW.domain, NEW.started_at, (SELECT worst FROM audits WHERE domain = NEW.domain AND id != NEW.id ORDER BY started_at DESC, id DESC LIMIT 1), NEW.worst, NEW.id);
END;
