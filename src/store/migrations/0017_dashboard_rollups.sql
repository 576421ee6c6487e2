-- Dashboard roll-ups that answer a range of any length in a constant number of rows.
--
-- placement_running: per sending provider × mailbox provider, the running totals of placement_daily and of
-- placement_latency_daily up to and including each UTC day that has counts. The counts over whole days
-- [from, to) are then the row for the last day before 'to' minus the row for the last day before 'from':
-- two indexed lookups per pair whether the range is a week or a year. latency_i is histogram bucket i
-- (the edges are LATENCY_EDGES_MS in src/dashboard/latency-histogram.ts).
-- placement_provider_daily: per UTC day and sending provider, the observed messages and those in the inbox: the
-- trend lines, without reading every mailbox provider's row.
--
-- Both are kept by triggers on the daily tables of migration 0009, which are themselves kept by triggers on
-- verdicts, so they follow every write on either engine. A fact arriving for an earlier day adds to that
-- day's running row and every later one of its pair.
CREATE TABLE placement_pairs (
  provider TEXT NOT NULL,
  mailbox_provider TEXT NOT NULL,
  PRIMARY KEY (provider, mailbox_provider)
) WITHOUT ROWID;

CREATE TABLE placement_running (
  provider TEXT NOT NULL,
  mailbox_provider TEXT NOT NULL,
  day INTEGER NOT NULL, -- UTC midnight, epoch ms: totals up to the end of this day
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
  latency_0 INTEGER NOT NULL DEFAULT 0,
  latency_1 INTEGER NOT NULL DEFAULT 0,
  latency_2 INTEGER NOT NULL DEFAULT 0,
  latency_3 INTEGER NOT NULL DEFAULT 0,
  latency_4 INTEGER NOT NULL DEFAULT 0,
  latency_5 INTEGER NOT NULL DEFAULT 0,
  latency_6 INTEGER NOT NULL DEFAULT 0,
  latency_7 INTEGER NOT NULL DEFAULT 0,
  latency_8 INTEGER NOT NULL DEFAULT 0,
  latency_9 INTEGER NOT NULL DEFAULT 0,
  latency_10 INTEGER NOT NULL DEFAULT 0,
  latency_11 INTEGER NOT NULL DEFAULT 0,
  latency_12 INTEGER NOT NULL DEFAULT 0,
  latency_13 INTEGER NOT NULL DEFAULT 0,
  latency_14 INTEGER NOT NULL DEFAULT 0,
  latency_15 INTEGER NOT NULL DEFAULT 0,
  latency_16 INTEGER NOT NULL DEFAULT 0,
  latency_17 INTEGER NOT NULL DEFAULT 0,
  latency_18 INTEGER NOT NULL DEFAULT 0,
  latency_19 INTEGER NOT NULL DEFAULT 0,
  latency_20 INTEGER NOT NULL DEFAULT 0,
  latency_21 INTEGER NOT NULL DEFAULT 0,
  latency_22 INTEGER NOT NULL DEFAULT 0,
  latency_23 INTEGER NOT NULL DEFAULT 0,
  latency_24 INTEGER NOT NULL DEFAULT 0,
  latency_25 INTEGER NOT NULL DEFAULT 0,
  latency_26 INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (provider, mailbox_provider, day)
) WITHOUT ROWID;

CREATE TABLE placement_provider_daily (
  day INTEGER NOT NULL,
  provider TEXT NOT NULL,
  samples INTEGER NOT NULL DEFAULT 0, -- observed: placed somewhere or missing
  inbox INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, provider)
) WITHOUT ROWID;

INSERT INTO placement_pairs (provider, mailbox_provider)
  SELECT provider, mailbox_provider FROM placement_daily UNION SELECT provider, mailbox_provider FROM placement_latency_daily;

