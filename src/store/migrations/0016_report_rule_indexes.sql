-- The dmarc_new_source alert rule asks, for each failing source in its window, when the source last sent as
-- the domain before the window: one index seek per source instead of a scan of the domain's rows.
CREATE INDEX dmarc_rows_by_source ON dmarc_rows (domain, source_ip, day);
