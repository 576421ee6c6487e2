import { saveAudit } from '../../src/audit/store.js';
import { check, type Check, type DomainAudit } from '../../src/audit/types.js';
import { recordSweep } from '../../src/blocklists/store.js';
import type { CurrentStatus } from '../../src/blocklists/history.js';
import { createTest, messagesOf, saveVerdict, setTestStatus } from '../../src/placement/store.js';
import type { AuthVerdicts, Placement } from '../../src/placement/types.js';
import type { Sql } from '../../src/store/sql.js';
import { claimNext, enqueueStatements, recordDelivery, recordFailure, saveIncidentStatement } from '../../src/alerts/store.js';
import type { IncidentDraft } from '../../src/alerts/incidents.js';
import type { Evidence, Notification, NotificationKind } from '../../src/alerts/types.js';
import { DEFAULT_LIMITS } from '../../src/config/report-limits.js';
import { silentLogger } from '../../src/log.js';
import { ingest } from '../../src/reports/ingest.js';
import { saveSource, type SourceInfo } from '../../src/reports/store.js';
import { aggregateXml, feedbackReport, gzip, tlsReportJson, type RecordSpec } from './reports.js';

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

type IncidentSeed = Omit<IncidentDraft, 'observation' | 'badCount' | 'goodCount' | 'lastFact' | 'startedAt' | 'lastSeenAt'> & {
  id: number;
  since: number;
  summary: string;
  evidence: Evidence[];
  actions: string[];
  link: string;
};

/**
 * Five incidents, one in each state the alerts view tells apart: the SpamCop listing firing (critical),
 * postbox's inbox rate at Outlook firing (warning, not yet acknowledged), the SPF regression silenced, the
 * earlier SpamCop listing resolved six days ago and a failing audit job resolved twenty days ago.
 */
export function incidentSeeds(now: number): IncidentSeed[] {
  const common = { resolvedAt: null, lastNotifiedAt: null, silencedUntil: null, ackedAt: null, ackedBy: null, state: 'firing' as const };
  return [
    {
      ...common,
      id: 1,
      rule: 'blocklist_listed',
      ruleType: 'blocklist_listed',
      key: '198.51.100.7|bl.spamcop.net',
      severity: 'critical',
      title: 'LISTED: 198.51.100.7 on SpamCop',
      since: now - 2 * DAY,
      firedAt: now - 2 * DAY,
      lastNotifiedAt: now - DAY,
      summary: '198.51.100.7 is listed on SpamCop.',
      evidence: [
        { label: 'return code', value: '127.0.0.2' },
        { label: 'reason', value: 'Blocked - see https://www.spamcop.net/bl.shtml?198.51.100.7' },
      ],
      actions: ['Request delisting at https://www.spamcop.net/bl.shtml'],
      link: '/blocklists?target=198.51.100.7',
    },
    {
      ...common,
      id: 2,
      rule: 'outlook-inbox',
      ruleType: 'inbox_rate_below',
      key: 'postbox|outlook',
      severity: 'warning',
      title: 'INBOX RATE: postbox at outlook 43% (below 80%)',
      since: now - 3 * DAY,
      firedAt: now - 3 * DAY,
      lastNotifiedAt: now - 3 * DAY,
      summary: 'Over the last 5 tests 43% of postbox’s messages to outlook reached the inbox.',
      evidence: [
        { label: 'inbox', value: '6 of 14' },
        { label: 'threshold', value: '80%' },
      ],
      actions: [],
      link: '/providers?a=postbox',
    },
    {
      ...common,
      id: 3,
      rule: 'dns_regression',
      ruleType: 'dns_regression',
      key: 'example.com|spf.authorizes',
      severity: 'warning',
      title: 'DNS: example.com spf.authorizes pass → fail',
      since: now - 3 * DAY - 6 * HOUR,
      firedAt: now - 3 * DAY - 6 * HOUR,
      lastNotifiedAt: now - 3 * DAY - 6 * HOUR,
      silencedUntil: now + 20 * HOUR,
      summary: 'SPF does not authorise postbox (198.51.100.7): its mail softfails SPF',
      evidence: [
        { label: 'before', value: 'pass' },
        { label: 'after', value: 'fail' },
      ],
      actions: ['Add include:spf.postbox.test to the SPF record of example.com.'],
      link: '/domains/example.com',
    },
    {
      ...common,
      id: 4,
      rule: 'blocklist_listed',
      ruleType: 'blocklist_listed',
      key: '198.51.100.7|bl.spamcop.net',
      severity: 'critical',
      title: 'LISTED: 198.51.100.7 on SpamCop',
      state: 'resolved',
      since: now - 8 * DAY,
      firedAt: now - 8 * DAY,
      resolvedAt: now - 6 * DAY,
      lastNotifiedAt: now - 6 * DAY,
      summary: '198.51.100.7 was listed on SpamCop.',
      evidence: [{ label: 'return code', value: '127.0.0.2' }],
      actions: [],
      link: '/blocklists?target=198.51.100.7',
    },
    {
      ...common,
      id: 5,
      rule: 'probe_failing',
      ruleType: 'probe_failing',
      key: 'job audit',
      severity: 'warning',
      title: 'FAILING: the audit job (3 runs in a row)',
      state: 'resolved',
      since: now - 21 * DAY,
      firedAt: now - 21 * DAY,
      resolvedAt: now - 20 * DAY,
      summary: 'The audit job failed 3 times in a row: DNS timeout.',
      evidence: [{ label: 'last error', value: 'DNS timeout' }],
      actions: [],
      link: '/settings',
    },
  ];
}

