import { saveAudit } from '../../src/audit/store.js';
import { check, type Check, type DomainAudit } from '../../src/audit/types.js';
import { recordSweep } from '../../src/blocklists/store.js';
import type { CurrentStatus } from '../../src/blocklists/history.js';
import { createTest, messagesOf, saveVerdict, setTestStatus } from '../../src/placement/store.js';
import type { AuthVerdicts, Placement } from '../../src/placement/types.js';
import type { Sql } from '../../src/store/sql.js';
import { saveIncidentStatement } from '../../src/alerts/store.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

export const SEEDS = [
  { seed: 'gmail-1@seeds.test', mailboxProvider: 'gmail' },
  { seed: 'gmail-2@seeds.test', mailboxProvider: 'gmail' },
  { seed: 'outlook-1@seeds.test', mailboxProvider: 'outlook' },
  { seed: 'outlook-2@seeds.test', mailboxProvider: 'outlook' },
  { seed: 'yahoo-1@seeds.test', mailboxProvider: 'yahoo' },
] as const;

export const PROVIDERS = ['acme-esp', 'postbox'] as const;

/**
 * Where each message lands, d days before today. acme-esp: inbox, but gmail-2 gets the Promotions tab on
 * even days. postbox: Outlook files it as spam from 3 days ago (the day its SPF changed), and yahoo-1 never
 * saw today's message. Over the last 7 days that is, e.g., acme-esp at Gmail 10 of 14 in the inbox (71%).
 */
export function placementOf(provider: string, seed: string, d: number): Placement {
  if (provider === 'acme-esp') return seed === 'gmail-2@seeds.test' && d % 2 === 0 ? 'promotions' : 'inbox';
  if (seed.startsWith('outlook') && d <= 3) return 'spam';
  if (seed === 'yahoo-1@seeds.test' && d === 0) return 'missing';
  return 'inbox';
}

export function latencyOf(provider: string, seedIndex: number): number {
  return (provider === 'acme-esp' ? 4_000 : 20_000) + seedIndex * 1_000;
}

const auth = (by: string, spf: 'pass' | 'fail' | 'softfail'): AuthVerdicts => ({
  by,
  summary: { spf, dkim: 'pass', dmarc: spf === 'pass' ? 'pass' : 'fail' },
  details: [
    { method: 'spf', result: spf, domain: 'mail.example.com' },
    { method: 'dkim', result: 'pass', domain: 'example.com', selector: 's1' },
    { method: 'dmarc', result: spf === 'pass' ? 'pass' : 'fail', domain: 'example.com' },
  ],
});

function headersFor(provider: string, seed: string, messageId: string, at: number, spf: string): string {
  const date = (ms: number) => new Date(ms).toUTCString().replace('GMT', '+0000');
  return [
    `Authentication-Results: mx.${seed.split('@')[1]}; spf=${spf} smtp.mailfrom=bounce@mail.example.com; dkim=pass header.d=example.com header.s=s1; dmarc=${spf === 'pass' ? 'pass' : 'fail'} header.from=example.com`,
    `Received: from relay.${provider}.test (relay.${provider}.test [198.51.100.7]) by mx.seeds.test with ESMTPS id 4Qx (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384); ${date(at + 2_000)}`,
    `Received: from app.example.com (app.example.com [203.0.113.5]) by relay.${provider}.test with ESMTPSA id 9f1; ${date(at)}`,
    `Message-ID: <${messageId}>`,
    'From: Example Newsletter <news@example.com>',
    `To: <${seed}>`,
    'Subject: inboxwatch placement test',
    'X-Spam-Status: No, score=1.2 required=5.0 tests=DKIM_SIGNED,SPF_PASS',
    '',
  ].join('\r\n');
}

