import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { listIncidents, listOutbox } from '../../src/alerts/store.js';
import { blocklistsJob } from '../../src/blocklists/job.js';
import { parseConfigText } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { createJobRunner } from '../../src/jobs/runner.js';
import type { Job } from '../../src/jobs/types.js';
import { silentLogger } from '../../src/log.js';
import { startAlerts } from '../../src/node/alerts/index.js';
import { openStore } from '../../src/store/index.js';
import type { Sql } from '../../src/store/sql.js';
import { signatureValid, startHookReceiver, waitForMail, mailIn, type HookReceiver } from '../support/alerts.js';
import { runCli } from '../support/cli.js';
import { startDnsProxy, type DnsProxy } from '../support/dns-proxy.js';
import { placementJob } from '../../src/placement/job.js';
import { provider, seedEntry } from '../support/placement.js';
import { clearRecipientRule, relay, seed, setRecipientRule, world } from '../world/context.js';

/** The alert recipient's mailbox: world seed 20, reserved for this file. */
const RECIPIENT = 20;
const SECRET = 'alerts-test-webhook-secret-0123';
const TARGETS = ['192.0.2.2', '192.0.2.3', '192.0.2.4', '192.0.2.5'];

describe('reputation alerts in the test world', () => {
  let dir: string;
  let configFile: string;
  let db: Sql;
  let hook: HookReceiver;
  let proxy: DnsProxy;
  let clock = Date.now();

  const raw = (dnsServer: string) => ({
    database: join(dir, 'inboxwatch.db'),
    dns: { servers: [dnsServer], timeoutMs: 300, tries: 1 },
    blocklists: { ips: TARGETS, zones: ['zen.spamhaus.org'], retries: 0 },
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
        { type: 'blocklist_listed', channels: ['oncall', 'hook'], severity: 'critical' },
        { type: 'probe_failing', channels: ['hook'] },
      ],
    },
  });
  const configFor = (dnsServer: string): Config => parseConfigText(stringify(raw(dnsServer)), configFile, {});

  /** One sweep as `serve` runs it: the job, then evaluation and delivery of what it stored. */
  const sweep = async (dnsServer: string) => {
    clock += 1000;
    const config = configFor(dnsServer);
    const alerts = startAlerts({ config, db, log: silentLogger, retry: false, now: () => clock });
    const runner = createJobRunner({ config, db, log: silentLogger, now: () => clock, afterRun: alerts.afterRun });
    const outcome = await runner.run(blocklistsJob as Job, 'manual');
    expect(outcome.run.status).toBe('ok');
    await alerts.stop();
    return outcome;
  };
  const hooksOfType = (type: string) => hook.received.flatMap((h) => (h.json.alerts ?? []).filter((a) => a.type === type).map((a) => a.status));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'inboxwatch-alerts-'));
    configFile = join(dir, 'inboxwatch.yaml');
    hook = await startHookReceiver();
    proxy = await startDnsProxy(world().dns.server);
    db = await openStore(join(dir, 'inboxwatch.db'));
  });
  afterAll(async () => {
    await db.close();
    await hook.stop();
    await proxy.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends nothing for a mass listing held as suspect, then one grouped email and one signed webhook once it is confirmed', async () => {
    await sweep(proxy.server);
    expect(await listOutbox(db, { limit: 10 })).toEqual([]);

    await sweep(proxy.server);
    const outbox = await listOutbox(db, { limit: 10 });
    expect(outbox.map((o) => `${o.channel} ${o.status} ${o.attempts}`).sort()).toEqual(['hook delivered 1', 'oncall delivered 1']);

    expect(hook.received).toHaveLength(1);
    const [delivered] = hook.received;
    expect(signatureValid(delivered!, SECRET)).toBe(true);
    expect(signatureValid({ ...delivered!, body: delivered!.body.replace('192.0.2.2', '192.0.2.9') }, SECRET)).toBe(false);
    expect(delivered!.json.alerts?.map((a) => `${a.status} ${a.title}`)).toEqual([
      'firing LISTED: 192.0.2.2 on Spamhaus ZEN (SBL)',
      'firing LISTED: 192.0.2.3 on Spamhaus ZEN (SBL CSS)',
      'firing LISTED: 192.0.2.4 on Spamhaus ZEN (XBL)',
    ]);

    const [mail, ...more] = await waitForMail(RECIPIENT, 1);
    expect(more).toEqual([]);
    expect(mail!.subject).toBe('[inboxwatch] LISTED: 192.0.2.2 on Spamhaus ZEN (SBL) (+2 more)');
    expect(mail!.text).toContain('Listed by SBL, see https://check.spamhaus.org/sbl/query/SBLTEST');
    expect(mail!.text).toContain('127.0.0.2');
    expect(mail!.text).toContain('request removal at https://check.spamhaus.org/');
    expect(mail!.text).toContain('Dashboard: http://127.0.0.1:8080/#blocklists');
    expect(mail!.text).toMatch(/Since: \d{4}-\d\d-\d\d \d\d:\d\d UTC \(/);
    expect(mail!.html).toContain('<h2 style="font-size:18px;margin:4px 0 8px">LISTED: 192.0.2.4 on Spamhaus ZEN (XBL)</h2>');
    writeFileSync(join(tmpdir(), 'inboxwatch-alert-email.html'), mail!.html);
  });

  it('sends nothing new while the listing stays, in this process or in another one started afterwards', async () => {
    await sweep(proxy.server);
    writeFileSync(configFile, stringify(raw(proxy.server)));
    const restarted = await runCli(['--config', configFile, 'run', 'blocklists'], { cwd: dir });
    expect(restarted.stderr).not.toContain('not delivered');
    expect(restarted.code).toBe(0);
    expect(await listOutbox(db, { limit: 10 })).toHaveLength(2);
    expect(hook.received).toHaveLength(1);
    expect(await mailIn(RECIPIENT)).toHaveLength(1);
  });

  it('fires nothing on a DNS timeout, and probe_failing (only) when the list cannot be checked three sweeps in a row', async () => {
    await sweep(world().faultyDns.silent.server);
    await sweep(world().faultyDns.silent.server);
    expect(hook.received).toHaveLength(1);
    expect((await listIncidents(db, { state: 'firing', limit: 10 })).map((i) => i.ruleType)).toEqual(['blocklist_listed', 'blocklist_listed', 'blocklist_listed']);
    await sweep(world().faultyDns.silent.server);
    expect(hook.received).toHaveLength(2);
    expect(hook.received[1]!.json.alerts?.map((a) => `${a.status} ${a.type} ${a.key}`)).toEqual(['firing probe_failing blocklists']);
    expect(await mailIn(RECIPIENT)).toHaveLength(1);
  });

  it('sends one resolve message when a target is delisted, and nothing after', async () => {
    proxy.hide.add('2.2.0.192.zen.spamhaus.org');
    await sweep(proxy.server);
    expect(hook.received).toHaveLength(3);
    expect(hook.received[2]!.json.alerts?.map((a) => `${a.status} ${a.type} ${a.key}`)).toEqual([
      'resolved blocklist_listed 192.0.2.2 zen.spamhaus.org',
      'resolved probe_failing blocklists',
    ]);
    const mail = await waitForMail(RECIPIENT, 2);
    expect(mail.map((m) => m.subject)).toEqual([
      '[inboxwatch] LISTED: 192.0.2.2 on Spamhaus ZEN (SBL) (+2 more)',
      '[inboxwatch] RESOLVED: LISTED: 192.0.2.2 on Spamhaus ZEN (SBL)',
    ]);
    expect(mail[1]!.text).toContain('Cleared at');

    await sweep(proxy.server);
    expect(hook.received).toHaveLength(3);
    expect(await mailIn(RECIPIENT)).toHaveLength(2);
  });

  it('keeps a notification for a webhook that is down and delivers it once when the receiver is back', async () => {
    hook.status = 503;
    proxy.hide.clear();
    await sweep(proxy.server); // 192.0.2.2 listed again: a new incident
    const queued = (await listOutbox(db, { limit: 1 }))[0];
    expect(queued).toMatchObject({ channel: 'hook', status: 'pending', attempts: 1, lastError: expect.stringContaining('HTTP 503') });
    hook.status = 200;
    clock += 31_000;
    const alerts = startAlerts({ config: configFor(proxy.server), db, log: silentLogger, retry: false, now: () => clock });
    expect(await alerts.engine.deliver()).toEqual({ delivered: 1, failed: 0 });
    expect(await alerts.engine.deliver()).toEqual({ delivered: 0, failed: 0 });
    await alerts.stop();
    expect(hook.received).toHaveLength(4);
    expect(hook.received[3]!.json.alerts?.map((a) => `${a.status} ${a.key}`)).toEqual(['firing 192.0.2.2 zen.spamhaus.org']);
  });
});

