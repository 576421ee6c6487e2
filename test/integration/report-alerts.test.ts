import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { listIncidents } from '../../src/alerts/store.js';
import { parseConfigText } from '../../src/config/parse.js';
import { silentLogger } from '../../src/log.js';
import { startAlerts } from '../../src/node/alerts/index.js';
import { resolverForRun } from '../../src/node/run-resolver.js';
import { openStore } from '../../src/node/sqlite-store.js';
import { mailIn, signatureValid, startHookReceiver, waitForMail, type HookReceiver, type ReceivedHook } from '../support/alerts.js';
import { runCli, startServe, type ServeProcess } from '../support/cli.js';
import { aggregateXml, gzip, reportMessage, type RecordSpec } from '../support/reports.js';
import { relay, seed, world } from '../world/context.js';

/** The alert recipient's mailbox: world seed 27, reserved for this file. */
const RECIPIENT = 27;
const SECRET = 'report-alerts-webhook-secret-01';
const TOKEN = 'report-alerts-admin-token-0123456';
const REPORT_FOLDER = 'Reports';
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Report days are recent, as they are in use (the rules say nothing about reports long past): day 3 is yesterday, day 4 today. */
const DAY0 = Math.floor(Date.now() / DAY) * DAY - 4 * DAY;
const BEGIN = DAY0 / 1000;
const dayText = (day: number) => new Date(DAY0 + day * DAY).toISOString().slice(0, 10);

// reports.test (world zone): SPF allows 203.0.113.7 (SES, forward-confirmed PTR); 203.0.113.9 and .10 have no PTR.
const SES = (count: number): RecordSpec => ({ ip: '203.0.113.7', count, dkimResults: [{ domain: 'reports.test', selector: 'mystery2024', result: 'pass' }] });
const SPOOFER = (count: number, ip = '203.0.113.9'): RecordSpec => ({
  ip,
  count,
  dkim: 'fail',
  spf: 'fail',
  dkimResults: [{ domain: 'reports.test', selector: 'fake', result: 'fail' }],
  spfResults: [{ domain: 'spoof.example', result: 'fail' }],
});
/** One day's aggregate report from one reporter. */
const dayReport = (day: number, records: RecordSpec[], org = 'google.com') =>
  gzip(aggregateXml({ org, reportId: `${org}-${day}`, begin: String(BEGIN + day * 86_400), end: String(BEGIN + day * 86_400 + 86_399), records }));