/** Placement tests over the last ten days, one a day at noon UTC, with full evidence on every verdict. */
async function seedPlacement(db: Sql, today: number): Promise<void> {
  for (let d = 9; d >= 0; d--) {
    const startedAt = today - d * DAY - 12 * HOUR;
    const test = await createTest(db, {
      token: `seed${d}`,
      owner: 'dashboard-seed',
      trigger: 'schedule',
      startedAt,
      deadlineAt: startedAt + HOUR,
      lateAfterMs: 15 * 60_000,
      providers: [...PROVIDERS],
      messages: PROVIDERS.flatMap((provider) =>
        SEEDS.map((s) => ({ provider, seed: s.seed, mailboxProvider: s.mailboxProvider, messageId: `${provider}.${d}.${s.seed}`, fromAddress: 'news@example.com' })),
      ),
    });
    for (const message of await messagesOf(db, test.id)) {
      const seedIndex = SEEDS.findIndex((s) => s.seed === message.seed);
      const placement = placementOf(message.provider, message.seed, d);
      const latency = latencyOf(message.provider, seedIndex);
      await db.run("UPDATE messages SET send_status = 'sent', sent_at = ?, response = '250 2.0.0 queued as 9f1' WHERE id = ?", [startedAt + 500, message.id]);
      const spf = message.provider === 'postbox' && d <= 3 ? 'softfail' : 'pass';
      if (placement === 'missing') {
        await saveVerdict(db, { message, testStartedAt: startedAt, decidedAt: startedAt + HOUR, placement: 'missing', foldersSearched: ['INBOX', 'Junk'] });
        continue;
      }
      const folder = placement === 'spam' ? 'Junk' : 'INBOX';
      await saveVerdict(db, {
        message,
        testStartedAt: startedAt,
        decidedAt: startedAt + latency + 1_000,
        localAuth: auth('inboxwatch', spf === 'pass' ? 'pass' : 'fail'),
        found: {
          placement,
          folder,
          labels: placement === 'promotions' ? ['\\Inbox', 'CATEGORY_PROMOTIONS'] : [],
          foldersSearched: ['INBOX', 'Junk'],
          arrivedAt: startedAt + latency,
          receivedAt: startedAt + latency,
          latencyMs: latency,
          latencySource: 'internaldate',
          latencyErrorMs: 1_000,
          latencyLowMs: latency - 1_000,
          latencyHighMs: latency,
          clockSkewMs: 0,
          late: false,
          receiverAuth: auth(`mx.${message.seed.split('@')[1]}`, spf === 'pass' ? 'pass' : 'softfail'),
          spam: { flag: placement === 'spam', score: placement === 'spam' ? 6.3 : 1.2, required: 5, tests: ['DKIM_SIGNED', spf === 'pass' ? 'SPF_PASS' : 'SPF_SOFTFAIL'], headers: {} },
          hops: [
            { from: `relay.${message.provider}.test`, ip: '198.51.100.7', by: 'mx.seeds.test', with: 'ESMTPS', tls: true, tlsVersion: 'TLS1_3', at: startedAt + 2_000 },
            { from: 'app.example.com', ip: '203.0.113.5', by: `relay.${message.provider}.test`, with: 'ESMTPSA', tls: true, at: startedAt },
          ],
          receivingHop: null,
          returnPath: 'bounce@mail.example.com',
          headers: headersFor(message.provider, message.seed, message.messageId, startedAt, spf),
          observedAt: startedAt + latency + 800,
        },
      });
    }
    await setTestStatus(db, test.id, 'complete', startedAt + HOUR);
  }
}

function audit(domain: string, at: number, spf: string, checks: Check[]): DomainAudit {
  return {
    domain,
    startedAt: at,
    finishedAt: at + 1_500,
    checks,
    records: {
      spf: { name: domain, records: [spf] },
      dmarc: { name: `_dmarc.${domain}`, records: ['v=DMARC1; p=quarantine; rua=mailto:dmarc@example.com'] },
    },
  };
}

/** example.com passes until three days ago, when its SPF record lost the postbox include and began to fail. */
async function seedAudits(db: Sql, today: number): Promise<void> {
  const goodSpf = 'v=spf1 include:_spf.acme-esp.test include:spf.postbox.test -all';
  const badSpf = 'v=spf1 include:_spf.acme-esp.test -all';
  const passing = (spf: string) => [
    check('spf.record', 'pass', `SPF record found: ${spf}`, { evidence: { record: spf } }),
    check('dkim.key', 'pass', 'DKIM key s1 is a 2048-bit RSA key', { subject: 's1', evidence: { bits: 2048 } }),
    check('dmarc.policy', 'warn', 'DMARC policy is quarantine, not reject', {
      evidence: { record: 'v=DMARC1; p=quarantine' },
      remediation: 'Move to p=reject once reports show all your mail aligned.',
    }),
  ];
  for (let d = 9; d >= 4; d--) await saveAudit(db, audit('example.com', today - d * DAY - 6 * HOUR, goodSpf, passing(goodSpf)));
  for (let d = 3; d >= 0; d--) {
    await saveAudit(
      db,
      audit('example.com', today - d * DAY - 6 * HOUR, badSpf, [
        check(
          'spf.authorizes',
          'fail',
          'SPF does not authorise postbox (198.51.100.7): its mail softfails SPF',
          { evidence: { record: badSpf, ip: '198.51.100.7' }, remediation: 'Add include:spf.postbox.test to the SPF record of example.com.' },
        ),
        ...passing(badSpf).slice(1),
      ]),
    );
  }
  await saveAudit(db, audit('shop.example', today - DAY, 'v=spf1 mx -all', [check('spf.record', 'pass', 'SPF record found', { evidence: { record: 'v=spf1 mx -all' } })]));
}

type Cell = Omit<CurrentStatus, 'lastKnown' | 'lastKnownCodes' | 'checkedAt'>;

