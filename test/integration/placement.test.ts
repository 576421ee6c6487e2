import { soleOwner } from '../support/owner.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import { silentLogger } from '../../src/log.js';
import { completePlacementTest, createPlacementTest, testReport, type TestReport } from '../../src/placement/index.js';
import { listSeedHealth } from '../../src/placement/store.js';
import { dkimKeyFile, FROM, messagesInMailbox, placementContext, provider, seedEntry, tempDir, worldConfig } from '../support/placement.js';
import nodemailer from 'nodemailer';
import { clearRecipientRule, relay, seed, setRecipientRule } from '../world/context.js';

const seedOf = (report: TestReport, providerName: string, n: number) => {
  const found = report.providers.find((p) => p.provider === providerName)?.seeds.find((s) => s.seed === seed(n).address);
  if (!found) throw new Error(`no result for ${providerName} → seed${n}`);
  return found;
};

describe('placement tests in the test world', () => {
  describe('a signed, SPF-permitted provider and one that fails DMARC', () => {
    let report: TestReport;
    let ctx: Awaited<ReturnType<typeof placementContext>>;

    beforeAll(async () => {
      const dir = tempDir();
      const config = worldConfig(dir, {
        providers: [provider('good', { sign: true, dkimKeyFile: dkimKeyFile(dir) }), provider('bad', { from: FROM.bad })],
        seeds: [seedEntry(1), seedEntry(2)],
      });
      ctx = await placementContext(config);
      const test = await createPlacementTest(ctx, { trigger: 'cli' });
      const outcome = await completePlacementTest(ctx, test);
      expect(outcome.interrupted).toBe(false);
      report = (await testReport(ctx.db, test.id, { headers: true })) as TestReport;
    });
    afterAll(() => ctx.close());

    it('lands the authenticated mail in INBOX with spf, dkim and dmarc passing, by the receiver and by us', () => {
      for (const n of [1, 2]) {
        const result = seedOf(report, 'good', n);
        expect(result).toMatchObject({ placement: 'inbox', folder: 'INBOX', late: false, error: null });
        expect(result.receiverAuth).toMatchObject({ spf: 'pass', dkim: 'pass', dmarc: 'pass' });
        expect(result.auth).toMatchObject({ spf: 'pass', dkim: 'pass', dmarc: 'pass' });
        expect(result.send.status).toBe('sent');
        expect(result.send.response).toMatch(/^250 /);
        expect(result.spam).toMatchObject({ flag: false });
        expect(result.foldersSearched).toEqual(['Junk', 'INBOX']);
      }
      expect(report.providers.find((p) => p.provider === 'good')?.send).toEqual({ status: 'sent', sent: 2, failed: 0 });
    });

    it('reports the DMARC failure as spam, filed in Junk, with the receiver saying dmarc=fail', () => {
      for (const n of [1, 2]) {
        const result = seedOf(report, 'bad', n);
        expect(result).toMatchObject({ placement: 'spam', folder: 'Junk' });
        expect(result.receiverAuth?.dmarc).toBe('fail');
        expect(result.receiverAuth?.spf).toBe('fail');
        expect(result.auth?.dmarc).toBe('fail');
        expect(result.spam).toMatchObject({ flag: true });
        expect(result.foldersSearched).toEqual(['Junk']);
      }
    });

    it('keeps the evidence: headers, hops with the relay IP, the receiver verdict details', () => {
      const result = seedOf(report, 'good', 1);
      expect(result.evidence?.headers).toContain('X-Inboxwatch-Test: ' + report.test.token);
      expect(result.evidence?.hops.some((h) => h.ip === '127.0.0.2')).toBe(true);
      expect(result.evidence?.receiverAuth?.details).toContainEqual({ method: 'dkim', result: 'pass', domain: 'good.inboxwatch.test', selector: 's1' });
    });

    it('touches nothing: the messages stay unseen in the mailbox', async () => {
      const result = seedOf(report, 'good', 1);
      const copies = await messagesInMailbox(1, 'INBOX', result.messageId);
      expect(copies).toHaveLength(1);
      expect(copies[0]?.flags).not.toContain('\\Seen');
    });

    it('records seed health for the mailboxes it read', async () => {
      const health = await listSeedHealth(ctx.db);
      expect(health.map((h) => h.seed)).toEqual([seed(1).address, seed(2).address]);
      for (const h of health) expect(h).toMatchObject({ consecutiveFailures: 0, lastError: null });
      expect(health.every((h) => h.lastLoginAt !== null)).toBe(true);
    });

    it('serves the test and the rates with Wilson intervals through the API', async () => {
      const app = createApp({ db: ctx.db, tokens: [{ name: 't', token: 'placement-test-token-123', role: 'viewer' }], jobs: [], log: silentLogger });
      const auth = { headers: { authorization: 'Bearer placement-test-token-123' } };
      const list = (await (await app.request('/api/tests', auth)).json()) as { tests: Array<{ id: number; counts: Record<string, number> }> };
      expect(list.tests[0]).toMatchObject({ id: report.test.id, counts: { inbox: 2, spam: 2 } });
      const one = await app.request(`/api/tests/${report.test.id}`, auth);
      expect(one.status).toBe(200);
      const rates = (await (await app.request('/api/placement?groupBy=provider', auth)).json()) as {
        groups: Array<{ key: string; samples: number; inbox: { rate: number; ci95: { low: number; high: number } }; latency: { p50: number | null } }>;
      };
      const good = rates.groups.find((g) => g.key === 'good');
      expect(good).toMatchObject({ samples: 2, inbox: { rate: 1 } });
      expect(good?.inbox.ci95.high).toBe(1);
      expect(good?.inbox.ci95.low).toBeCloseTo(0.3424, 3);
      expect(good?.latency.p50).not.toBeNull();
      expect(rates.groups.find((g) => g.key === 'bad')).toMatchObject({ samples: 2, inbox: { rate: 0 }, spam: { rate: 1 } });
      const bad = await app.request('/api/placement?groupBy=week', auth);
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: string }).error).toMatch(/^groupBy:/);
      expect((await app.request('/api/tests/999999', auth)).status).toBe(404);
      const byMailbox = (await (await app.request('/api/placement?groupBy=mailboxProvider&from=2020-01-01', auth)).json()) as { groups: Array<{ key: string; samples: number }> };
      expect(byMailbox.groups).toEqual([expect.objectContaining({ key: 'other', samples: 4 })]);
      const byDay = (await (await app.request('/api/placement?groupBy=day', auth)).json()) as { groups: Array<{ key: string }> };
      expect(byDay.groups.map((g) => g.key)).toEqual([new Date(report.test.startedAt).toISOString().slice(0, 10)]);
      expect((await app.request('/api/placement?from=yesterday', auth)).status).toBe(400);
      const seeds = (await (await app.request('/api/seeds', auth)).json()) as { seeds: Array<{ seed: string; consecutiveFailures: number }> };
      expect(seeds.seeds.map((s) => s.seed)).toEqual([seed(1).address, seed(2).address]);
      expect(JSON.stringify(seeds)).not.toContain('password');
    });
  });

  describe('drops, delays, refused relays and unreadable mailboxes', () => {
    let report: TestReport;
    let ctx: Awaited<ReturnType<typeof placementContext>>;
    let took: number;

    beforeAll(async () => {
      await setRecipientRule(seed(5).address, { drop: true });
      await setRecipientRule(seed(6).address, { delayMs: 3000 });
      const dir = tempDir();
      const config = worldConfig(dir, {
        providers: [provider('good', { sign: true, dkimKeyFile: dkimKeyFile(dir) }), provider('refused')],
        seeds: [seedEntry(5), seedEntry(6), seedEntry(3, { pass: 'not-the-password' })],
        placement: { timeout: '8s', lateAfter: '2s' },
      });
      ctx = await placementContext(config);
      const started = Date.now();
      const test = await createPlacementTest(ctx, { trigger: 'cli' });
      await completePlacementTest(ctx, test);
      took = Date.now() - started;
      report = (await testReport(ctx.db, test.id)) as TestReport;
    });
    afterAll(async () => {
      await clearRecipientRule(seed(5).address);
      await clearRecipientRule(seed(6).address);
      await ctx.close();
    });

    it('calls a message the MX dropped missing, only after the timeout', () => {
      const result = seedOf(report, 'good', 5);
      expect(result).toMatchObject({ placement: 'missing', folder: null, error: null });
      expect(result.send.status).toBe('sent');
      expect(result.foldersSearched).toEqual(['Junk', 'INBOX']);
      expect(took).toBeGreaterThanOrEqual(8000);
    });

    it('shows the delay the MX added in latencyMs, flagged late past lateAfter', () => {
      const result = seedOf(report, 'good', 6);
      expect(result.placement).toBe('inbox');
      expect(result.latencyMs).toBeGreaterThanOrEqual(2000);
      expect(result.latencyMs).toBeLessThan(6000);
      expect(result.late).toBe(true);
    });

    it('reports a refused relay as a send error and never as missing', () => {
      const refused = report.providers.find((p) => p.provider === 'refused');
      expect(refused?.send).toEqual({ status: 'error', sent: 0, failed: 3 });
      for (const s of refused?.seeds ?? []) {
        expect(s.placement).toBe('send-error');
        expect(s.error).toMatch(/ECONNECTION|ECONNREFUSED/);
      }
    });

    it('reports a seed it cannot log in to as error with the cause, never missing', async () => {
      const result = seedOf(report, 'good', 3);
      expect(result.placement).toBe('error');
      expect(result.error).toMatch(/IMAP login failed/);
      expect(result.error).not.toContain('not-the-password');
      const health = (await listSeedHealth(ctx.db)).find((h) => h.seed === seed(3).address);
      expect(health).toMatchObject({ consecutiveFailures: 1, lastLoginAt: null });
      expect(health?.lastError).toMatch(/IMAP login failed/);
    });
  });
});