function draftOf(seed: IncidentSeed, now: number): IncidentDraft & { id: number } {
  const { since, summary, evidence, actions, link, ...incident } = seed;
  const observation = { key: seed.key, fact: 'seed', state: 'bad' as const, title: seed.title, summary, since, evidence, actions, link };
  return { ...incident, observation, badCount: 1, goodCount: 0, lastFact: 'seed', startedAt: since, lastSeenAt: seed.resolvedAt ?? now };
}

function alertNotification(incident: IncidentSeed, kind: NotificationKind, at: number): Notification {
  return {
    kind: 'alert',
    createdAt: at,
    dashboardUrl: 'http://127.0.0.1:8080',
    items: [
      {
        kind,
        incidentId: incident.id,
        rule: incident.rule,
        ruleType: incident.ruleType,
        severity: incident.severity,
        key: incident.key,
        title: incident.title,
        summary: incident.summary,
        since: incident.since,
        resolvedAt: kind === 'resolved' ? incident.resolvedAt : null,
        evidence: incident.evidence,
        actions: incident.actions,
        link: incident.link,
      },
    ],
  };
}

/** Queues a notification through the outbox and plays its delivery attempts: true delivered, a string failed with that error. */
async function notify(db: Sql, incident: IncidentSeed, channel: string, kind: NotificationKind, at: number, attempts: Array<true | string>, finalFailure = false): Promise<void> {
  await db.batch(enqueueStatements(channel, alertNotification(incident, kind, at), [incident.id]));
  let time = at;
  for (const [index, attempt] of attempts.entries()) {
    const claimed = await claimNext(db, 'dashboard-seed', time, 60_000);
    if (!claimed) throw new Error(`the seeded ${channel} notification of incident ${incident.id} was not due at ${new Date(time).toISOString()}`);
    if (attempt === true) await recordDelivery(db, claimed.id, 'dashboard-seed', time + 1_000);
    else {
      const last = index === attempts.length - 1;
      await recordFailure(db, claimed.id, 'dashboard-seed', time + 1_000, attempt, last && finalFailure ? undefined : time + 30_000);
    }
    time += 30_000;
  }
}