INSERT INTO placement_running (provider, mailbox_provider, day, inbox, promotions, social, updates, forums, spam, other_folder, missing, error, send_error, late, latency_0, latency_1, latency_2, latency_3, latency_4, latency_5, latency_6, latency_7, latency_8, latency_9, latency_10, latency_11, latency_12, latency_13, latency_14, latency_15, latency_16, latency_17, latency_18, latency_19, latency_20, latency_21, latency_22, latency_23, latency_24, latency_25, latency_26)
  SELECT provider, mailbox_provider, day, SUM(inbox) OVER running, SUM(promotions) OVER running, SUM(social) OVER running, SUM(updates) OVER running, SUM(forums) OVER running, SUM(spam) OVER running, SUM(other_folder) OVER running, SUM(missing) OVER running, SUM(error) OVER running, SUM(send_error) OVER running, SUM(late) OVER running, SUM(latency_0) OVER running, SUM(latency_1) OVER running, SUM(latency_2) OVER running, SUM(latency_3) OVER running, SUM(latency_4) OVER running, SUM(latency_5) OVER running, SUM(latency_6) OVER running, SUM(latency_7) OVER running, SUM(latency_8) OVER running, SUM(latency_9) OVER running, SUM(latency_10) OVER running, SUM(latency_11) OVER running, SUM(latency_12) OVER running, SUM(latency_13) OVER running, SUM(latency_14) OVER running, SUM(latency_15) OVER running, SUM(latency_16) OVER running, SUM(latency_17) OVER running, SUM(latency_18) OVER running, SUM(latency_19) OVER running, SUM(latency_20) OVER running, SUM(latency_21) OVER running, SUM(latency_22) OVER running, SUM(latency_23) OVER running, SUM(latency_24) OVER running, SUM(latency_25) OVER running, SUM(latency_26) OVER running
    FROM (
      SELECT provider, mailbox_provider, day, SUM(inbox) AS inbox, SUM(promotions) AS promotions, SUM(social) AS social, SUM(updates) AS updates, SUM(forums) AS forums, SUM(spam) AS spam, SUM(other_folder) AS other_folder, SUM(missing) AS missing, SUM(error) AS error, SUM(send_error) AS send_error, SUM(late) AS late, SUM(latency_0) AS latency_0, SUM(latency_1) AS latency_1, SUM(latency_2) AS latency_2, SUM(latency_3) AS latency_3, SUM(latency_4) AS latency_4, SUM(latency_5) AS latency_5, SUM(latency_6) AS latency_6, SUM(latency_7) AS latency_7, SUM(latency_8) AS latency_8, SUM(latency_9) AS latency_9, SUM(latency_10) AS latency_10, SUM(latency_11) AS latency_11, SUM(latency_12) AS latency_12, SUM(latency_13) AS latency_13, SUM(latency_14) AS latency_14, SUM(latency_15) AS latency_15, SUM(latency_16) AS latency_16, SUM(latency_17) AS latency_17, SUM(latency_18) AS latency_18, SUM(latency_19) AS latency_19, SUM(latency_20) AS latency_20, SUM(latency_21) AS latency_21, SUM(latency_22) AS latency_22, SUM(latency_23) AS latency_23, SUM(latency_24) AS latency_24, SUM(latency_25) AS latency_25, SUM(latency_26) AS latency_26
        FROM (
          SELECT provider, mailbox_provider, day, inbox, promotions, social, updates, forums, spam, other_folder, missing, error, send_error, late, 0 AS latency_0, 0 AS latency_1, 0 AS latency_2, 0 AS latency_3, 0 AS latency_4, 0 AS latency_5, 0 AS latency_6, 0 AS latency_7, 0 AS latency_8, 0 AS latency_9, 0 AS latency_10, 0 AS latency_11, 0 AS latency_12, 0 AS latency_13, 0 AS latency_14, 0 AS latency_15, 0 AS latency_16, 0 AS latency_17, 0 AS latency_18, 0 AS latency_19, 0 AS latency_20, 0 AS latency_21, 0 AS latency_22, 0 AS latency_23, 0 AS latency_24, 0 AS latency_25, 0 AS latency_26 FROM placement_daily
          UNION ALL
          SELECT provider, mailbox_provider, day, 0 AS inbox, 0 AS promotions, 0 AS social, 0 AS updates, 0 AS forums, 0 AS spam, 0 AS other_folder, 0 AS missing, 0 AS error, 0 AS send_error, 0 AS late, (bucket = 0) * n AS latency_0, (bucket = 1) * n AS latency_1, (bucket = 2) * n AS latency_2, (bucket = 3) * n AS latency_3, (bucket = 4) * n AS latency_4, (bucket = 5) * n AS latency_5, (bucket = 6) * n AS latency_6, (bucket = 7) * n AS latency_7, (bucket = 8) * n AS latency_8, (bucket = 9) * n AS latency_9, (bucket = 10) * n AS latency_10, (bucket = 11) * n AS latency_11, (bucket = 12) * n AS latency_12, (bucket = 13) * n AS latency_13, (bucket = 14) * n AS latency_14, (bucket = 15) * n AS latency_15, (bucket = 16) * n AS latency_16, (bucket = 17) * n AS latency_17, (bucket = 18) * n AS latency_18, (bucket = 19) * n AS latency_19, (bucket = 20) * n AS latency_20, (bucket = 21) * n AS latency_21, (bucket = 22) * n AS latency_22, (bucket = 23) * n AS latency_23, (bucket = 24) * n AS latency_24, (bucket = 25) * n AS latency_25, (bucket = 26) * n AS latency_26 FROM placement_latency_daily
        )
       GROUP BY provider, mailbox_provider, day
    )
  WINDOW running AS (PARTITION BY provider, mailbox_provider ORDER BY day ROWS UNBOUNDED PRECEDING);

