import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createApp } from '../../src/api/app.js';
import { createAlertEngine } from '../../src/alerts/engine.js';
import { listIncidents, listOutbox } from '../../src/alerts/store.js';
import { nodeNotifiers } from '../../src/node/alerts/notifiers.js';
import { parseConfigText } from '../../src/config/parse.js';
import type { Config } from '../../src/config/schema.js';
import { createJobRunner } from '../../src/jobs/job-runner.js';
import { findJob } from '../../src/jobs/table.js';
import { silentLogger } from '../../src/log.js';
import { startAlerts } from '../../src/node/alerts/index.js';
import { createNodeRuntime } from '../../src/node/root.js';
import { resolverForRun } from '../../src/node/run-resolver.js';
import { openStore } from '../../src/node/sqlite-store.js';
import type { Sql } from '../../src/store/sql.js';
import { signatureValid, startHookReceiver, waitForMail, mailIn, type HookReceiver } from '../support/alerts.js';
import { runCli, startServe } from '../support/cli.js';
import { freePort } from '../world/ports.js';
import { startDnsProxy, type DnsProxy } from '../support/dns-proxy.js';
import { provider, seedEntry } from '../support/placement.js';
import { clearRecipientRule, relay, seed, setRecipientRule, world } from '../world/context.js';
import { soleOwner } from '../support/owner.js';

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
    const runtime = createNodeRuntime(config);
    const alerts = startAlerts({ config, db, log: silentLogger, retry: false, now: () => clock, resolver: runtime.resolver() });
    const runner = createJobRunner({ config, db, log: silentLogger, now: () => clock, resolver: runtime.resolver, owner: soleOwner, afterRun: alerts.afterRun });
    const outcome = await runner.run(findJob('blocklists', runtime.jobs)!, 'manual');
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
    expect(mail!.text).toMatch(/Dashboard: http:\/\/127\.0\.0\.1:8080\/alerts\/\d+\n/);
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
    const config = configFor(proxy.server);
    const alerts = startAlerts({ config, db, log: silentLogger, retry: false, now: () => clock, resolver: resolverForRun(config.dns) });
    expect(await alerts.engine.deliver()).toEqual({ delivered: 1, failed: 0 });
    expect(await alerts.engine.deliver()).toEqual({ delivered: 0, failed: 0 });
    await alerts.stop();
    expect(hook.received).toHaveLength(4);
    expect(hook.received[3]!.json.alerts?.map((a) => `${a.status} ${a.key}`)).toEqual(['firing 192.0.2.2 zen.spamhaus.org']);
  });

  it('lists incidents over the API and lets an admin silence and acknowledge them', async () => {
    const tokens = [
      { name: 'ops', token: 'alerts-admin-token-0123456789', role: 'admin' as const },
      { name: 'viewer', token: 'alerts-viewer-token-0123456789', role: 'viewer' as const },
    ];
    const app = createApp({ db, tokens, jobs: [], log: silentLogger, now: () => clock });
    const call = (path: string, token: string, body?: unknown) =>
      app.request(path, body === undefined ? { headers: { authorization: `Bearer ${token}` } } : { method: 'POST', body: JSON.stringify(body), headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
    const listed = (await (await call('/api/alerts?state=firing', tokens[1]!.token)).json()) as { incidents: Array<{ id: number; title: string; evidence: unknown[] }> };
    expect(listed.incidents.map((i) => i.title).sort()).toEqual([
      'LISTED: 192.0.2.2 on Spamhaus ZEN (SBL)',
      'LISTED: 192.0.2.3 on Spamhaus ZEN (SBL CSS)',
      'LISTED: 192.0.2.4 on Spamhaus ZEN (XBL)',
    ]);
    expect(listed.incidents[0]).not.toHaveProperty('lastFact');
    const id = listed.incidents.find((i) => i.title.includes('192.0.2.3'))!.id;
    const shown = (await (await call(`/api/alerts/${id}`, tokens[1]!.token)).json()) as { notifications: Array<{ channel: string; status: string }> };
    expect(shown.notifications.map((n) => `${n.channel} ${n.status}`).sort()).toEqual(['hook delivered', 'oncall delivered']);

    expect((await call(`/api/alerts/${id}/ack`, tokens[1]!.token, {})).status).toBe(403);
    const bad = await call(`/api/alerts/${id}/silence`, tokens[0]!.token, { for: 'soon' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'for: expected a duration such as 30m, 2h or 1d' });
    expect((await call(`/api/alerts/${id}/silence`, tokens[0]!.token, { until: clock - 1 })).status).toBe(400);
    expect((await call('/api/alerts/9999/ack', tokens[0]!.token, {})).status).toBe(404);
    const silenced = (await (await call(`/api/alerts/${id}/silence`, tokens[0]!.token, { for: '2h' })).json()) as { incident: { silencedUntil: number } };
    expect(silenced.incident.silencedUntil).toBe(clock + 7_200_000);
    const acked = (await (await call(`/api/alerts/${id}/ack`, tokens[0]!.token, {})).json()) as { incident: { ackedBy: string; ackedAt: number } };
    expect(acked.incident).toMatchObject({ ackedBy: 'ops', ackedAt: clock });

    // A silenced incident that clears resolves without a message.
    proxy.hide.add('3.2.0.192.zen.spamhaus.org');
    const before = hook.received.length;
    await sweep(proxy.server);
    proxy.hide.delete('3.2.0.192.zen.spamhaus.org');
    expect(hook.received.length).toBe(before);
    expect((await listIncidents(db, { state: 'resolved', limit: 20 })).map((i) => i.title)).toContain('LISTED: 192.0.2.3 on Spamhaus ZEN (SBL CSS)');
  });

  it('serves Prometheus metrics to a token holder', async () => {
    const app = createApp({ db, tokens: [{ name: 'prom', token: 'alerts-metrics-token-0123456789', role: 'viewer' }], jobs: [], log: silentLogger });
    expect((await app.request('/metrics')).status).toBe(401);
    const response = await app.request('/metrics', { headers: { authorization: 'Bearer alerts-metrics-token-0123456789' } });
    expect(response.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await response.text();
    expect(text).toContain('# TYPE inboxwatch_blocklist_listed gauge');
    expect(text).toContain('inboxwatch_blocklist_listed{target="192.0.2.2",zone="zen.spamhaus.org",list="Spamhaus ZEN",severity="high"} 1');
    expect(text).toContain('inboxwatch_alert_incidents_open{rule="blocklist_listed",severity="critical"} 2');
    expect(text).toMatch(/inboxwatch_job_runs\{job="blocklists",status="ok"\} \d+/);
    expect(text).toContain('inboxwatch_alert_notifications{status="delivered"}');
  });

  it('sends a test notification through a channel from the CLI, and refuses an unknown channel', async () => {
    const before = hook.received.length;
    const sent = await runCli(['--config', configFile, 'alerts', 'test', 'hook'], { cwd: dir });
    expect(sent.stdout).toBe('hook: test notification delivered\n');
    expect(sent.code).toBe(0);
    expect(hook.received.slice(before).map((h) => [h.json.kind, signatureValid(h, SECRET)])).toEqual([['test', true]]);

    const mailed = await runCli(['--config', configFile, 'alerts', 'test', 'oncall'], { cwd: dir });
    expect(mailed.code).toBe(0);
    const mail = await waitForMail(RECIPIENT, 3);
    expect(mail.at(-1)!.subject).toBe('[inboxwatch] Test notification for channel oncall');

    const unknown = await runCli(['--config', configFile, 'alerts', 'test', 'pager'], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown channel "pager"; channels are oncall, hook');
  });

  it('queues and sends the digest on a `run digest`', async () => {
    writeFileSync(configFile, stringify({ ...raw(proxy.server), alerts: { ...raw(proxy.server).alerts, digest: { schedule: '0 8 * * 1', channels: ['oncall'] } } }));
    const result = await runCli(['--config', configFile, 'run', 'digest'], { cwd: dir });
    expect(result.code).toBe(0);
    const mail = await waitForMail(RECIPIENT, 4);
    const digest = mail.at(-1)!;
    expect(digest.subject).toMatch(/^\[inboxwatch\] Digest since \d{4}-\d\d-\d\d$/);
    expect(digest.text).toContain('192.0.2.2 on Spamhaus ZEN (zen.spamhaus.org)');
    expect(digest.text).toContain('FIRING since');
    writeFileSync(join(tmpdir(), 'inboxwatch-digest-email.html'), digest.html);
  });
});

describe('two processes on one database', () => {
  let dir: string;
  let hook: HookReceiver;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'inboxwatch-alerts-two-'));
    hook = await startHookReceiver();
  });
  afterAll(async () => {
    await hook.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('never send the same notification twice when both sweep and evaluate at once', async () => {
    const file = join(dir, 'inboxwatch.yaml');
    writeFileSync(
      file,
      stringify({
        database: join(dir, 'inboxwatch.db'),
        dns: { servers: [world().dns.server], timeoutMs: 300, tries: 1 },
        blocklists: { ips: ['192.0.2.2', '192.0.2.5'], zones: ['zen.spamhaus.org'] },
        alerts: {
          allowPrivateUrls: true,
          channels: [{ name: 'hook', type: 'webhook', url: hook.url, secret: SECRET }],
          rules: [{ type: 'blocklist_listed', channels: ['hook'] }],
        },
      }),
    );
    await runCli(['--config', file, 'migrate'], { cwd: dir });
    const runs = await Promise.all([1, 2, 3].map(() => runCli(['--config', file, 'run', 'blocklists'], { cwd: dir })));
    // Each swept; a run may be reported interrupted, since `inboxwatch run` marks every other running run so at start-up.
    for (const run of runs) expect(run.stdout).toMatch(/^blocklists #\d+: (ok|interrupted) in /);
    expect(runs.map((r) => r.stderr).join('')).not.toMatch(/"level":"error"|not delivered/);
    expect(hook.received.map((h) => h.json.alerts?.map((a) => `${a.status} ${a.key}`))).toEqual([['firing 192.0.2.2 zen.spamhaus.org']]);

    // Many queued notifications, two senders draining the outbox at once: each goes out once.
    const first = await openStore(join(dir, 'inboxwatch.db'));
    const second = await openStore(join(dir, 'inboxwatch.db'));
    const config = parseConfigText(readFileSync(file, 'utf8'), file, {});
    const engines = [first, second].map((db, i) => createAlertEngine({ config, db, log: silentLogger, notifiers: nodeNotifiers(config, resolverForRun(config.dns)), holder: `sender-${i}` }));
    for (let n = 0; n < 12; n++) await engines[0]!.queue('hook', { kind: 'test', createdAt: Date.now(), dashboardUrl: engines[0]!.dashboardUrl, channel: `hook ${n}` });
    const outcomes = await Promise.all(engines.map((engine) => engine.deliver()));
    expect(outcomes[0]!.delivered + outcomes[1]!.delivered).toBe(12);
    expect(outcomes.every((o) => o.delivered > 0)).toBe(true);
    const channels = hook.received.slice(1).map((h) => (JSON.parse(h.body) as { channel: string }).channel);
    expect(channels.sort()).toEqual(Array.from({ length: 12 }, (_, n) => `hook ${n}`).sort());
    await first.close();
    await second.close();
  });
});

describe('a test notification sent by a running server', () => {
  it('is sent on an admin’s request over the API and from the CLI with --server, with the channel’s error when it fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inboxwatch-alerts-api-test-'));
    const [hook, down] = await Promise.all([startHookReceiver(), startHookReceiver()]);
    down.status = 500;
    const admin = 'channel-test-admin-token-0123456789';
    const viewer = 'channel-test-viewer-token-0123456789';
    writeFileSync(
      join(dir, 'inboxwatch.yaml'),
      stringify({
        database: join(dir, 'inboxwatch.db'),
        server: { tokens: [{ name: 'ops', token: admin, role: 'admin' }, { name: 'board', token: viewer, role: 'viewer' }] },
        alerts: {
          allowPrivateUrls: true,
          channels: [
            { name: 'hook', type: 'webhook', url: hook.url, secret: SECRET, retries: 0, timeout: '2s' },
            { name: 'down', type: 'webhook', url: down.url, retries: 0, timeout: '2s' },
          ],
        },
      }),
    );
    const serve = await startServe({ cwd: dir });
    // No configuration here: with --server the server's channels and secrets are the ones used.
    const elsewhere = mkdtempSync(join(tmpdir(), 'inboxwatch-alerts-cli-'));
    const cli = (channel: string, token = admin) => runCli(['alerts', 'test', channel, '--server', serve.url, '--token', token], { cwd: elsewhere });
    const post = (body: unknown, token: string) =>
      fetch(`${serve.url}/api/alerts/test`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    try {
      const sent = await cli('hook');
      expect(sent.stdout).toBe('hook: test notification delivered\n');
      expect(sent.code).toBe(0);
      expect(hook.received.map((h) => [h.json.kind, signatureValid(h, SECRET)])).toEqual([['test', true]]);

      const failed = await cli('down');
      expect(failed.code).toBe(1);
      expect(failed.stdout).toMatch(/^down: not delivered: .*HTTP 500/);
      expect(down.attempts).toBe(1);

      const unknown = await cli('pager');
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain('unknown channel "pager"; channels are hook, down');

      expect((await post({ channel: 'hook' }, viewer)).status).toBe(403);
      const bad = await post({ name: 'hook' }, admin);
      expect(bad.status).toBe(400);
      expect(await bad.json()).toEqual({ error: 'body: expected {"channel": name}, a channel name from alerts.channels' });
      const refused = await cli('hook', viewer);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('did not send the test (HTTP 403)');
      expect(hook.received).toHaveLength(1);
    } finally {
      await serve.stop();
      await Promise.all([hook.stop(), down.stop()]);
      rmSync(dir, { recursive: true, force: true });
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});

describe('metrics on their own address', () => {
  it('are served there without a token, and not on the API port', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inboxwatch-alerts-metrics-'));
    const port = await freePort();
    writeFileSync(join(dir, 'inboxwatch.yaml'), stringify({ database: join(dir, 'inboxwatch.db'), alerts: { metrics: { bind: { host: '127.0.0.1', port } } } }));
    const serve = await startServe({ cwd: dir });
    try {
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('# TYPE inboxwatch_alert_incidents_open gauge');
      expect((await fetch(`${serve.url}/metrics`)).status).toBe(404);
    } finally {
      await serve.stop();
      rmSync(dir, { recursive: true, force: true });
    }
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
    const runtime = createNodeRuntime(config());
    const alerts = startAlerts({ config: config(), db, log: silentLogger, retry: false, resolver: runtime.resolver() });
    const runner = createJobRunner({ config: config(), db, log: silentLogger, resolver: runtime.resolver, owner: soleOwner, afterRun: alerts.afterRun });
    const outcome = await runner.run(findJob('placement', runtime.jobs)!, 'manual');
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
