import { afterEach, beforeEach, expect, it } from 'vitest';
import { queueFinishedRuns } from '../../../src/agent/queue.js';
import { transition, type CurrentStatus } from '../../../src/blocklists/history.js';
import { listStatuses, recordSweep } from '../../../src/blocklists/store.js';
import type { CheckResult } from '../../../src/blocklists/types.js';
import { INGEST_JOBS } from '../../../src/ingest/batch.js';
import { exportRun } from '../../../src/ingest/export-run.js';
import type { Logger } from '../../../src/log.js';
import { openStore } from '../../../src/node/sqlite-store.js';
import { finishRun, startRun } from '../../../src/store/runs.js';
import type { Sql } from '../../../src/store/sql.js';

// A real (in-memory) SQLite buffer; the sweeps are made up and recorded as the blocklists job records them.

let db: Sql;
beforeEach(async () => {
  db = await openStore(':memory:');
});
afterEach(() => db.close());

const clean = (target: string): CheckResult => ({
  target,
  zone: 'zen.spamhaus.org',
  list: 'Spamhaus ZEN',
  status: 'clean',
  severity: null,
  allowlisted: false,
  codes: [],
  meaning: null,
  reason: null,
  delistUrl: null,
  error: null,
});

async function sweep(at: number, status: 'ok' | 'interrupted'): Promise<number> {
  const runId = await startRun(db, 'blocklists', 'schedule', at - 1000, 'gone');
  const previous = new Map((await listStatuses(db)).map((s) => [`${s.target} ${s.zone}`, s] as const));
  const statuses: CurrentStatus[] = [];
  for (const r of [clean('192.0.2.2')]) statuses.push(transition(previous.get(`${r.target} ${r.zone}`), r, false, at).current);
  await recordSweep(db, { at, statuses, health: [], events: [], complete: true, runId });
  await finishRun(db, runId, { status, at: at + 10, ...(status === 'interrupted' ? { error: 'the process stopped before the run finished' } : {}) });
  return runId;
}

it('skips, with a logged reason, a sweep a later sweep replaced before it could be queued, and queues the later one once', async () => {
  const replaced = await sweep(1_000_000, 'interrupted');
  const later = await sweep(2_000_000, 'ok');
  const warnings: Array<Record<string, unknown> | undefined> = [];
  const log: Logger = { debug() {}, info() {}, error() {}, warn: (_message, fields) => warnings.push(fields) };
  let ids = 0;
  const deps = { db, jobs: INGEST_JOBS, exportRun, log, now: () => 3_000_000, newBatchId: () => `batch-${++ids}` };

  expect(await queueFinishedRuns(deps)).toEqual({ queued: 1, skipped: 1, failed: 0 });
  expect(warnings).toEqual([{ job: 'blocklists', run: replaced, status: 'interrupted', reason: expect.stringMatching(/later blocklist sweep replaced/) }]);
  expect(await db.all('SELECT run_id, skipped IS NOT NULL AS skipped FROM agent_queued_runs ORDER BY run_id')).toEqual([
    { run_id: replaced, skipped: 1 },
    { run_id: later, skipped: 0 },
  ]);
  expect(await db.all('SELECT run_id, batch_id FROM agent_outbox')).toEqual([{ run_id: later, batch_id: 'batch-1' }]);

  expect(await queueFinishedRuns(deps)).toEqual({ queued: 0, skipped: 0, failed: 0 });
  expect(await db.all('SELECT run_id FROM agent_outbox')).toEqual([{ run_id: later }]);
});