INSERT INTO placement_provider_daily (day, provider, samples, inbox)
  SELECT day, provider, SUM(inbox + promotions + social + updates + forums + spam + other_folder + missing), SUM(inbox) FROM placement_daily GROUP BY day, provider;

-- Rows are created with WHERE NOT EXISTS for the reason given in 0009: inside a trigger the outer
-- statement's conflict policy wins.
CREATE TRIGGER placement_running_daily_insert AFTER INSERT ON placement_daily
BEGIN
  INSERT INTO placement_pairs (provider, mailbox_provider)
    SELECT NEW.provider, NEW.mailbox_provider WHERE NOT EXISTS (SELECT 1 FROM placement_pairs WHERE provider = NEW.provider AND mailbox_provider = NEW.mailbox_provider);
  INSERT INTO placement_running (provider, mailbox_provider, day, inbox, promotions, social, updates, forums, spam, other_folder, missing, error, send_error, late, latency_0, latency_1, latency_2, latency_3, latency_4, latency_5, latency_6, latency_7, latency_8, latency_9, latency_10, latency_11, latency_12, latency_13, latency_14, latency_15, latency_16, latency_17, latency_18, latency_19, latency_20, latency_21, latency_22, latency_23, latency_24, latency_25, latency_26)
    SELECT NEW.provider, NEW.mailbox_provider, NEW.day, COALESCE(p.inbox, 0), COALESCE(p.promotions, 0), COALESCE(p.social, 0), COALESCE(p.updates, 0), COALESCE(p.forums, 0), COALESCE(p.spam, 0), COALESCE(p.other_folder, 0), COALESCE(p.missing, 0), COALESCE(p.error, 0), COALESCE(p.send_error, 0), COALESCE(p.late, 0), COALESCE(p.latency_0, 0), COALESCE(p.latency_1, 0), COALESCE(p.latency_2, 0), COALESCE(p.latency_3, 0), COALESCE(p.latency_4, 0), COALESCE(p.latency_5, 0), COALESCE(p.latency_6, 0), COALESCE(p.latency_7, 0), COALESCE(p.latency_8, 0), COALESCE(p.latency_9, 0), COALESCE(p.latency_10, 0), COALESCE(p.latency_11, 0), COALESCE(p.latency_12, 0), COALESCE(p.latency_13, 0), COALESCE(p.latency_14, 0), COALESCE(p.latency_15, 0), COALESCE(p.latency_16, 0), COALESCE(p.latency_17, 0), COALESCE(p.latency_18, 0), COALESCE(p.latency_19, 0), COALESCE(p.latency_20, 0), COALESCE(p.latency_21, 0), COALESCE(p.latency_22, 0), COALESCE(p.latency_23, 0), COALESCE(p.latency_24, 0), COALESCE(p.latency_25, 0), COALESCE(p.latency_26, 0)
      FROM (SELECT 1) AS one
      LEFT JOIN placement_running p ON p.provider = NEW.provider AND p.mailbox_provider = NEW.mailbox_provider
       AND p.day = (SELECT MAX(day) FROM placement_running WHERE provider = NEW.provider AND mailbox_provider = NEW.mailbox_provider AND day < NEW.day)
     WHERE NOT EXISTS (SELECT 1 FROM placement_running WHERE provider = NEW.provider AND mailbox_provider = NEW.mailbox_provider AND day = NEW.day);
  INSERT INTO placement_provider_daily (day, provider)
    SELECT NEW.day, NEW.provider WHERE NOT EXISTS (SELECT 1 FROM placement_provider_daily WHERE day = NEW.day AND provider = NEW.provider);
  UPDATE placement_running SET inbox = inbox + NEW.inbox, promotions = promotions + NEW.promotions, social = social + NEW.social, updates = updates + NEW.updates, forums = forums + NEW.forums, spam = spam + NEW.spam, other_folder = other_folder + NEW.other_folder, missing = missing + NEW.missing, error = error + NEW.error, send_error = send_error + NEW.send_error, late = late + NEW.late
   WHERE provider = NEW.provider AND mailbox_provider = NEW.mailbox_provider AND day >= NEW.day;
  UPDATE placement_provider_daily SET samples = samples + (NEW.inbox + NEW.promotions + NEW.social + NEW.updates + NEW.forums + NEW.spam + NEW.other_folder + NEW.missing), inbox = inbox + NEW.inbox
   WHERE day = NEW.day AND provider = NEW.provider;