/** The incidents with the notifications their channels were sent (and the failures on the way). */
async function seedIncidents(db: Sql, now: number): Promise<void> {
  const [listing, inbox, regression, oldListing] = incidentSeeds(now) as [IncidentSeed, IncidentSeed, IncidentSeed, IncidentSeed, IncidentSeed];
  await db.batch(incidentSeeds(now).map((incident) => saveIncidentStatement(draftOf(incident, now), true)));
  // The SpamCop listing: email delivered at once; the webhook answered 503 once, then took it; a repeat a day later.
  await notify(db, listing, 'oncall', 'firing', listing.since, [true]);
  await notify(db, listing, 'hook', 'firing', listing.since, ['HTTP 503 Service Unavailable from hooks.example.test', true]);
  await notify(db, listing, 'oncall', 'repeat', listing.since + DAY, [true]);
  // The inbox-rate drop: email delivered; the webhook refused for good.
  await notify(db, inbox, 'oncall', 'firing', inbox.since, [true]);
  await notify(db, inbox, 'hook', 'firing', inbox.since, ['HTTP 410 Gone from hooks.example.test'], true);
  await notify(db, regression, 'oncall', 'firing', regression.since, [true]);
  await notify(db, oldListing, 'oncall', 'firing', oldListing.since, [true]);
  await notify(db, oldListing, 'oncall', 'resolved', oldListing.resolvedAt ?? now, [true]);
}

/** What reverse DNS says about each reporting source, stored as the enrichment would store it. */
export const REPORT_SOURCES: SourceInfo[] = [
  { ip: '198.51.100.20', status: 'ok', ptr: 'o1.ptr4211.sendgrid.net', fcrdns: true, baseDomain: 'sendgrid.net', label: 'SendGrid', error: null, checkedAt: 0 },
  { ip: '198.51.100.7', status: 'ok', ptr: 'relay.postbox.test', fcrdns: true, baseDomain: 'postbox.test', label: null, error: null, checkedAt: 0 },
  { ip: '209.85.220.41', status: 'ok', ptr: 'mail-sor-f41.google.com', fcrdns: true, baseDomain: 'google.com', label: 'Google', error: null, checkedAt: 0 },
  { ip: '192.0.2.99', status: 'ok', ptr: 'mail.unknown-sender.test', fcrdns: false, baseDomain: 'unknown-sender.test', label: null, error: null, checkedAt: 0 },
  { ip: '203.0.113.66', status: 'ok', ptr: null, fcrdns: false, baseDomain: null, label: null, error: null, checkedAt: 0 },
];

/**
 * One aggregate report from google.com per day for days 1–6 before today (p=none), so over 7 days example.com
 * has 270 messages of which 228 (84.4%) passed DMARC:
 * SendGrid 120 all aligned; postbox 60, SPF failing from 3 days ago (the SPF change) but DKIM aligned;
 * Google 30 forwarded (DKIM only, override "forwarded"); 192.0.2.99 (PTR not forward-confirmed) 24, of
 * which 6 fail both — 75% pass; 203.0.113.66 (no PTR) 36 all failing, 12 a day from 3 days ago, so the daily
 * pass rate falls from 38 of 39 (97.4%) to 38 of 51 (74.5%). p=reject would turn away 42.
 */
function dailyRecords(d: number): RecordSpec[] {
  const pass = { domain: 'example.com', result: 'pass' };
  const dkim = (result: string) => [{ domain: 'example.com', selector: 's1', result }];
  return [
    { ip: '198.51.100.20', count: 20, dkimResults: dkim('pass'), spfResults: [pass] },
    { ip: '198.51.100.7', count: 10, spf: d <= 3 ? 'fail' : 'pass', dkimResults: dkim('pass'), spfResults: [{ domain: 'example.com', result: d <= 3 ? 'softfail' : 'pass' }] },
    { ip: '209.85.220.41', count: 5, spf: 'fail', reasons: [{ type: 'forwarded' }], dkimResults: dkim('pass'), spfResults: [{ domain: 'gmail.com', result: 'pass' }] },
    { ip: '192.0.2.99', count: 3, dkim: 'fail', dkimResults: [], spfResults: [pass] },
    { ip: '192.0.2.99', count: 1, dkim: 'fail', spf: 'fail', dkimResults: [], spfResults: [{ domain: 'example.com', result: 'fail' }] },
    ...(d <= 3
      ? [{ ip: '203.0.113.66', count: 12, dkim: 'fail', spf: 'fail', dkimResults: [{ domain: 'example.com', selector: 'forged', result: 'fail' }], spfResults: [{ domain: 'example.com', result: 'fail' }] }]
      : []),
  ];
}

