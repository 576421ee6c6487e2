import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import { parseAggregate } from '../../src/reports/aggregate.js';
import { createAuditJob } from '../../src/audit/job.js';
import { listAudits } from '../../src/audit/store.js';
import { configSchema } from '../../src/config/schema.js';
import { resolverForRun } from '../../src/node/run-resolver.js';
import { silentLogger } from '../../src/log.js';
import { createMailauthToolkit } from '../../src/node/mailauth-audit.js';
import { importBytes } from '../../src/node/reports/report-files.js';
import { reportArrivals, reportDays, windowSources } from '../../src/reports/dmarc-facts.js';
import { ingest, type IngestDeps } from '../../src/reports/ingest.js';
import { listRejected, selectorsSeen, storeAggregate } from '../../src/reports/store.js';
import { DEFAULT_LIMITS } from '../../src/config/report-limits.js';
import type { SourcesView } from '../../src/reports/views.js';
import { openStore } from '../../src/node/sqlite-store.js';
import type { Sql } from '../../src/store/sql.js';
import { aggregateXml, billionLaughs, failureReportMessage, gzip, tlsReportJson, zip, zipBomb, type RecordSpec } from '../support/reports.js';
import { world } from '../world/context.js';
import { soleOwner } from '../support/owner.js';

const DAY = 86_400_000;
const BEGIN = Date.UTC(2026, 0, 1) / 1000;
const encode = (text: string) => new TextEncoder().encode(text);

// Three sources on the world's DNS: SES (forward-confirmed, a known sender), an own server whose PTR does not
// resolve back, and a forger with no PTR at all.
const SES: RecordSpec = { ip: '203.0.113.7', count: 900, dkimResults: [{ domain: 'reports.test', selector: 'mystery2024', result: 'pass' }] };
const OWN: RecordSpec = { ip: '203.0.113.8', count: 90, dkim: 'fail', spf: 'pass', dkimResults: [{ domain: 'reports.test', selector: null, result: 'fail' }] };
const FORGER: RecordSpec = { ip: '203.0.113.9', count: 10, dkim: 'fail', spf: 'fail', disposition: 'none', dkimResults: [{ domain: 'reports.test', selector: 'fake', result: 'fail' }], spfResults: [{ domain: 'forger.example', result: 'fail' }] };
const LIST: RecordSpec = { ip: '203.0.113.9', count: 5, dkim: 'fail', spf: 'fail', disposition: 'none', reasons: [{ type: 'mailing_list' }] };

