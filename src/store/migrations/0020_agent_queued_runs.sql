-- Which of a probe agent's finished runs it has queued in its outbox (`inboxwatch agent`). The agent queues
-- every finished run of a shipped job that has no row here, in one transaction with the outbox insert, so a
-- run a crash or a stop left interrupted is still shipped, and none is queued twice. `skipped` says why a
-- run was marked without being queued (a blocklist sweep a later sweep replaced in the store). A pruned run
-- takes its mark along; its facts, if still waiting, stay in the outbox, which does not refer to `runs`.
CREATE TABLE agent_queued_runs (
  run_id INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
  queued_at INTEGER NOT NULL,
  skipped TEXT
);

-- Buffers that predate this table have queued (and mostly shipped) every run that finished, in the run's
-- own after-run step, which left no trace once the server confirmed it. So every run already finished is
-- marked here, rather than trusting no mark to mean "never queued", which would ship a buffer's whole
-- history again. A run still `running` now is left unmarked: if its process is gone, the next agent start
-- marks it interrupted and queues it. On a server's database (the same migrations run there) these marks
-- are unused and go with their runs at pruning.
INSERT INTO agent_queued_runs (run_id, queued_at)
  SELECT id, COALESCE(finished_at, started_at) FROM runs WHERE status != 'running';