/** Two targets on three lists: a SpamCop listing since two days ago, a lookup error, and an unhealthy list. */
async function seedBlocklists(db: Sql, now: number): Promise<void> {
  const base = { severity: null, allowlisted: false, codes: [], meaning: null, reason: null, delistUrl: null, error: null };
  const cells: Cell[] = [
    { ...base, target: '198.51.100.7', zone: 'zen.spamhaus.org', list: 'Spamhaus ZEN', status: 'clean', since: now - 9 * DAY },
    {
      ...base,
      target: '198.51.100.7',
      zone: 'bl.spamcop.net',
      list: 'SpamCop',
      status: 'listed',
      severity: 'high',
      codes: ['127.0.0.2'],
      meaning: 'listed',
      reason: 'Blocked - see https://www.spamcop.net/bl.shtml?198.51.100.7',
      delistUrl: 'https://www.spamcop.net/bl.shtml',
      since: now - 2 * DAY,
    },
    { ...base, target: '198.51.100.7', zone: 'b.barracudacentral.org', list: 'Barracuda', status: 'error', error: 'timeout after 2000 ms', since: now - HOUR },
    { ...base, target: 'example.com', zone: 'dbl.spamhaus.org', list: 'Spamhaus DBL', status: 'clean', since: now - 9 * DAY },
    { ...base, target: 'example.com', zone: 'multi.surbl.org', list: 'SURBL', status: 'clean', since: now - 9 * DAY },
  ];
  const event = (at: number, event: 'listed' | 'delisted', toStatus: 'listed' | 'clean', reason: string | null) => ({
    at,
    target: '198.51.100.7',
    zone: 'bl.spamcop.net',
    event,
    fromStatus: toStatus === 'listed' ? ('clean' as const) : ('listed' as const),
    toStatus,
    severity: toStatus === 'listed' ? ('high' as const) : null,
    codes: toStatus === 'listed' ? ['127.0.0.2'] : [],
    meaning: toStatus === 'listed' ? 'listed' : null,
    reason,
    error: null,
  });
  await recordSweep(db, {
    at: now - 5 * 60_000,
    complete: true,
    statuses: cells.map((c) => ({ ...c, lastKnown: c.status === 'error' ? 'clean' : c.status, lastKnownCodes: c.codes, checkedAt: now - 5 * 60_000 })),
    health: [
      { zone: 'zen.spamhaus.org', list: 'Spamhaus ZEN', healthy: true, cause: null, since: now - 9 * DAY, checkedAt: now - 5 * 60_000 },
      { zone: 'bl.spamcop.net', list: 'SpamCop', healthy: true, cause: null, since: now - 9 * DAY, checkedAt: now - 5 * 60_000 },
      { zone: 'b.barracudacentral.org', list: 'Barracuda', healthy: false, cause: 'test point 127.0.0.2 not listed: the list answers nothing', since: now - HOUR, checkedAt: now - 5 * 60_000 },
      { zone: 'dbl.spamhaus.org', list: 'Spamhaus DBL', healthy: true, cause: null, since: now - 9 * DAY, checkedAt: now - 5 * 60_000 },
      { zone: 'multi.surbl.org', list: 'SURBL', healthy: true, cause: null, since: now - 9 * DAY, checkedAt: now - 5 * 60_000 },
    ],
    events: [
      event(now - 8 * DAY, 'listed', 'listed', 'Blocked - see https://www.spamcop.net/bl.shtml?198.51.100.7'),
      event(now - 6 * DAY, 'delisted', 'clean', null),
      event(now - 2 * DAY, 'listed', 'listed', 'Blocked - see https://www.spamcop.net/bl.shtml?198.51.100.7'),
    ],
  });
}

/** The incident the blocklist_listed rule keeps open for the SpamCop listing. */
async function seedIncident(db: Sql, now: number): Promise<void> {
  const title = 'LISTED: 198.51.100.7 on SpamCop';
  const since = now - 2 * DAY;
  const observation = { key: '198.51.100.7|bl.spamcop.net', fact: 'seed', state: 'bad' as const, title, summary: '198.51.100.7 is listed on SpamCop.', since, evidence: [], actions: [], link: '/blocklists' };
  await db.batch([
    saveIncidentStatement(
      {
        id: 1,
        rule: 'blocklist_listed',
        ruleType: 'blocklist_listed',
        key: observation.key,
        severity: 'critical',
        state: 'firing',
        title,
        observation,
        badCount: 1,
        goodCount: 0,
        lastFact: 'seed',
        startedAt: since,
        firedAt: since,
        resolvedAt: null,
        lastSeenAt: now,
        lastNotifiedAt: since,
        silencedUntil: null,
        ackedAt: null,
        ackedBy: null,
      },
      true,
    ),
  ]);
}

/** A small, fully known history for the dashboard tests: placement, audits, blocklists and one incident. */
export async function seedDashboard(db: Sql, now: number): Promise<void> {
  const today = now - (now % DAY);
  await seedPlacement(db, today);
  await seedAudits(db, today);
  await seedBlocklists(db, now);
  await seedIncident(db, now);
}