describe('alert rules fed by DMARC reports, in the test world', () => {
  let dir: string;
  let configFile: string;
  let hook: HookReceiver;
  let serve: ServeProcess;

  const raw = () => ({
    database: join(dir, 'inboxwatch.db'),
    server: { tokens: [{ name: 'admin', token: TOKEN, role: 'admin' }] },
    dns: { servers: [world().dns.server], timeoutMs: 1000, tries: 2 },
    domains: [{ name: 'reports.test' }, { name: 'quiet.reports.test' }],
    // The report mailbox is a folder of seed 27 (whose INBOX receives the alert emails); rua points at seed 21.
    reports: { address: seed(21).address, mailbox: REPORT_FOLDER, imap: { host: world().imap.host, port: world().imap.port, secure: false, user: seed(RECIPIENT).address, pass: seed(RECIPIENT).password } },
    schedules: { placement: 'off', audit: 'off', blocklists: 'off', housekeeping: 'off', reports: 'off' },
    alerts: {
      allowPrivateUrls: true,
      dashboardUrl: 'http://127.0.0.1:8080',
      channels: [
        {
          name: 'oncall',
          type: 'email',
          smtp: { host: relay('good').host, port: relay('good').port, secure: false, user: relay('good').user, pass: relay('good').password },
          from: 'inboxwatch <alerts@good.inboxwatch.test>',
          to: [seed(RECIPIENT).address],
        },
        { name: 'hook', type: 'webhook', url: hook.url, secret: SECRET, retries: 0, timeout: '2s' },
      ],
      rules: [
        // No repeats within the test's 49 simulated hours.
        { type: 'dmarc_new_source', channels: ['oncall', 'hook'], severity: 'critical', repeatInterval: '7d' },
        { type: 'dmarc_pass_rate_below', threshold: 0.9, minMessages: 100, channels: ['hook'] },
        { type: 'reports_stopped', channels: ['hook'] },
      ],
    },
  });
  const cli = (...args: string[]) => runCli(['--config', configFile, ...args], { cwd: dir });
  const upload = async (name: string, bytes: Uint8Array) => {
    const response = await fetch(`${serve.url}/api/reports?name=${name}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: bytes });
    return { status: response.status, body: (await response.json()) as { files: Array<{ status: string }> } };
  };
  const alertsOf = (type: string) => hook.received.flatMap((h) => (h.json.alerts ?? []).filter((a) => a.type === type));
  const waitForHooks = async (count: number): Promise<ReceivedHook[]> => {
    const deadline = Date.now() + 15_000;
    while (hook.received.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    return hook.received;
  };
  const withMailbox = async <T>(work: (client: ImapFlow) => Promise<T>): Promise<T> => {
    const client = new ImapFlow({ host: world().imap.host, port: world().imap.port, secure: false, auth: { user: seed(RECIPIENT).address, pass: seed(RECIPIENT).password }, logger: false });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.logout();
    }
  };
  const evidence = (alert: { evidence: Array<{ label: string; value: string }> }) => Object.fromEntries(alert.evidence.map((e) => [e.label, e.value]));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'inboxwatch-report-alerts-'));
    configFile = join(dir, 'inboxwatch.yaml');
    hook = await startHookReceiver();
    writeFileSync(configFile, stringify(raw()));
    await withMailbox((client) => client.mailboxCreate(REPORT_FOLDER));
    // The audit learns where each domain's DMARC record sends its reports.
    const audit = await cli('run', 'audit');
    expect(audit.code, audit.stderr).toBe(0);
    serve = await startServe({ cwd: dir, args: ['--config', configFile] });
  });
  afterAll(async () => {
    await serve?.stop();
    await hook.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('alerts at once when an uploaded report reveals a spoofing source and the pass rate falls, and not before', async () => {
    for (let day = 0; day < 3; day++) {
      expect((await upload(`d${day}.xml.gz`, dayReport(day, [SES(200)]))).status).toBe(200);
    }
    expect(hook.received).toEqual([]);

    const spoofed = await upload('d3.xml.gz', dayReport(3, [SES(200), SPOOFER(150)]));
    expect(spoofed).toMatchObject({ status: 200, body: { files: [{ status: 'stored' }] } });
    // Evaluated before the upload was answered: the incidents are there already.
    const db = await openStore(join(dir, 'inboxwatch.db'));
    try {
      expect((await listIncidents(db, { state: 'firing', limit: 10 })).map((i) => `${i.ruleType} ${i.key}`).sort()).toEqual([
        'dmarc_new_source reports.test 203.0.113.9',
        'dmarc_pass_rate_below reports.test',
      ]);
    } finally {
      await db.close();
    }

    const [delivered, ...more] = await waitForHooks(1);
    expect(more).toEqual([]);
    expect(signatureValid(delivered!, SECRET)).toBe(true);
    expect(delivered!.json.alerts?.map((a) => `${a.status} ${a.title}`)).toEqual([
      'firing NEW UNAUTHENTICATED SOURCE: 203.0.113.9 sending as reports.test',
      'firing DMARC PASS RATE 57.1%: reports.test (below 90%)',
    ]);
    const [source] = alertsOf('dmarc_new_source');
    expect(evidence(source!)).toMatchObject({
      'source IP': '203.0.113.9',
      'reverse DNS': 'no PTR record',
      messages: `150 from ${dayText(3)} to ${dayText(3)}; 150 failed DMARC`,
      'first seen': `${dayText(3)} (nothing from it as reports.test in the 30 days before)`,
    });
    expect(evidence(alertsOf('dmarc_pass_rate_below')[0]!)).toMatchObject({ 'pass rate': `57.1% (200 of 350 messages, ${dayText(3)})`, 'window before': '100% (200 of 200)' });

    const [mail, ...moreMail] = await waitForMail(RECIPIENT, 1);
    expect(moreMail).toEqual([]);
    expect(mail!.subject).toBe('[inboxwatch] NEW UNAUTHENTICATED SOURCE: 203.0.113.9 sending as reports.test');
    expect(mail!.text).toContain('reverse DNS: no PTR record');
    expect(mail!.text).toContain("add it to reports.test's SPF record");
    expect(mail!.text).toContain('p=quarantine and then p=reject');
    expect(mail!.text).toMatch(/Dashboard: http:\/\/127\.0\.0\.1:8080\/alerts\/\d+\n/);
  });

  it('pages nobody for a handful of failing messages, and resolves both incidents once the source is authorised', async () => {
    const before = hook.received.length;
    const fixed = await upload('d4.xml.gz', dayReport(4, [SES(300), { ...SPOOFER(50), dkim: 'pass', dkimResults: [{ domain: 'reports.test', selector: 's1', result: 'pass' }] }, SPOOFER(3, '203.0.113.8')]));
    expect(fixed.status).toBe(200);
    const hooks = await waitForHooks(before + 1);
    expect(hooks.slice(before).flatMap((h) => h.json.alerts?.map((a) => `${a.status} ${a.type} ${a.key}`) ?? [])).toEqual([
      'resolved dmarc_new_source reports.test 203.0.113.9',
      'resolved dmarc_pass_rate_below reports.test',
    ]);
    const mail = await waitForMail(RECIPIENT, 2);
    expect(mail.map((m) => m.subject)).toEqual([
      '[inboxwatch] NEW UNAUTHENTICATED SOURCE: 203.0.113.9 sending as reports.test',
      '[inboxwatch] RESOLVED: NEW UNAUTHENTICATED SOURCE: 203.0.113.9 sending as reports.test',
    ]);
  });

  it('alerts when a report is mailed to the report mailbox that serve watches with IDLE', async () => {
    const before = hook.received.length;
    // Another reporter's report of the same day: 750 of 793 pass, above the 90% floor, so only the new source speaks.
    const report = dayReport(4, [SES(400), SPOOFER(40, '203.0.113.11')], 'outlook.com');
    await withMailbox((client) => client.append(REPORT_FOLDER, reportMessage(seed(21).address, { name: 'outlook.com!reports.test!d4.xml.gz', bytes: report }, 'idle-d4')));
    const hooks = await waitForHooks(before + 1);
    expect(hooks.slice(before).flatMap((h) => h.json.alerts?.map((a) => `${a.status} ${a.title}`) ?? [])).toEqual([
      'firing NEW UNAUTHENTICATED SOURCE: 203.0.113.11 sending as reports.test',
    ]);
  });

  it('alerts from `inboxwatch reports import` too, while serve runs on the same database', async () => {
    const before = hook.received.length;
    const file = join(dir, 'yahoo-d4.xml.gz');
    writeFileSync(file, dayReport(4, [SES(400), SPOOFER(40, '203.0.113.10')], 'yahoo.com'));
    const imported = await cli('reports', 'import', file);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('1 stored, 0 duplicate, 0 rejected');
    const hooks = await waitForHooks(before + 1);
    expect(hooks.slice(before).flatMap((h) => h.json.alerts?.map((a) => `${a.status} ${a.title}`) ?? [])).toEqual([
      'firing NEW UNAUTHENTICATED SOURCE: 203.0.113.10 sending as reports.test',
    ]);
  });

  it('reports_stopped fires for a domain whose rua points at our mailbox once 48 h pass without a report, and resolves when one arrives', async () => {
    await serve.stop();
    const before = hook.received.length;
    const config = parseConfigText(stringify(raw()), configFile, {});
    const db = await openStore(join(dir, 'inboxwatch.db'));
    const evaluateAt = async (now: number) => {
      const alerts = startAlerts({ config, db, log: silentLogger, retry: false, now: () => now, resolver: resolverForRun(config.dns) });
      await alerts.afterRun();
      await alerts.stop();
    };
    try {
      await evaluateAt(Date.now() + 47 * HOUR);
      expect(hook.received.length).toBe(before);
      await evaluateAt(Date.now() + 49 * HOUR);
      await waitForHooks(before + 1);
      const fired = hook.received.slice(before).flatMap((h) => h.json.alerts ?? []);
      // quiet.reports.test also sends rua to our mailbox but never had a report: nothing to say it stopped.
      expect(fired.map((a) => `${a.status} ${a.type} ${a.key}`)).toEqual(['firing reports_stopped reports.test']);
      expect(fired[0]!.title).toBe('REPORTS STOPPED: no DMARC report for reports.test in 49 hours');
      expect(evidence(fired[0]!)).toMatchObject({ rua: `mailto:${seed(21).address}`, 'silent for': '49 hours (alert after 48 hours)' });
      // The same hour again is the same fact: no second message.
      await evaluateAt(Date.now() + 49 * HOUR);
      expect(hook.received.length).toBe(before + 1);
    } finally {
      await db.close();
    }
    const file = join(dir, 'aol-d4.xml.gz');
    writeFileSync(file, dayReport(4, [SES(300)], 'aol.com'));
    expect((await cli('reports', 'import', file)).code).toBe(0);
    const hooks = await waitForHooks(before + 2);
    expect(hooks.slice(before + 1).flatMap((h) => h.json.alerts?.map((a) => `${a.status} ${a.type} ${a.key}`) ?? [])).toEqual(['resolved reports_stopped reports.test']);
    expect((await mailIn(RECIPIENT)).map((m) => m.subject)).toEqual([
      '[inboxwatch] NEW UNAUTHENTICATED SOURCE: 203.0.113.9 sending as reports.test',
      '[inboxwatch] RESOLVED: NEW UNAUTHENTICATED SOURCE: 203.0.113.9 sending as reports.test',
      '[inboxwatch] NEW UNAUTHENTICATED SOURCE: 203.0.113.11 sending as reports.test',
      '[inboxwatch] NEW UNAUTHENTICATED SOURCE: 203.0.113.10 sending as reports.test',
    ]);
  });
});
