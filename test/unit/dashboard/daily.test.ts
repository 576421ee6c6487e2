import { afterEach, describe, expect, it } from 'vitest';
import { createTest, messagesOf, saveVerdict } from '../../../src/placement/store.js';
import { openStore } from '../../../src/node/sqlite-store.js';
import type { Sql } from '../../../src/store/sql.js';
import { seedDashboard } from '../../support/dashboard-seed.js';

let db: Sql | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

const fromVerdicts = (sql: Sql) =>
  sql.all(
    `SELECT test_started_at - test_started_at % 86400000 AS day, provider, mailbox_provider, placement, COUNT(*) AS n, SUM(late) AS late
       FROM verdicts GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
  );
const fromAggregates = (sql: Sql) =>
  sql.all('SELECT day, provider, mailbox_provider, placement, n, late FROM placement_daily WHERE n > 0 ORDER BY 1, 2, 3, 4');

describe('daily placement aggregates', () => {
  it('match a full count over the verdicts after a seeded history', async () => {
    db = await openStore(':memory:');
    await seedDashboard(db, Date.UTC(2026, 10, 30, 15));
    expect(await fromAggregates(db)).toEqual(await fromVerdicts(db));
    expect((await fromAggregates(db)).length).toBeGreaterThan(20);
  });

  it('move a missing message to its late placement when the verdict is replaced, not count it twice', async () => {
    db = await openStore(':memory:');
    const startedAt = Date.UTC(2026, 10, 29, 23, 50);
    const test = await createTest(db, {
      token: 't1',
      trigger: 'cli',
      startedAt,
      deadlineAt: startedAt + 60_000,
      lateAfterMs: 60_000,
      providers: ['p'],
      messages: [{ provider: 'p', seed: 's@x.test', mailboxProvider: 'gmail', messageId: 'm1@x', fromAddress: 'a@x.test' }],
    });
    const [message] = await messagesOf(db, test.id);
    if (!message) throw new Error('no message');
    await saveVerdict(db, { message, testStartedAt: startedAt, decidedAt: startedAt + 60_000, placement: 'missing' });
    expect(await fromAggregates(db)).toEqual([{ day: Date.UTC(2026, 10, 29), provider: 'p', mailbox_provider: 'gmail', placement: 'missing', n: 1, late: 0 }]);
    await saveVerdict(db, { message, testStartedAt: startedAt, decidedAt: startedAt + 3_600_000, placement: 'spam' });
    expect(await fromAggregates(db)).toEqual([{ day: Date.UTC(2026, 10, 29), provider: 'p', mailbox_provider: 'gmail', placement: 'spam', n: 1, late: 0 }]);
    await db.run("UPDATE verdicts SET placement = 'inbox', late = 1");
    expect(await fromAggregates(db)).toEqual(await fromVerdicts(db));
  });

  it('record an audit status change only when the worst status differs from the audit before', async () => {
    db = await openStore(':memory:');
    await seedDashboard(db, Date.UTC(2026, 10, 30, 15));
    const changes = await db.all<{ domain: string; from_worst: string | null; to_worst: string }>(
      'SELECT domain, from_worst, to_worst FROM audit_status_changes ORDER BY at',
    );
    expect(changes).toEqual([
      { domain: 'example.com', from_worst: null, to_worst: 'warn' },
      { domain: 'example.com', from_worst: 'warn', to_worst: 'fail' },
      { domain: 'shop.example', from_worst: null, to_worst: 'pass' },
    ]);
  });
});