END;

CREATE TRIGGER placement_running_daily_update AFTER UPDATE ON placement_daily
BEGIN
  UPDATE placement_running SET inbox = inbox - OLD.inbox, promotions = promotions - OLD.promotions, social = social - OLD.social, updates = updates - OLD.updates, forums = forums - OLD.forums, spam = spam - OLD.spam, other_folder = other_folder - OLD.other_folder, missing = missing - OLD.missing, error = error - OLD.error, send_error = send_error - OLD.send_error, late = late - OLD.late
   WHERE provider = OLD.provider AND mailbox_provider = OLD.mailbox_provider AND day >= OLD.day;
  UPDATE placement_provider_daily SET samples = samples - (OLD.inbox + OLD.promotions + OLD.social + OLD.updates + OLD.forums + OLD.spam + OLD.other_folder + OLD.missing), inbox = inbox - OLD.inbox
   WHERE day = OLD.day AND provider = OLD.provider;
  INSERT INTO placement_pairs (provider, mailbox_provider)
    SELECT NEW.provider, NEW.mailbox_provider WHERE NOT EXISTS (SELECT 1 FROM placement_pairs WHERE provider = NEW.provider AND mailbox_provider = NEW.mailbox_provider);
  INSERT INTO placement_running (provider, mailbox_provider, day, inbox, promotions, social, updates, forums, spam, other_folder, missing, error, send_error, late, latency_0, latency_1, latency_2, latency_3, latency_4, latency_5, latency_6, latency_7, latency_8, latency_9, latency_10, latency_11, latency_12, latency_13, latency_14, latency_15, latency_16, latency_17, latency_18, latency_19, latency_20, latency_21, latency_22, latency_23, latency_24, latency_25, latency_26)
    SELECT NEW.provider, NEW.mailbox_provider, NEW.day, COALESCE(p.inbox, 0), COALESCE(p.promotions, 0), COALESCE(p.social, 0), COALESCE(p.updates, 0), COALESCE(p.forums, 0), COALESCE(p.spam, 0), COALESCE(p.other_folder, 0), COALESCE(p.missing, 0), COALESCE(p.error, 0), COALESCE(p.send_error, 0), COALESCE(p.late, 0), COALESCE(p.latency_0, 0), COALESCE(p.latency_1, 0), COALESCE(p.latency_2, 0), COALESCE(p.latency_3, 0), COALESCE(p.latency_4, 0), COALESCE(p.latency_5, 0), COALESCE(p.latency_6, 0), COALESCE(p.latency_7, 0), COALESCE(p.latency_8, 0), COALESCE(p.latency_9, 0), COALESCE(p.latency_10, 0), COALESCE(p.latency_11, 0), COALESCE(p.latency_12, 0), COALESCE(p.latency_13, 0), COALESCE(p.latency_14, 0), COALESCE(p.latency_15, 0), COALESCE(p.latency_16, 0), COALESCE(p.latency_17, 0), COALESCE(p.latency_18, 0), COALESCE(p.latency_19, 0), COALESCE(p.latency_20, 0), COALESCE(p.latency_21, 0), COALESCE(p.latency_22, 0), COALESCE(p.latency_23, 0), COALESCE(p.latency_24, 0), COALESCE(p.latency_25, 0), COALESCE(p.latency_26, 0)
      FROM (SELECT 1) AS one
      LEFT JOIN placement_running p ON p.provider = NEW.provider AND p.mailbox_provider = NEW.mailbox_provider
       AND p.day = (SELECT MAX(day) FROM placement_running WHERE provider = NEW.provider AND mailbox_provider = NEW.mailbox_provider AND day < NEW.day)
     WHERE NOT EXISTS (SELECT 1 FROM placement_running WHERE provider = NEW.provider AND mailbox_provider = NEW.mailbox_provider AND day = NEW.day);
  INSERT INTO placement_provider_daily (day, provider)
    SELECT NEW.day, NEW.provider WHERE NOT EXISTS (SELECT 1 FROM placement_provider_daily WHERE day = NEW.day AND provider = NEW.provider);
  UPDATE placement_running SET inbox = inbox + NEW.inbox, promotions = promotions + NEW.promotions, social = social + NEW.social, updates = updates + NEW.updates, forums = forums + NEW.forums, spam = spam + NEW.spam, other_folder = other_folder + NEW.other_folder, missing = missing + NEW.missing, error = error + NEW.error, send_error = send_error + NEW.send_error, late = late + NEW.late
   WHERE provider = NEW.provider AND mailbox_provider = NEW.mailbox_provider AND day >= NEW.day;
  UPDATE placement_provider_daily SET samples = samples + (NEW.inbox + NEW.promotions + NEW.social + NEW.updates + NEW.forums + NEW.spam + NEW.other_folder + NEW.missing), inbox = inbox + NEW.inbox
   WHERE day = NEW.day AND provider = NEW.provider;