describe('placement alerts in the test world', () => {
  let dir: string;
  let db: Sql;
  let hook: HookReceiver;

  const config = (): Config =>
    parseConfigText(
      stringify({
        database: join(dir, 'inboxwatch.db'),
        dns: { servers: [world().dns.server], timeoutMs: 1000, tries: 2 },
        providers: [provider('good')],
        seeds: [seedEntry(RECIPIENT)],
        placement: { timeout: '20s', lateAfter: '10s', pollInterval: '1s' },
        alerts: {
          allowPrivateUrls: true,
          channels: [{ name: 'hook', type: 'webhook', url: hook.url, secret: SECRET, retries: 0 }],
          rules: [{ type: 'inbox_rate_below', threshold: 0.8, window: 3, minSamples: 3, provider: 'good', channels: ['hook'] }],
        },
      }),
      join(dir, 'inboxwatch.yaml'),
      {},
    );
  const placementRun = async () => {
    const alerts = startAlerts({ config: config(), db, log: silentLogger, retry: false });
    const runner = createJobRunner({ config: config(), db, log: silentLogger, afterRun: alerts.afterRun });
    const outcome = await runner.run(placementJob, 'manual');
    expect(outcome.run.status).toBe('ok');
    await alerts.stop();
    return outcome.run.summary;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'inboxwatch-alerts-placement-'));
    hook = await startHookReceiver();
    db = await openStore(join(dir, 'inboxwatch.db'));
  });
  afterAll(async () => {
    await clearRecipientRule(seed(RECIPIENT).address);
    await db.close();
    await hook.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fires inbox_rate_below once when the inbox rate over the last three tests drops under the threshold', async () => {
    expect(await placementRun()).toContain('1 inbox of 1');
    await setRecipientRule(seed(RECIPIENT).address, { spam: true });
    expect(await placementRun()).toContain('1 spam of 1');
    // Two of three samples: under minSamples, so nothing is decided yet.
    expect(hook.received).toHaveLength(0);
    await placementRun();
    expect(hook.received).toHaveLength(1);
    expect(signatureValid(hook.received[0]!, SECRET)).toBe(true);
    expect(hook.received[0]!.json.alerts?.map((a) => `${a.status} ${a.type} ${a.key} ${a.title}`)).toEqual([
      'firing inbox_rate_below good INBOX RATE 33.3%: good (below 80%)',
    ]);
    await placementRun();
    expect(hook.received).toHaveLength(1);
  });
});