/** Aggregate reports, an SMTP TLS report, a failure report and a broken file, through the same ingest path a mailbox uses. */
async function seedReports(db: Sql, today: number): Promise<void> {
  for (const source of REPORT_SOURCES) await saveSource(db, { ...source, checkedAt: today - 7 * DAY });
  const deps = (receivedAt: number) => ({
    db,
    // Every source is known already, so ingesting looks nothing up; a lookup would be a bug in the seed.
    resolver: { query: () => Promise.reject(new Error('the dashboard seed looks nothing up')) },
    log: silentLogger,
    limits: DEFAULT_LIMITS,
    now: () => receivedAt,
  });
  for (let d = 6; d >= 1; d--) {
    const begin = today - d * DAY;
    const xml = aggregateXml({
      org: 'google.com',
      reportId: `seed-${d}`,
      domain: 'example.com',
      begin: String(begin / 1000),
      end: String((begin + DAY) / 1000 - 1),
      policy: { p: 'none', sp: 'none', pct: '100' },
      records: dailyRecords(d),
    });
    const outcome = await ingest(deps(begin + DAY + 2 * HOUR), { name: `google.com!example.com!${begin / 1000}.xml.gz`, source: 'imap', bytes: gzip(xml) });
    if (outcome.status !== 'stored') throw new Error(`seed report ${d} was not stored: ${outcome.error ?? outcome.status}`);
  }
  const tlsDay = today - 2 * DAY;
  const tls = tlsReportJson({ domain: 'example.com', reportId: 'seed-tls', failures: 3, start: new Date(tlsDay).toISOString(), end: new Date(tlsDay + DAY - 1_000).toISOString() });
  const stored = await ingest(deps(tlsDay + DAY + HOUR), { name: 'tls-report.json', source: 'imap', bytes: new TextEncoder().encode(tls) });
  if (stored.status !== 'stored') throw new Error(`seed TLS report was not stored: ${stored.error ?? stored.status}`);
  const failure = await ingest(deps(today - 2 * DAY + 5 * HOUR), {
    name: 'failure-report.eml',
    source: 'imap',
    feedback: feedbackReport({ domain: 'example.com', ip: '203.0.113.66', selector: 'forged' }),
    originalHeaders: 'From: "Example Billing" <billing@example.com>\r\nSubject: Your invoice is overdue\r\nMessage-ID: <forged-1@203.0.113.66>\r\n',
  });
  if (failure.status !== 'stored') throw new Error(`seed failure report was not stored: ${failure.error ?? failure.status}`);
  const broken = await ingest(deps(today - DAY + 3 * HOUR), { name: 'truncated.xml', source: 'imap', bytes: new TextEncoder().encode('<?xml version="1.0"?><feedback><report_metadata><org_name>broken.example') });
  if (broken.status !== 'rejected') throw new Error('the broken seed report was not rejected');
}

/** A small, fully known history for the dashboard tests: placement, audits, blocklists, incidents and DMARC reports. */
export async function seedDashboard(db: Sql, now: number): Promise<void> {
  const today = now - (now % DAY);
  await seedPlacement(db, today);
  await seedAudits(db, today);
  await seedBlocklists(db, now);
  await seedIncidents(db, now);
  await seedReports(db, today);
}
