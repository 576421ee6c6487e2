import { copyFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTest, messagesOf, verdictsOf } from '../../../src/placement/store.js';
import { migrate, MIGRATIONS_DIR } from '../../../src/node/sqlite-migrate.js';
import { openSqlite } from '../../../src/node/sqlite-store.js';

describe('migration 0006 on verdicts stored with whole-second latencies', () => {
  it('turns each stored latency L into the interval [L, L + 1 s] with its midpoint and error', async () => {
    const before = mkdtempSync(join(tmpdir(), 'inboxwatch-migrations-'));
    for (const name of readdirSync(MIGRATIONS_DIR).filter((n) => n < '0006')) copyFileSync(join(MIGRATIONS_DIR, name), join(before, name));
    const db = openSqlite(join(before, 'old.db'));
    try {
      await migrate(db, before);
      const test = await createTest(db, {
        token: 'iw-aaaaaaaaaaaaaaaaaaaa',
        trigger: 'cli',
        startedAt: 1_000,
        deadlineAt: 60_000,
        owner: 'the-test-process',
        lateAfterMs: 30_000,
        providers: ['good'],
        messages: ['a', 'b'].map((seed) => ({ provider: 'good', seed, mailboxProvider: 'other', messageId: `<${seed}@x>`, fromAddress: 'news@x' })),
      });
      const [a, b] = await messagesOf(db, test.id);
      await db.run(
        `INSERT INTO verdicts (message_id, test_id, test_started_at, provider, seed, mailbox_provider, placement, latency_ms, latency_source, decided_at)
         VALUES (?, ?, 1000, 'good', 'a', 'other', 'inbox', 2000, 'internaldate', 9000), (?, ?, 1000, 'good', 'b', 'other', 'missing', NULL, NULL, 9000)`,
        [a?.id ?? 0, test.id, b?.id ?? 0, test.id],
      );
      expect(await migrate(db)).toContain('0006_latency_interval.sql');
      const verdicts = await verdictsOf(db, test.id, { headers: false });
      expect(verdicts.find((v) => v.seed === 'a')).toMatchObject({ latencyMs: 2500, latencyErrorMs: 500, latencyLowMs: 2000, latencyHighMs: 3000 });
      expect(verdicts.find((v) => v.seed === 'b')).toMatchObject({ latencyMs: null, latencyErrorMs: null, latencyLowMs: null, latencyHighMs: null });
    } finally {
      await db.close();
    }
  });
});