describe('placement persistence and clean-up', () => {
  it('resumes a test interrupted after sending, past its deadline, and still finds its messages', async () => {
    const dir = tempDir();
    const config = worldConfig(dir, {
      providers: [provider('good', { sign: true, dkimKeyFile: dkimKeyFile(dir) })],
      seeds: [seedEntry(12)],
      placement: { timeout: '3s', lateAfter: '1s' },
    });
    // Delivery waits 1.5 s at the MX, so the "crash" comes before the message can be found.
    await setRecipientRule(seed(12).address, { delayMs: 1500 });
    const first = await placementContext(config);
    const controller = new AbortController();
    const test = await createPlacementTest(first, { trigger: 'cli' });
    // The process "dies" the moment the send is recorded.
    const watcher = setInterval(() => {
      void first.db.first<{ n: number }>("SELECT COUNT(*) AS n FROM messages WHERE test_id = ? AND send_status = 'sent'", [test.id]).then((row) => {
        if (row?.n === 1) controller.abort();
      });
    }, 5);
    const outcome = await completePlacementTest({ ...first, signal: controller.signal }, test);
    clearInterval(watcher);
    expect(outcome.interrupted).toBe(true);
    await first.close();
    await new Promise((resolve) => setTimeout(resolve, 3500));

    const { openStore } = await import('../../src/node/sqlite-store.js');
    const { startPlacementService } = await import('../../src/node/placement-service.js');
    const { createNodePlacementRuntime } = await import('../../src/node/placement-runtime.js');
    const { resolverForRun } = await import('../../src/node/run-resolver.js');
    const db = await openStore(config.database);
    try {
      const service = startPlacementService({ config, db, log: silentLogger, runtime: createNodePlacementRuntime(), resolver: resolverForRun(config.dns), owner: soleOwner });
      await service.resumed;
      await service.stop();
      const report = (await testReport(db, test.id)) as TestReport;
      expect(report.test.status).toBe('complete');
      expect(seedOf(report, 'good', 12)).toMatchObject({ placement: 'inbox' });
      expect(seedOf(report, 'good', 12).latencyMs).toBeGreaterThanOrEqual(500);
      expect(await messagesInMailbox(12, 'INBOX', seedOf(report, 'good', 12).messageId)).toHaveLength(1);
    } finally {
      await clearRecipientRule(seed(12).address);
      await db.close();
    }
  });

  it('with deleteAfterRead removes only the matched message, after recording it', async () => {
    const dir = tempDir();
    const config = worldConfig(dir, {
      providers: [provider('good', { sign: true, dkimKeyFile: dkimKeyFile(dir) }), provider('bad', { from: FROM.bad })],
      seeds: [seedEntry(11)],
      placement: { deleteAfterRead: true },
    });
    const ctx = await placementContext(config);
    const r = relay('good');
    const bystander = nodemailer.createTransport({ host: r.host, port: r.port, secure: false, auth: { user: r.user, pass: r.password } });
    const other = await bystander.sendMail({ from: 'someone@good.inboxwatch.test', to: seed(11).address, subject: 'not ours', text: 'keep me' });
    bystander.close();
    try {
      const test = await createPlacementTest(ctx, { trigger: 'cli' });
      await completePlacementTest(ctx, test);
      const report = (await testReport(ctx.db, test.id)) as TestReport;
      expect(await messagesInMailbox(11, 'INBOX', other.messageId)).toHaveLength(1);
      const good = seedOf(report, 'good', 11);
      const bad = seedOf(report, 'bad', 11);
      expect(good.placement).toBe('inbox');
      expect(bad.placement).toBe('spam');
      expect(await messagesInMailbox(11, 'INBOX', good.messageId)).toEqual([]);
      expect(await messagesInMailbox(11, 'Junk', bad.messageId)).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it('records a message that arrives after the timeout as late in its own test, found by the next scheduled run', async () => {
    await setRecipientRule(seed(10).address, { delayMs: 4000 });
    const dir = tempDir();
    const config = worldConfig(dir, {
      providers: [provider('good', { sign: true, dkimKeyFile: dkimKeyFile(dir) })],
      seeds: [seedEntry(10)],
      placement: { timeout: '2s', lateAfter: '1s' },
    });
    const ctx = await placementContext(config);
    try {
      const first = await createPlacementTest(ctx, { trigger: 'cli' });
      await completePlacementTest(ctx, first);
      expect(seedOf((await testReport(ctx.db, first.id)) as TestReport, 'good', 10).placement).toBe('missing');
      await clearRecipientRule(seed(10).address);
      await new Promise((resolve) => setTimeout(resolve, 3000));

      const { createPlacementJob } = await import('../../src/placement/job.js');
      const result = await createPlacementJob(ctx.runtime).run({ config, db: ctx.db, resolver: ctx.resolver, log: silentLogger, signal: new AbortController().signal, now: Date.now, owner: ctx.owner });
      expect(result.summary).toMatch(/^test #\d+: 1 inbox of 1$/);
      const late = seedOf((await testReport(ctx.db, first.id)) as TestReport, 'good', 10);
      expect(late).toMatchObject({ placement: 'inbox', late: true });
      expect(late.latencyMs).toBeGreaterThanOrEqual(3000);
    } finally {
      await clearRecipientRule(seed(10).address);
      await ctx.close();
    }
  });
});
