import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/node/sqlite-store.js';
import { createTest, listTests, messagesOf, saveVerdict } from '../../../src/placement/store.js';
import type { Sql } from '../../../src/store/sql.js';

let db: Sql | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

const seeds = ['a', 'b', 'c', 'd'].map((s) => ({ provider: 'p', seed: `${s}@x.test`, mailboxProvider: 'gmail', fromAddress: 'n@x.test' }));

describe('the tests list', () => {
  it('tallies each test by placement, with messages still waiting for a verdict as pending', async () => {
    db = await openStore(':memory:');
    const startedAt = Date.UTC(2026, 10, 30, 9);
    const create = (token: string, at: number) =>
      createTest(db as Sql, {
        token,
        owner: 'the-test-process',
        trigger: 'cli',
        startedAt: at,
        deadlineAt: at + 60_000,
        lateAfterMs: 60_000,
        providers: ['p'],
        messages: seeds.map((s) => ({ ...s, messageId: `${token}.${s.seed}` })),
      });
    const older = await create('older', startedAt);
    const newer = await create('newer', startedAt + 60_000);
    const [first, second, third, fourth] = await messagesOf(db, older.id);
    if (!first || !second || !third || !fourth) throw new Error('four messages expected');
    for (const [message, placement] of [[first, 'inbox'], [second, 'inbox'], [third, 'spam']] as const) {
      await saveVerdict(db, { message, testStartedAt: startedAt, decidedAt: startedAt + 60_000, placement });
    }
    const [newest, oldest] = await listTests(db, { limit: 10 });
    expect(newest).toMatchObject({ token: 'newer', messages: 4, counts: { pending: 4 } });
    expect(oldest).toMatchObject({ token: 'older', messages: 4, counts: { inbox: 2, spam: 1, pending: 1 } });
    await saveVerdict(db, { message: fourth, testStartedAt: startedAt, decidedAt: startedAt + 60_000, placement: 'missing' });
    expect((await listTests(db, { limit: 10, before: newer.startedAt }))[0]?.counts).toEqual({ inbox: 2, spam: 1, missing: 1 });
  });
});
