import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { ingestPruner } from '../../../src/ingest/prune.js';
import { openStore } from '../../../src/node/sqlite-store.js';

const DAY = 86_400_000;

describe('housekeeping of ingest records', () => {
  it('drops batch ids past the runs retention and sweep links whose run is gone, and nothing else', async () => {
    const db = await openStore(':memory:');
    const now = 400 * DAY;
    await db.run("INSERT INTO ingest_batches (id, caller, received_at, runs, facts) VALUES ('old', 'a', ?, 1, 1), ('new', 'a', ?, 1, 1)", [now - 91 * DAY, now - DAY]);
    await db.run("INSERT INTO runs (id, job, trigger, started_at, status) VALUES (7, 'blocklists', 'schedule', ?, 'ok')", [now - DAY]);
    await db.run('INSERT INTO blocklist_sweeps (run_id, at, complete, results) VALUES (6, 1, 1, 1), (7, 2, 1, 1)');
    expect(await ingestPruner.prune(db, configSchema.parse({}), now)).toBe(2);
    expect(await db.all('SELECT id FROM ingest_batches')).toEqual([{ id: 'new' }]);
    expect(await db.all('SELECT run_id FROM blocklist_sweeps')).toEqual([{ run_id: 7 }]);
    await db.close();
  });
});