describe('DMARC reports: stored once, enriched, viewed, audited', () => {
  let dir: string;
  let db: Sql;
  let deps: IngestDeps;
  const now = () => Date.UTC(2026, 0, 3);
  const count = async (table: string) => (await db.first<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))?.n ?? -1;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'iw-reports-'));
    db = await openStore(join(dir, 'inboxwatch.db'));
    deps = { db, log: silentLogger, resolver: resolverForRun({ servers: [world().dns.server], timeoutMs: 1000, tries: 2, cacheMaxTtl: 0 }), limits: DEFAULT_LIMITS, now };
  });
  afterAll(() => db.close());

  it('stores a report once, whatever container it comes in again', async () => {
    const xml = aggregateXml({ reportId: '<weekly-1@example.net>', begin: String(BEGIN), end: String(BEGIN + 86_399), records: [SES, OWN, FORGER, LIST] });
    const first = await ingest(deps, { name: 'a.xml.gz', source: 'cli', bytes: gzip(xml) });
    expect(first).toMatchObject({ status: 'stored', kind: 'aggregate', org: 'example.net', reportId: 'weekly-1@example.net', domain: 'reports.test', records: 4, messages: 1005, error: null });
    const again = await ingest(deps, { name: 'a.zip', source: 'imap', bytes: zip('a.xml', xml) });
    expect(again.status).toBe('duplicate');
    expect(await count('dmarc_reports')).toBe(1);
    expect(await count('dmarc_rows')).toBe(4);
  });

  it('looks each source up once: PTR, forward confirmation, base domain, known sender', async () => {
    const sources = await db.all<{ ip: string; status: string; ptr: string | null; fcrdns: number | null; base_domain: string | null; label: string | null }>('SELECT ip, status, ptr, fcrdns, base_domain, label FROM report_sources ORDER BY ip');
    expect(sources).toEqual([
      { ip: '203.0.113.7', status: 'ok', ptr: 'a7-1.smtp-out.amazonses.com', fcrdns: 1, base_domain: 'amazonses.com', label: 'Amazon SES' },
      { ip: '203.0.113.8', status: 'ok', ptr: 'mail.reports.test', fcrdns: 0, base_domain: 'reports.test', label: null },
      { ip: '203.0.113.9', status: 'ok', ptr: null, fcrdns: 0, base_domain: null, label: null },
    ]);
  });

  it('splits a weekly report into days and keeps every message', async () => {
    const xml = aggregateXml({ org: 'weekly.example', reportId: 'w-1', begin: String(BEGIN - 7 * 86_400), end: String(BEGIN), records: [{ ...SES, count: 70 }] });
    expect((await ingest(deps, { name: 'weekly.xml', source: 'cli', bytes: encode(xml) })).status).toBe('stored');
    const days = await db.all<{ day: number; count: number }>("SELECT r.day, r.count FROM dmarc_rows r JOIN dmarc_reports p ON p.id = r.report WHERE p.org = 'weekly.example' ORDER BY r.day");
    expect(days).toHaveLength(7);
    expect(days.every((d) => d.count === 10)).toBe(true);
    expect(days[0]?.day).toBe(BEGIN * 1000 - 7 * DAY);
  });

  it('refuses a zip bomb and a billion-laughs file, storing nothing of them', async () => {
    const before = { reports: await count('dmarc_reports'), rows: await count('dmarc_rows') };
    const bomb = await ingest(deps, { name: 'bomb.zip', source: 'upload', bytes: zipBomb(16) });
    const laughs = await ingest(deps, { name: 'laughs.xml', source: 'upload', bytes: encode(billionLaughs()) });
    expect(bomb).toMatchObject({ status: 'rejected', kind: null });
    expect(bomb.error).toMatch(/decompression bomb/);
    expect(laughs.error).toMatch(/DTD or entity declarations/);
    expect({ reports: await count('dmarc_reports'), rows: await count('dmarc_rows') }).toEqual(before);
    const kept = await db.all<{ name: string; content: Uint8Array | null }>("SELECT name, content FROM report_intake WHERE name IN ('bomb.zip', 'laughs.xml')");
    expect(kept.map((k) => [k.name, k.content])).toEqual([['bomb.zip', null], ['laughs.xml', null]]);
  });

  it('keeps a report that fails to parse, with its content, and lists it', async () => {
    const broken = aggregateXml({ reportId: 'broken', records: [SES] }).replace('<source_ip>203.0.113.7</source_ip>', '<source_ip>300.1.1.1</source_ip>');
    const outcome = await ingest(deps, { name: 'broken.xml', source: 'imap', bytes: encode(broken) });
    expect(outcome.error).toMatch(/record\[0\]\.row\.source_ip: "300\.1\.1\.1" is not an IP address/);
    const rejected = await listRejected(db);
    expect(rejected.find((r) => r.name === 'broken.xml')).toMatchObject({ source: 'imap', kept: true });
    expect(rejected.find((r) => r.name === 'bomb.zip')).toMatchObject({ kept: false });
  });

  it('stores TLS and failure reports', async () => {
    const tls = await ingest(deps, { name: 'tls.json.gz', source: 'cli', bytes: gzip(tlsReportJson()) });
    expect(tls).toMatchObject({ status: 'stored', kind: 'tls', domain: 'reports.test', records: 1, messages: 123 });
    expect((await ingest(deps, { name: 'tls-again.json', source: 'cli', bytes: encode(tlsReportJson()) })).status).toBe('duplicate');
    const [failure] = await importBytes(deps, 'failure.eml', encode(failureReportMessage('dmarc@reports.test')), 'cli');
    expect(failure).toMatchObject({ status: 'stored', kind: 'failure', domain: 'reports.test', records: 1 });
    const row = await db.first<{ source_ip: string; dkim_selector: string; subject: string }>('SELECT source_ip, dkim_selector, subject FROM failure_reports');
    expect(row).toEqual({ source_ip: '203.0.113.9', dkim_selector: 'old2019', subject: 'Your invoice' });
  });

  it('stores a failure report once when it is resent in another message, and keeps reports of other failed messages', async () => {
    const resent = encode(failureReportMessage('dmarc@reports.test', { messageId: 'failure-1-resent' }));
    const [again] = await importBytes(deps, 'failure-resent.eml', resent, 'imap');
    expect(again).toMatchObject({ status: 'duplicate', kind: 'failure' });
    const other = encode(failureReportMessage('dmarc@reports.test', { messageId: 'failure-2', failedMessageId: 'invoice-2' }));
    const [second] = await importBytes(deps, 'failure-2.eml', other, 'imap');
    expect(second).toMatchObject({ status: 'stored', kind: 'failure' });
    const rows = await db.all<{ message_id: string }>('SELECT message_id FROM failure_reports ORDER BY id');
    expect(rows.map((r) => r.message_id)).toEqual(['<invoice-1@reports.test>', '<invoice-2@reports.test>']);
  });

  it('serves sources by provider and IP: pass rates, alignment failures, overrides, what p=reject would drop', async () => {
    const app = createApp({ db, tokens: [{ name: 'viewer', token: 'viewer-token-123456', role: 'viewer' }], jobs: [], log: silentLogger });
    const get = (path: string) => app.request(path, { headers: { authorization: 'Bearer viewer-token-123456' } });
    const from = BEGIN * 1000;
    const response = await get(`/api/reports/sources?domain=Reports.Test&from=${from}&to=${from + DAY}`);
    expect(response.status).toBe(200);
    const view = (await response.json()) as SourcesView;
    expect(view.totals).toEqual({ messages: 1005, passed: 990, passRate: 990 / 1005, spfFailed: 15, dkimFailed: 105, wouldReject: 15 });
    expect(view.providers.map((p) => [p.provider, p.messages, p.passed])).toEqual([
      ['Amazon SES', 900, 900],
      ['reports.test', 90, 90],
      ['no reverse DNS', 15, 0],
    ]);
    expect(view.sources.map((s) => [s.ip, s.flags])).toEqual([
      ['203.0.113.7', []],
      ['203.0.113.8', ['no-fcrdns']],
      ['203.0.113.9', ['no-ptr', 'unauthenticated']],
    ]);
    expect(view.overrides).toEqual([{ type: 'mailing_list', messages: 5 }]);
    expect(view.wouldReject).toEqual([{ ip: '203.0.113.9', provider: 'no reverse DNS', messages: 15 }]);

    const list = (await (await get(`/api/reports?domain=reports.test&from=${from}&to=${from + DAY}`)).json()) as { aggregate: Array<{ reportId: string; messages: number }>; tls: unknown[]; rejected: Array<{ name: string }> };
    expect(list.aggregate.map((r) => [r.reportId, r.messages])).toEqual([['weekly-1@example.net', 1005], ['w-1', 70]]);
    expect(list.tls).toHaveLength(1);
    expect((await get('/api/reports/sources')).status).toBe(400);
    const broken = list.rejected.find((r) => r.name === 'broken.xml') as unknown as { id: number };
    const content = await get(`/api/reports/rejected/${broken.id}`);
    expect(await content.text()).toContain('<source_ip>300.1.1.1</source_ip>');
    const bomb = list.rejected.find((r) => r.name === 'bomb.zip') as unknown as { id: number };
    expect((await get(`/api/reports/rejected/${bomb.id}`)).status).toBe(404);
    expect(await (await get('/api/reports?from=5&to=1')).json()).toEqual({ error: 'from: must not be after to' });
  });

  it('takes uploads from admins only, within the size limit, and answers 422 for a rejected file', async () => {
    const app = createApp({
      db,
      tokens: [{ name: 'admin', token: 'admin-token-1234567', role: 'admin' }, { name: 'viewer', token: 'viewer-token-123456', role: 'viewer' }],
      jobs: [],
      log: silentLogger,
      reports: { import: (name, bytes) => importBytes(deps, name, bytes, 'upload'), maxUploadBytes: 100_000 },
    });
    const post = (token: string, body: Uint8Array, query = '') => app.request(`/api/reports${query}`, { method: 'POST', body: body as Uint8Array<ArrayBuffer>, headers: { authorization: `Bearer ${token}` } });
    const xml = gzip(aggregateXml({ org: 'upload.example', reportId: 'u-1', records: [SES] }));
    expect((await post('viewer-token-123456', xml)).status).toBe(403);
    const ok = await post('admin-token-1234567', xml, '?name=u-1.xml.gz');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ files: [{ file: 'u-1.xml.gz', status: 'stored', org: 'upload.example' }] });
    expect((await post('admin-token-1234567', encode('hello'))).status).toBe(422);
    expect((await post('admin-token-1234567', new Uint8Array(200_000))).status).toBe(413);
  });

  it('feeds passing DKIM selectors to the audit, and flags a domain whose reports to us stopped', async () => {
    expect(await selectorsSeen(db, 'reports.test')).toEqual(['mystery2024']);
    const config = configSchema.parse({
      database: join(dir, 'inboxwatch.db'),
      dns: { servers: [world().dns.server], timeoutMs: 1000, tries: 2 },
      domains: [{ name: 'reports.test' }, { name: 'quiet.reports.test' }],
      audit: { discoverSelectors: false },
      reports: { address: 'seed21@seeds.inboxwatch.test' },
    });
    // No MTA-STS record is published under reports.test, so no policy is ever fetched.
    const job = createAuditJob({ policyFetcher: () => async () => ({ status: 404, contentType: undefined, body: '' }), toolkit: createMailauthToolkit() });
    // The stored reports arrived "now"; two days and a bit later the quiet domain has still sent none.
    const at = now() + 1000;
    await job.run({ config, db, resolver: deps.resolver, log: silentLogger, signal: new AbortController().signal, now: () => at, owner: soleOwner });
    const checks = async (domain: string) => (await listAudits(db, domain, { limit: 1 }))[0]?.checks ?? [];
    const active = await checks('reports.test');
    expect(active.find((c) => c.id === 'dkim.key' && c.subject === 'mystery2024')?.status).toBe('pass');
    expect(active.find((c) => c.id === 'dmarc.reports_received')).toMatchObject({ status: 'pass' });
    const quiet = (await checks('quiet.reports.test')).find((c) => c.id === 'dmarc.reports_received');
    expect(quiet).toMatchObject({ status: 'warn', message: 'rua sends aggregate reports to seed21@seeds.inboxwatch.test, but none has arrived there' });
    await job.run({ config, db, resolver: deps.resolver, log: silentLogger, signal: new AbortController().signal, now: () => now() + 3 * DAY, owner: soleOwner });
    expect((await checks('reports.test')).find((c) => c.id === 'dmarc.reports_received')).toMatchObject({ status: 'warn', message: expect.stringMatching(/none has arrived in 48 h/) });
  });
});

