import { afterAll, describe, expect, it } from 'vitest';
import { completePlacementTest, createPlacementTest, testReport, type TestReport } from '../../src/placement/index.js';
import type { MailboxProvider } from '../../src/placement/types.js';
import type { ReceiverShape } from '../world/receiver-shapes.js';
import { dkimKeyFile, FROM, placementContext, provider, seedEntry, tempDir, worldConfig } from '../support/placement.js';
import { clearRecipientRule, seed, setRecipientRule } from '../world/context.js';

/** Seed 18 plays each receiver in turn: the test MX stamps its trace shape, Dovecot files and serves the message. */
const SEED = 18;

type SeedResult = TestReport['providers'][number]['seeds'][number];

async function placeThrough(options: { receiver: ReceiverShape; mailboxProvider: MailboxProvider; relay: 'good' | 'bad'; upstream?: string[] }): Promise<SeedResult> {
  await setRecipientRule(seed(SEED).address, { receiver: options.receiver, upstream: options.upstream });
  const dir = tempDir();
  // No provider IPs: the receiving hop must be found from the receiver's own trace.
  const sender = options.relay === 'good' ? provider('good', { sign: true, dkimKeyFile: dkimKeyFile(dir) }) : provider('bad', { from: FROM.bad });
  const config = worldConfig(dir, {
    providers: [{ ...sender, ips: [] }],
    seeds: [{ ...seedEntry(SEED), mailboxProvider: options.mailboxProvider }],
    placement: { timeout: '15s' },
  });
  const ctx = await placementContext(config);
  try {
    const test = await createPlacementTest(ctx, { trigger: 'cli' });
    await completePlacementTest(ctx, test);
    const report = (await testReport(ctx.db, test.id, { headers: true })) as TestReport;
    return report.providers[0]?.seeds[0] as SeedResult;
  } finally {
    await ctx.close();
  }
}

describe('receiver verdicts read from each receiver\'s trace, through the test MX and Dovecot', () => {
  afterAll(() => clearRecipientRule(seed(SEED).address));

  const cases: Array<{ receiver: ReceiverShape; mailboxProvider: MailboxProvider; by: RegExp }> = [
    { receiver: 'gmail', mailboxProvider: 'gmail', by: /^mx\.google\.com$/ },
    { receiver: 'outlook', mailboxProvider: 'outlook', by: /mail\.protection\.outlook\.com$/ },
    { receiver: 'outlook', mailboxProvider: 'other', by: /mail\.protection\.outlook\.com$/ },
    { receiver: 'yahoo', mailboxProvider: 'yahoo', by: /yahoo\.com$/ },
    { receiver: 'icloud', mailboxProvider: 'icloud', by: /icloud\.com$/ },
  ];
  for (const c of cases) {
    it(`reads ${c.receiver}'s shape (seed configured as ${c.mailboxProvider}): the receiver's pass, the relay's IP as the receiving hop`, async () => {
      const result = await placeThrough({ receiver: c.receiver, mailboxProvider: c.mailboxProvider, relay: 'good' });
      expect(result.placement).toBe('inbox');
      expect(result.receiverAuth).toEqual({ spf: 'pass', dkim: 'pass', dmarc: 'pass' });
      expect(result.evidence?.receiverAuth?.by).toMatch(c.by);
      expect(result.evidence?.hops.some((h) => h.ip === '127.0.0.2')).toBe(true);
      // Our own SPF check is made against the receiving hop's IP: only 127.0.0.2 (the relay) passes, the
      // relay's own client hop (127.0.0.1) would fail.
      expect(result.auth?.spf).toBe('pass');
    });
  }

  it('keeps the receiver\'s failing verdict when a forged passing one with its authserv-id came with the message', async () => {
    const result = await placeThrough({
      receiver: 'gmail',
      mailboxProvider: 'gmail',
      relay: 'bad',
      upstream: ['Authentication-Results: mx.google.com; spf=pass smtp.mailfrom=news@bad.inboxwatch.test; dkim=pass header.d=bad.inboxwatch.test; dmarc=pass header.from=bad.inboxwatch.test'],
    });
    expect(result.placement).toBe('spam');
    expect(result.receiverAuth).toMatchObject({ spf: 'fail', dmarc: 'fail' });
    expect(result.receiverAuth?.dkim).not.toBe('pass');
  });

  for (const mailboxProvider of ['gmail', 'other'] as const) {
    it(`has no receiver verdict when the receiver added none and the message carried one (seed as ${mailboxProvider})`, async () => {
      const result = await placeThrough({
        receiver: 'none',
        mailboxProvider,
        relay: 'bad',
        upstream: ['Authentication-Results: mx.google.com; spf=pass smtp.mailfrom=x@bad.inboxwatch.test; dkim=pass header.d=bad.inboxwatch.test; dmarc=pass header.from=bad.inboxwatch.test'],
      });
      expect(result.receiverAuth).toBeNull();
      expect(result.evidence?.headers).toContain('Authentication-Results: mx.google.com; spf=pass');
      expect(result.auth?.dmarc).toBe('fail');
    });
  }
});
