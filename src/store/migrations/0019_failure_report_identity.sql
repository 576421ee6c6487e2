-- A failure report's identity, so the same report resent (or wrapped in another message) is stored once.
ALTER TABLE failure_reports ADD COLUMN message_id TEXT;
ALTER TABLE failure_reports ADD COLUMN content_key TEXT;
CREATE UNIQUE INDEX failure_reports_by_content ON failure_reports (content_key) WHERE content_key IS NOT NULL;