describe('facts for alert rules', () => {
  it('gives per domain the last arrival, the days up to the newest reported one, and each source of the window with what came before', async () => {
    const db = await openStore(':memory:');
    const resolver = resolverForRun({ servers: [world().dns.server], timeoutMs: 1000, tries: 2, cacheMaxTtl: 0 });
    let clock = Date.UTC(2026, 0, 10);
    const deps: IngestDeps = { db, log: silentLogger, resolver, limits: DEFAULT_LIMITS, now: () => clock };
    try {
      for (let d = 0; d < 5; d++) {
        const begin = BEGIN + d * 86_400;
        const records: RecordSpec[] = [{ ...SES, count: 100 }];
        // The last day: pass rate falls and a new source appears that fails DMARC; the own server came back after two days away.
        // The forger tried once, three days before.
        if (d === 4) records.push({ ...FORGER, count: 100 }, LIST);
        if (d === 1) records.push({ ...FORGER, count: 5 });
        if (d === 1 || d === 4) records.push({ ...OWN, count: 10 });
        clock = (begin + 86_400 + 3600) * 1000;
        await ingest(deps, { name: `d${d}.xml`, source: 'cli', bytes: encode(aggregateXml({ reportId: `day-${d}`, begin: String(begin), end: String(begin + 86_399), records })) });
      }
      const lastDay = (BEGIN + 4 * 86_400) * 1000;
      expect(await reportArrivals(db)).toEqual([{ domain: 'reports.test', lastReportAt: clock }]);
      const [days] = await reportDays(db, 2 * DAY);
      expect(days).toEqual({ domain: 'reports.test', newestDay: lastDay, days: [{ day: lastDay - DAY, messages: 100, passed: 100 }, { day: lastDay, messages: 215, passed: 110 }] });
      const [window] = await windowSources(db, { window: DAY, lookback: 30 * DAY });
      expect(window).toMatchObject({ windowStart: lastDay, oldestDay: BEGIN * 1000 });
      const byIp = new Map(window?.sources.map((s) => [s.ip, s]));
      expect(byIp.get('203.0.113.9')).toMatchObject({
        firstDay: lastDay,
        messages: 105,
        failed: 105,
        // The five the receiver let through as mailing-list mail.
        forwarded: 5,
        lastDayFailed: 105,
        seenBefore: lastDay - 3 * DAY,
        info: { ptr: null, status: 'ok' },
      });
      // OWN passes SPF, so its mail passes DMARC: no lookback asked for it. SES passes too.
      expect(byIp.get('203.0.113.8')).toMatchObject({ messages: 10, failed: 0, seenBefore: null, info: undefined });
      expect(byIp.get('203.0.113.7')).toMatchObject({ messages: 100, failed: 0 });
      // A lookback of two days ends before the forger's first try: it counts as new.
      const [short] = await windowSources(db, { window: DAY, lookback: 2 * DAY });
      expect(short?.sources.find((s) => s.ip === '203.0.113.9')).toMatchObject({ firstDay: lastDay, seenBefore: null });
    } finally {
      await db.close();
    }
  });
});