END;

CREATE TRIGGER placement_running_daily_delete AFTER DELETE ON placement_daily
BEGIN
  UPDATE placement_running SET inbox = inbox - OLD.inbox, promotions = promotions - OLD.promotions, social = social - OLD.social, updates = updates - OLD.updates, forums = forums - OLD.forums, spam = spam - OLD.spam, other_folder = other_folder - OLD.other_folder, missing = missing - OLD.missing, error = error - OLD.error, send_error = send_error - OLD.send_error, late = late - OLD.late
   WHERE provider = OLD.provider AND mailbox_provider = OLD.mailbox_provider AND day >= OLD.day;
  UPDATE placement_provider_daily SET samples = samples - (OLD.inbox + OLD.promotions + OLD.social + OLD.updates + OLD.forums + OLD.spam + OLD.other_folder + OLD.missing), inbox = inbox - OLD.inbox
   WHERE day = OLD.day AND provider = OLD.provider;
END;

CREATE TRIGGER placement_running_latency_insert AFTER INSERT ON placement_latency_daily
BEGIN
  INSERT INTO placement_pairs (provider, mailbox_provider)
    SELECT NEW.provider, NEW.mailbox_provider WHERE NOT EXISTS (SELECT 1 FROM placement_pairs WHERE provider = NEW.provider AND mailbox_provider = NEW.mailbox_provider);
  INSERT INTO placement_running (provider, mailbox_provider, day, inbox, promotions, social, updates, forums, spam, other_folder, missing, error, send_error, late, latency_0, latency_1, latency_2, latency_3, latency_4, latency_5, latency_6, latency_7, latency_8, latency_9, latency_10, latency_11, latency_12, latency_13, latency_14, latency_15, latency_16, latency_17, latency_18, latency_19, latency_20, latency_21, latency_22, latency_23, latency_24, latency_25, latency_26)
    SELECT NEW.provider, NEW.mailbox_provider, NEW.day, COALESCE(p.inbox, 0), COALESCE(p.promotions, 0), COALESCE(p.social, 0), COALESCE(p.updates, 0), COALESCE(p.forums, 0), COALESCE(p.spam, 0), COALESCE(p.other_folder, 0), COALESCE(p.missing, 0), COALESCE(p.error, 0), COALESCE(p.send_error, 0), COALESCE(p.late, 0), COALESCE(p.latency_0, 0), COALESCE(p.latency_1, 0), COALESCE(p.latency_2, 0), COALESCE(p.latency_3, 0), COALESCE(p.latency_4, 0), COALESCE(p.latency_5, 0), COALESCE(p.latency_6, 0), COALESCE(p.latency_7, 0), COALESCE(p.latency_8, 0), COALESCE(p.latency_9, 0), COALESCE(p.latency_10, 0), COALESCE(p.latency_11, 0), COALESCE(p.latency_12, 0), COALESCE(p.latency_13, 0), COALESCE(p.latency_14, 0), COALESCE(p.latency_15, 0), COALESCE(p.latency_16, 0), COALESCE(p.latency_17, 0), COALESCE(p.latency_18, 0), COALESCE(p.latency_19, 0), COALESCE(p.latency_20, 0), COALESCE(p.latency_21, 0), COALESCE(p.latency_22, 0), COALESCE(p.latency_23, 0), COALESCE(p.latency_24, 0), COALESCE(p.latency_25, 0), COALESCE(p.latency_26, 0)
      FROM (SELECT 1) AS one
      LEFT JOIN placement_running p ON p.provider = NEW.provider AND p.mailbox_provider = NEW.mailbox_provider
       AND p.day = (SELECT MAX(day) FROM placement_running WHERE provider = NEW.provider AND mailbox_provider = NEW.mailbox_provider AND day < NEW.day)
     WHERE NOT EXISTS (SELECT 1 FROM placement_running WHERE provider = NEW.provider AND mailbox_provider = NEW.mailbox_provider AND day = NEW.day);
  UPDATE placement_running SET latency_0 = latency_0 + (NEW.bucket = 0) * NEW.n, latency_1 = latency_1 + (NEW.bucket = 1) * NEW.n, latency_2 = latency_2 + (NEW.bucket = 2) * NEW.n, latency_3 = latency_3 + (NEW.bucket = 3) * NEW.n, latency_4 = latency_4 + (NEW.bucket = 4) * NEW.n, latency_5 = latency_5 + (NEW.bucket = 5) * NEW.n, latency_6 = latency_6 + (NEW.bucket = 6) * NEW.n, latency_7 = latency_7 + (NEW.bucket = 7) * NEW.n, latency_8 = latency_8 + (NEW.bucket = 8) * NEW.n, latency_9 = latency_9 + (NEW.bucket = 9) * NEW.n, latency_10 = latency_10 + (NEW.bucket = 10) * NEW.n, latency_11 = latency_11 + (NEW.bucket = 11) * NEW.n, latency_12 = latency_12 + (NEW.bucket = 12) * NEW.n, latency_13 = latency_13 + (NEW.bucket = 13) * NEW.n, latency_14 = latency_14 + (NEW.bucket = 14) * NEW.n, latency_15 = latency_15 + (NEW.bucket = 15) * NEW.n, latency_16 = latency_16 + (NEW.bucket = 16) * NEW.n, latency_17 = latency_17 + (NEW.bucket = 17) * NEW.n, latency_18 = latency_18 + (NEW.bucket = 18) * NEW.n, latency_19 = latency_19 + (NEW.bucket = 19) * NEW.n, latency_20 = latency_20 + (NEW.bucket = 20) * NEW.n, latency_21 = latency_21 + (NEW.bucket = 21) * NEW.n, latency_22 = latency_22 + (NEW.bucket = 22) * NEW.n, latency_23 = latency_23 + (NEW.bucket = 23) * NEW.n, latency_24 = latency_24 + (NEW.bucket = 24) * NEW.n, latency_25 = latency_25 + (NEW.bucket = 25) * NEW.n, latency_26 = latency_26 + (NEW.bucket = 26) * NEW.n
   WHERE provider = NEW.provider AND mailbox_provider = NEW.mailbox_provider AND day >= NEW.day;
