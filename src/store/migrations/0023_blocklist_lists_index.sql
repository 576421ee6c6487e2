-- The blocklists matrix lists its columns (one per zone) by grouping the status rows by zone: in zone order
-- from this index instead of sorting every target's rows (0.7 → 0.3 ms for 200 targets on 20 lists).
CREATE INDEX blocklist_status_lists ON blocklist_status (zone, list);