describe('two writers at once', () => {
  it('stores the same report once and two different reports both, whichever takes an id first', async () => {
    const db = await openStore(':memory:');
    try {
      const same = parseAggregate(aggregateXml({ reportId: 'race-1', records: [SES] }));
      const results = await Promise.all([storeAggregate(db, same, 1), storeAggregate(db, same, 2)]);
      expect(results.map((r) => r.status).sort()).toEqual(['duplicate', 'stored']);
      const other = parseAggregate(aggregateXml({ reportId: 'race-2', records: [SES] }));
      const third = parseAggregate(aggregateXml({ reportId: 'race-3', records: [SES, OWN] }));
      const both = await Promise.all([storeAggregate(db, other, 3), storeAggregate(db, third, 3)]);
      expect(both.map((r) => r.status)).toEqual(['stored', 'stored']);
      expect(await db.all('SELECT report_id, records FROM dmarc_reports ORDER BY id')).toEqual([
        { report_id: 'race-1', records: 1 },
        { report_id: 'race-2', records: 1 },
        { report_id: 'race-3', records: 2 },
      ]);
      expect((await db.first<{ n: number }>('SELECT COUNT(*) AS n FROM dmarc_rows'))?.n).toBe(4);
    } finally {
      await db.close();
    }
  });
});
