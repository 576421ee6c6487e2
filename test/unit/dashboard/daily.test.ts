import { afterEach, describe, expect, it } from 'vitest';
import { createTest, messagesOf, saveVerdict } from '../../../src/placement/store.js';
import { openStore } from '../../../src/node/sqlite-store.js';
import type { Sql } from '../../../src/store/sql.js';
import { COUNT_COLUMNS, latencySummary } from '../../../src/dashboard/class-rates.js';
import { histogramSummary, LATENCY_EDGES_MS, latencyBucket } from '../../../src/dashboard/latency-histogram.js';
import { seedDashboard } from '../../support/dashboard-seed.js';

let db: Sql | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

const COLUMNS = Object.keys(COUNT_COLUMNS);
const fromVerdicts = (sql: Sql) =>
  sql.all(
    `SELECT test_started_at - test_started_at % 86400000 AS day, provider, mailbox_provider, ${Object.entries(COUNT_COLUMNS).map(([name, e]) => `SUM(${e}) AS ${name}`).join(', ')}
       FROM verdicts GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  );
// A day whose only verdict moved elsewhere keeps a row of zeros; a full count has no such row.
const fromAggregates = (sql: Sql) =>
  sql.all(`SELECT day, provider, mailbox_provider, ${COLUMNS.join(', ')} FROM placement_daily WHERE ${COLUMNS.join(' + ')} > 0 ORDER BY 1, 2, 3`);
const zero = Object.fromEntries(COLUMNS.map((c) => [c, 0]));

describe('daily placement aggregates', () => {
  it('match a full count over the verdicts after a seeded history', async () => {
    db = await openStore(':memory:');
    await seedDashboard(db, Date.UTC(2026, 10, 30, 15));
    expect(await fromAggregates(db)).toEqual(await fromVerdicts(db));
    expect((await fromAggregates(db)).length).toBeGreaterThan(20);
    expect(await db.first('SELECT SUM(inbox) AS inbox, SUM(promotions) AS promotions, SUM(spam) AS spam, SUM(missing) AS missing FROM placement_daily')).toEqual({
      inbox: 86,
      promotions: 5,
      spam: 8,
      missing: 1,
    });
  });

  it('move a missing message to its late placement when the verdict is replaced, not count it twice', async () => {
    db = await openStore(':memory:');
    const startedAt = Date.UTC(2026, 10, 29, 23, 50);
    const test = await createTest(db, {
      token: 't1',
      owner: 'the-test-process',
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
    expect(await fromAggregates(db)).toEqual([{ day: Date.UTC(2026, 10, 29), provider: 'p', mailbox_provider: 'gmail', ...zero, missing: 1 }]);
    await saveVerdict(db, { message, testStartedAt: startedAt, decidedAt: startedAt + 3_600_000, placement: 'spam' });
    expect(await fromAggregates(db)).toEqual([{ day: Date.UTC(2026, 10, 29), provider: 'p', mailbox_provider: 'gmail', ...zero, spam: 1 }]);
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

describe('daily latency histograms', () => {
  it('put every verdict in the bucket the dashboard reads, the same edges in SQL and TypeScript', async () => {
    db = await openStore(':memory:');
    await seedDashboard(db, Date.UTC(2026, 10, 30, 15));
    // Extra latencies on and around every edge, so an edge out of step between the two would show.
    const edges = [...LATENCY_EDGES_MS, 4_000_000];
    const rows = await db.all<{ message_id: number }>('SELECT message_id FROM verdicts WHERE latency_ms IS NOT NULL ORDER BY message_id');
    for (const [i, row] of rows.entries()) {
      const edge = edges[Math.floor(i / 3) % edges.length] ?? 0;
      await db.run('UPDATE verdicts SET latency_ms = ? WHERE message_id = ?', [edge + (i % 3) - 1, row.message_id]);
    }
    const verdicts = await db.all<{ day: number; provider: string; mailbox_provider: string; latency_ms: number }>(
      'SELECT test_started_at - test_started_at % 86400000 AS day, provider, mailbox_provider, latency_ms FROM verdicts WHERE latency_ms IS NOT NULL',
    );
    const expected = new Map<string, number>();
    for (const v of verdicts) {
      const key = `${v.day} ${v.provider} ${v.mailbox_provider} ${latencyBucket(v.latency_ms)}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    const stored = await db.all<{ day: number; provider: string; mailbox_provider: string; bucket: number; n: number }>(
      'SELECT day, provider, mailbox_provider, bucket, n FROM placement_latency_daily WHERE n > 0',
    );
    expect(new Map(stored.map((s) => [`${s.day} ${s.provider} ${s.mailbox_provider} ${s.bucket}`, s.n]))).toEqual(expected);
  });

  it('give percentiles within their bucket of the exact ones', () => {
    const values = Array.from({ length: 200 }, (_, i) => 2_000 + i * 137);
    const histogram = new Map<number, number>();
    for (const v of values) histogram.set(latencyBucket(v), (histogram.get(latencyBucket(v)) ?? 0) + 1);
    const exact = latencySummary(values);
    const approx = histogramSummary(histogram);
    expect(approx.samples).toBe(200);
    for (const q of ['p50', 'p95'] as const) {
      const bucket = latencyBucket(exact[q] ?? 0);
      const width = (LATENCY_EDGES_MS[bucket] ?? 0) - (LATENCY_EDGES_MS[bucket - 1] ?? 0);
      expect(Math.abs((approx[q] ?? 0) - (exact[q] ?? 0))).toBeLessThanOrEqual(width);
    }
  });
});
