-- A year's timeline charts 53 weeks per provider. Summing 365 daily rows per provider on every request cost
-- about as much as the rest of the answer together, so the weeks are kept as they change.
--
-- placement_provider_weekly: placement_provider_daily summed per UTC week (weeks start Monday 00:00 UTC; the
-- epoch fell on a Thursday, so `(day + 3 days) % 7 days` is the time since Monday). Kept by triggers on the
-- daily rows, which are themselves kept by triggers on verdicts, so it follows every write on either engine.
CREATE TABLE placement_provider_weekly (
  week INTEGER NOT NULL,
  provider TEXT NOT NULL,
  samples INTEGER NOT NULL DEFAULT 0,
  inbox INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (week, provider)
) WITHOUT ROWID;

INSERT INTO placement_provider_weekly (week, provider, samples, inbox)
  SELECT day - (day + 259200000) % 604800000, provider, SUM(samples), SUM(inbox) FROM placement_provider_daily GROUP BY 1, 2;

-- Rows are created with WHERE NOT EXISTS for the reason given in 0009: inside a trigger the outer
-- statement's conflict policy wins.
CREATE TRIGGER placement_weekly_insert AFTER INSERT ON placement_provider_daily
BEGIN
  INSERT INTO placement_provider_weekly (week, provider)
    SELECT NEW.day - (NEW.day + 259200000) % 604800000, NEW.provider
     WHERE NOT EXISTS (SELECT 1 FROM placement_provider_weekly WHERE week = NEW.day - (NEW.day + 259200000) % 604800000 AND provider = NEW.provider);
  UPDATE placement_provider_weekly SET samples = samples + NEW.samples, inbox = inbox + NEW.inbox
   WHERE week = NEW.day - (NEW.day + 259200000) % 604800000 AND provider = NEW.provider;
END;

CREATE TRIGGER placement_weekly_update AFTER UPDATE ON placement_provider_daily
BEGIN
  UPDATE placement_provider_weekly SET samples = samples - OLD.samples, inbox = inbox - OLD.inbox
   WHERE week = OLD.day - (OLD.day + 259200000) % 604800000 AND provider = OLD.provider;
  INSERT INTO placement_provider_weekly (week, provider)
    SELECT NEW.day - (NEW.day + 259200000) % 604800000, NEW.provider
     WHERE NOT EXISTS (SELECT 1 FROM placement_provider_weekly WHERE week = NEW.day - (NEW.day + 259200000) % 604800000 AND provider = NEW.provider);
  UPDATE placement_provider_weekly SET samples = samples + NEW.samples, inbox = inbox + NEW.inbox
   WHERE week = NEW.day - (NEW.day + 259200000) % 604800000 AND provider = NEW.provider;
END;

CREATE TRIGGER placement_weekly_delete AFTER DELETE ON placement_provider_daily
BEGIN
  UPDATE placement_provider_weekly SET samples = samples - OLD.samples, inbox = inbox - OLD.inbox
   WHERE week = OLD.day - (OLD.day + 259200000) % 604800000 AND provider = OLD.provider;
END;

-- The timeline lists and counts listings and delistings, a minority of blocklist transitions (errors and list
-- health come and go far more often): an index of those alone answers both without reading the others.
CREATE INDEX blocklist_events_listings ON blocklist_events (at DESC, id DESC) WHERE event IN ('listed', 'delisted');
