import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completePlacementTest, createPlacementTest, testReport, type TestReport } from '../../src/placement/index.js';
import { listSeedHealth } from '../../src/placement/store.js';
import { FROM, messagesInMailbox, placementContext, provider, seedEntry, tempDir, worldConfig } from '../support/placement.js';
import { clearRecipientRule, seed, setRecipientRule } from '../world/context.js';

// seed13 is this file's own: its recipient rule delays delivery so the message reaches Junk only after the
// first search pass, and nothing else in the run delivers to it (an INBOX arrival would wake the pass too).
const SEED = 13;
const DELIVERY_DELAY_MS = 2000;

/** One test with the `bad` provider (fails DMARC, so Dovecot's Sieve files it into Junk); how long until it was recorded. */
async function spamTest(ctx: Awaited<ReturnType<typeof placementContext>>) {
  const test = await createPlacementTest(ctx, { trigger: 'cli' });
  await completePlacementTest(ctx, test);
  const report = (await testReport(ctx.db, test.id)) as TestReport;
  const result = report.providers[0]?.seeds[0];
  if (!result) throw new Error('no result');
  const decided = await ctx.db.first<{ decided_at: number }>('SELECT v.decided_at FROM verdicts v JOIN messages m ON m.id = v.message_id WHERE m.test_id = ?', [test.id]);
  const sentAt = result.send.at ?? Number.NaN;
  return { result, recordedAfterMs: (decided?.decided_at ?? Number.NaN) - sentAt };
}

describe('spam-folder arrivals are noticed by IDLE, not by the next poll', () => {
  beforeAll(() => setRecipientRule(seed(SEED).address, { delayMs: DELIVERY_DELAY_MS }));
  afterAll(() => clearRecipientRule(seed(SEED).address));

  describe('with the spam folder watched (the default)', () => {
    let ctx: Awaited<ReturnType<typeof placementContext>>;
    beforeAll(async () => {
      // A 30 s poll: a message found well before it can only have been noticed by the IDLE on Junk.
      const config = worldConfig(tempDir(), { providers: [provider('bad', { from: FROM.bad })], seeds: [seedEntry(SEED)], placement: { timeout: '45s', pollInterval: '30s' } });
      ctx = await placementContext(config);
    });
    afterAll(() => ctx.close());

    it('records a message filed into Junk within about a second of its delivery', async () => {
      const { result, recordedAfterMs } = await spamTest(ctx);
      expect(result).toMatchObject({ placement: 'spam', folder: 'Junk', error: null });
      expect(recordedAfterMs).toBeGreaterThanOrEqual(DELIVERY_DELAY_MS);
      expect(recordedAfterMs).toBeLessThan(DELIVERY_DELAY_MS + 1500);
      // Read-only on both connections: the message is still unseen.
      const copies = await messagesInMailbox(SEED, 'Junk', result.messageId);
      expect(copies).toHaveLength(1);
      expect(copies[0]?.flags).not.toContain('\\Seen');
    });

    it('reuses both connections for the next test: no new login, and just as fast', async () => {
      const before = (await listSeedHealth(ctx.db)).find((h) => h.seed === seed(SEED).address);
      expect(before).toMatchObject({ consecutiveFailures: 0 });
      const { result, recordedAfterMs } = await spamTest(ctx);
      expect(result.placement).toBe('spam');
      expect(recordedAfterMs).toBeLessThan(DELIVERY_DELAY_MS + 1500);
      const after = (await listSeedHealth(ctx.db)).find((h) => h.seed === seed(SEED).address);
      expect(after?.lastLoginAt).toBe(before?.lastLoginAt);
    });
  });

  it('without the spam watch (placement.spamIdle: false) the same message waits for the next poll', async () => {
    const config = worldConfig(tempDir(), {
      providers: [provider('bad', { from: FROM.bad })],
      seeds: [seedEntry(SEED)],
      placement: { timeout: '30s', pollInterval: '8s', spamIdle: false },
    });
    const ctx = await placementContext(config);
    try {
      const { result, recordedAfterMs } = await spamTest(ctx);
      expect(result.placement).toBe('spam');
      expect(recordedAfterMs).toBeGreaterThanOrEqual(7000);
    } finally {
      await ctx.close();
    }
  });
});