END;

CREATE TRIGGER placement_running_latency_update AFTER UPDATE ON placement_latency_daily
BEGIN
  UPDATE placement_running SET latency_0 = latency_0 - (OLD.bucket = 0) * OLD.n, latency_1 = latency_1 - (OLD.bucket = 1) * OLD.n, latency_2 = latency_2 - (OLD.bucket = 2) * OLD.n, latency_3 = latency_3 - (OLD.bucket = 3) * OLD.n, latency_4 = latency_4 - (OLD.bucket = 4) * OLD.n, latency_5 = latency_5 - (OLD.bucket = 5) * OLD.n, latency_6 = latency_6 - (OLD.bucket = 6) * OLD.n, latency_7 = latency_7 - (OLD.bucket = 7) * OLD.n, latency_8 = latency_8 - (OLD.bucket = 8) * OLD.n, latency_9 = latency_9 - (OLD.bucket = 9) * OLD.n, latency_10 = latency_10 - (OLD.bucket = 10) * OLD.n, latency_11 = latency_11 - (OLD.bucket = 11) * OLD.n, latency_12 = latency_12 - (OLD.bucket = 12) * OLD.n, latency_13 = latency_13 - (OLD.bucket = 13) * OLD.n, latency_14 = latency_14 - (OLD.bucket = 14) * OLD.n, latency_15 = latency_15 - (OLD.bucket = 15) * OLD.n, latency_16 = latency_16 - (OLD.bucket = 16) * OLD.n, latency_17 = latency_17 - (OLD.bucket = 17) * OLD.n, latency_18 = latency_18 - (OLD.bucket = 18) * OLD.n, latency_19 = latency_19 - (OLD.bucket = 19) * OLD.n, latency_20 = latency_20 - (OLD.bucket = 20) * OLD.n, latency_21 = latency_21 - (OLD.bucket = 21) * OLD.n, latency_22 = latency_22 - (OLD.bucket = 22) * OLD.n, latency_23 = latency_23 - (OLD.bucket = 23) * OLD.n, latency_24 = latency_24 - (OLD.bucket = 24) * OLD.n, latency_25 = latency_25 - (OLD.bucket = 25) * OLD.n, latency_26 = latency_26 - (OLD.bucket = 26) * OLD.n
   WHERE provider = OLD.provider AND mailbox_provider = OLD.mailbox_provider AND day >= OLD.day;
  INSERT INTO placement_pairs (provider, mailbox_provider)
    SELECT NEW.provider, NEW.mailbox_provider WHERE NOT EXISTS (SELECT 1 FROM placement_pairs WHERE provider = NEW.provider AND mailbox_provider = NEW.mailbox_provider);
  INSERT INTO placement_running (provider, mailbox_provider, day, inbox, promotions, social, updates, forums, spam, other_folder, missing, error, send_error, late, latency_0, latency_1, latency_2, latency_3, latency_4, latency_5, latency_6, latency_7, latency_8, latency_9, latency_10, latency_11, latency_12, latency_13, latency_14, latency_15, latency_16, latency_17, latency_18, latency_19, latency_20, latency_21, latency_22, latency_23, latency_24, latency_25, latency_26)
    SELECT NEW.provider, NEW.mailbox_provider, NEW.day, COALESCE(p.inbox, 0), COALESCE(p.promotions, 0), COALESCE(p.social, 0), COALESCE(p.updates, 0), COALESCE(p.forums, 0), COALESCE(p.spam, 0), COALESCE(p.other_folder, 0), COALESCE(p.missing, 0), COALESCE(p.error, 0), COALESCE(p.send_error, 0), COALESCE(p.late, 0), COALESCE(p.latency_0, 0), COALESCE(p.latency_1, 0), COALESCE(p.latency_2, 0), COALESCE(p.latency_3, 0), COALESCE(p.latency_4, 0), COALESCE(p.latency_5, 0), COALESCE(p.latency_6, 0), COALESCE(p.latency_7, 0), COALESCE(p.latency_8, 0), COALESCE(p.latency_9, 0), COALESCE(p.latency_10, 0), COALESCE(p.latency_11, 0), COALESCE(p.latency_12, 0), COALESCE(p.latency_13, 0), COALESCE(p.latency_14, 0), COALESCE(p.latency_15, 0), COALESCE(p.latency_16, 0), COALESCE(p.latency_17, 0), COALESCE(p.latency_18, 0), COALESCE(p.latency_19, 0), COALESCE(p.latency_20, 0), COALESCE(p.latency_21, 0), COALESCE(p.latency_22, 0), COALESCE(p.latency_23, 0), COALESCE(p.latency_24, 0), COALESCE(p.latency_25, 0), COALESCE(p.latency_26, 0)
      FROM (SELECT 1) AS one
      LEFT JOIN placement_running p ON p.provider = NEW.provider AND p.mailbox_provider = NEW.mailbox_provider
       AND p.day = (SELECT MAX(day) FROM placement_running WHERE provider = NEW.provider AND mailbox_provider = NEW.mailbox_provider AND day < NEW.day)
     WHERE NOT EXISTS (SELECT 1 FROM placement_running WHERE provider = NEW.provider AND mailbox_provider = NEW.mailbox_provider AND day = NEW.day);
  UPDATE placement_running SET latency_0 = latency_0 + (NEW.bucket = 0) * NEW.n, latency_1 = latency_1 + (NEW.bucket = 1) * NEW.n, latency_2 = latency_2 + (NEW.bucket = 2) * NEW.n, latency_3 = latency_3 + (NEW.bucket = 3) * NEW.n, latency_4 = latency_4 + (NEW.bucket = 4) * NEW.n, latency_5 = latency_5 + (NEW.bucket = 5) * NEW.n, latency_6 = latency_6 + (NEW.bucket = 6) * NEW.n, latency_7 = latency_7 + (NEW.bucket = 7) * NEW.n, latency_8 = latency_8 + (NEW.bucket = 8) * NEW.n, latency_9 = latency_9 + (NEW.bucket = 9) * NEW.n, latency_10 = latency_10 + (NEW.bucket = 10) * NEW.n, latency_11 = latency_11 + (NEW.bucket = 11) * NEW.n, latency_12 = latency_12 + (NEW.bucket = 12) * NEW.n, latency_13 = latency_13 + (NEW.bucket = 13) * NEW.n, latency_14 = latency_14 + (NEW.bucket = 14) * NEW.n, latency_15 = latency_15 + (NEW.bucket = 15) * NEW.n, latency_16 = latency_16 + (NEW.bucket = 16) * NEW.n, latency_17 = latency_17 + (NEW.bucket = 17) * NEW.n, latency_18 = latency_18 + (NEW.bucket = 18) * NEW.n, latency_19 = latency_19 + (NEW.bucket = 19) * NEW.n, latency_20 = latency_20 + (NEW.bucket = 20) * NEW.n, latency_21 = latency_21 + (NEW.bucket = 21) * NEW.n, latency_22 = latency_22 + (NEW.bucket = 22) * NEW.n, latency_23 = latency_23 + (NEW.bucket = 23) * NEW.n, latency_24 = latency_24 + (NEW.bucket = 24) * NEW.n, latency_25 = latency_25 + (NEW.bucket = 25) * NEW.n, latency_26 = latency_26 + (NEW.bucket = 26) * NEW.n
   WHERE provider = NEW.provider AND mailbox_provider = NEW.mailbox_provider AND day >= NEW.day;
