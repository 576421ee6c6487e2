import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { attemptsOf, claimNext, enqueue, listOutbox, notificationPruner, recordDelivery, recordFailure } from '../../../src/alerts/store.js';
import { configSchema } from '../../../src/config/schema.js';
import { createHousekeepingJob } from '../../../src/jobs/housekeeping.js';
import { silentLogger } from '../../../src/log.js';
import { openStore } from '../../../src/node/sqlite-store.js';
import { invocationOwner } from '../../../src/store/owners.js';
import type { Sql } from '../../../src/store/sql.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 30);
const config = configSchema.parse({ retention: { notifications: '30d' } });

describe('housekeeping', () => {
  let db: Sql;
  beforeEach(async () => {
    db = await openStore(':memory:');
  });
  afterEach(() => db.close());

  /** Queues a test notification at `at` and settles it as told. */
  async function notification(at: number, outcome: 'delivered' | 'failed' | 'pending' | 'retrying'): Promise<number> {
    const id = await enqueue(db, 'ops', { kind: 'test', createdAt: at, dashboardUrl: 'http://localhost/', channel: 'ops' });
    await db.run('UPDATE alert_outbox SET created_at = ?, next_attempt_at = ? WHERE id = ?', [at, at, id]);
    if (outcome === 'pending') return id;
    const claimed = await claimNext(db, 'test', at, 60_000, id);
    expect(claimed?.id).toBe(id);
    if (outcome === 'delivered') await recordDelivery(db, id, 'test', at);
    else await recordFailure(db, id, 'test', at, 'connection refused', outcome === 'retrying' ? at + DAY : undefined);
    return id;
  }

  it('prunes finished notifications past retention with their attempts, and never one still pending', async () => {
    const oldDelivered = await notification(NOW - 40 * DAY, 'delivered');
    const oldFailed = await notification(NOW - 40 * DAY, 'failed');
    const oldPending = await notification(NOW - 40 * DAY, 'pending');
    const oldRetrying = await notification(NOW - 40 * DAY, 'retrying');
    const recent = await notification(NOW - 10 * DAY, 'delivered');
    expect(await attemptsOf(db, oldFailed)).toHaveLength(1);

    const job = createHousekeepingJob({ pruners: [notificationPruner] });
    const result = await job.run({ config, db, resolver: undefined as never, log: silentLogger, signal: new AbortController().signal, now: () => NOW, owner: invocationOwner('test') });

    expect(result.summary).toBe('pruned 0 runs, 2 notifications past retention');
    expect((await listOutbox(db, { limit: 10 })).map((n) => n.id).sort()).toEqual([oldPending, oldRetrying, recent].sort());
    expect(await attemptsOf(db, oldFailed)).toEqual([]);
    expect(await attemptsOf(db, oldDelivered)).toEqual([]);
  });
});
