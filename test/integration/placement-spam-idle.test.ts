import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completePlacementTest, createPlacementTest, testReport, type TestReport } from '../../src/placement/index.js';
import { listSeedHealth } from '../../src/placement/store.js';
import { FROM, messagesInMailbox, placementContext, provider, seedEntry, tempDir, worldConfig } from '../support/placement.js';
import { clearRecipientRule, seed, setRecipientRule, world } from '../world/context.js';

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

  // Kept last: its message still arrives after the test, and must not wake another test's collector.
  it('counts a failed login on the spam connection as one failure of the seed, which is error', async () => {
    // A token endpoint in front of the world's: the first grant (the searching connection's) is real, later
    // ones hand out access tokens Dovecot refuses, so only the second connection's IMAP login fails.
    let grants = 0;
    const endpoint = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        grants += 1;
        const reply = (body: unknown) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        // expires_in 60: nothing is cached (a minute's margin), so every login asks for a token.
        if (grants > 1) return reply({ access_token: 'access-refused-by-dovecot', token_type: 'Bearer', expires_in: 60 });
        void fetch(world().oauth2.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.concat(chunks).toString() })
          .then((r) => r.json() as Promise<Record<string, unknown>>)
          .then((token) => reply({ ...token, expires_in: 60 }));
      });
    });
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    const { clientId, clientSecret, refreshTokens } = world().oauth2;
    const account = seed(SEED);
    const tokenUrl = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/token`;
    const config = worldConfig(tempDir(), {
      providers: [provider('bad', { from: FROM.bad })],
      seeds: [{ address: account.address, imap: { host: world().imap.host, port: world().imap.port, secure: false, user: account.address, oauth2: { tokenUrl, clientId, clientSecret, refreshToken: refreshTokens[account.address] } } }],
      placement: { timeout: '20s', pollInterval: '30s' },
    });
    const ctx = await placementContext(config);
    try {
      const { result } = await spamTest(ctx);
      expect(result.placement).toBe('error');
      expect(result.error).toMatch(/IMAP login failed/);
      // One grant for the searching connection (which logged in), two for the spam connection (a retry with a fresh token).
      expect(grants).toBe(3);
      const health = (await listSeedHealth(ctx.db)).find((h) => h.seed === account.address);
      expect(health).toMatchObject({ consecutiveFailures: 1, lastLoginAt: null });
      expect(health?.lastError).toMatch(/IMAP login failed/);
    } finally {
      await ctx.close();
      endpoint.close();
    }
  });
});