END;

CREATE TRIGGER placement_running_latency_delete AFTER DELETE ON placement_latency_daily
BEGIN
  UPDATE placement_running SET latency_0 = latency_0 - (OLD.bucket = 0) * OLD.n, latency_1 = latency_1 - (OLD.bucket = 1) * OLD.n, latency_2 = latency_2 - (OLD.bucket = 2) * OLD.n, latency_3 = latency_3 - (OLD.bucket = 3) * OLD.n, latency_4 = latency_4 - (OLD.bucket = 4) * OLD.n, latency_5 = latency_5 - (OLD.bucket = 5) * OLD.n, latency_6 = latency_6 - (OLD.bucket = 6) * OLD.n, latency_7 = latency_7 - (OLD.bucket = 7) * OLD.n, latency_8 = latency_8 - (OLD.bucket = 8) * OLD.n, latency_9 = latency_9 - (OLD.bucket = 9) * OLD.n, latency_10 = latency_10 - (OLD.bucket = 10) * OLD.n, latency_11 = latency_11 - (OLD.bucket = 11) * OLD.n, latency_12 = latency_12 - (OLD.bucket = 12) * OLD.n, latency_13 = latency_13 - (OLD.bucket = 13) * OLD.n, latency_14 = latency_14 - (OLD.bucket = 14) * OLD.n, latency_15 = latency_15 - (OLD.bucket = 15) * OLD.n, latency_16 = latency_16 - (OLD.bucket = 16) * OLD.n, latency_17 = latency_17 - (OLD.bucket = 17) * OLD.n, latency_18 = latency_18 - (OLD.bucket = 18) * OLD.n, latency_19 = latency_19 - (OLD.bucket = 19) * OLD.n, latency_20 = latency_20 - (OLD.bucket = 20) * OLD.n, latency_21 = latency_21 - (OLD.bucket = 21) * OLD.n, latency_22 = latency_22 - (OLD.bucket = 22) * OLD.n, latency_23 = latency_23 - (OLD.bucket = 23) * OLD.n, latency_24 = latency_24 - (OLD.bucket = 24) * OLD.n, latency_25 = latency_25 - (OLD.bucket = 25) * OLD.n, latency_26 = latency_26 - (OLD.bucket = 26) * OLD.n
   WHERE provider = OLD.provider AND mailbox_provider = OLD.mailbox_provider AND day >= OLD.day;
END;

-- Ranges of three days or less are counted per hour from the verdicts: this index covers both of those
-- queries (counts and latencies), so they never read a verdict's row with its headers. It supersedes
-- verdicts_latency, a prefix of it.
CREATE INDEX verdicts_hourly ON verdicts (test_started_at, provider, mailbox_provider, placement, late, latency_ms);
DROP INDEX verdicts_latency;

-- The tests list counts each test's verdicts per placement from this index alone. It supersedes
-- verdicts_by_test, a prefix of it.
CREATE INDEX verdicts_by_test_placement ON verdicts (test_id, placement);
DROP INDEX verdicts_by_test;

-- The blocklists matrix reads every cell's status by target from this index alone.
CREATE INDEX blocklist_status_matrix ON blocklist_status (target, zone, list, status);
