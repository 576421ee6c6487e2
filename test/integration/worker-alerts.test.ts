import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { createBlocklistsJob } from '../../src/blocklists/job.js';
import { parseConfigText } from '../../src/config/parse.js';
import { INGEST_VERSION, type IngestRun } from '../../src/ingest/batch.js';
import { exportRun } from '../../src/ingest/export-run.js';
import { createJobRunner } from '../../src/jobs/job-runner.js';
import { silentLogger } from '../../src/log.js';
import { createNodeRuntime } from '../../src/node/root.js';
import { openStore } from '../../src/node/sqlite-store.js';
import { signatureValid, startHookReceiver, type HookReceiver } from '../support/alerts.js';
import { aggregateXml, gzip, type RecordSpec } from '../support/reports.js';
import { soleOwner } from '../support/owner.js';
import { startDnsProxy, type DnsProxy } from '../support/dns-proxy.js';
import { migrateLocalD1, startWorker, wranglerConfigWith, type WorkerProcess } from '../support/worker.js';
import { startDoh, type DohServer } from '../world/doh.js';
import { world } from '../world/context.js';

const ADMIN = 'worker-alerts-admin-token-0123456789';
const AGENT = 'worker-alerts-agent-token-0123456789';
const SECRET = 'worker-alerts-hook-secret-0123456789';
const SENDER = 'alerts@alerts.inboxwatch.test';
const DASHBOARD = 'https://inboxwatch.example.workers.dev';
const SWEEP = '*/30 * * * *';
/** A trigger no job is scheduled on: it only sends what the outbox holds that is due. */
const OUTBOX = '*/5 * * * *';
/** The engine's first retry comes 30 s after a failed attempt. */
const FIRST_RETRY_MS = 30_000;

interface IncidentView {
  id: number;
  state: string;
  title: string;
}
interface NotificationView {
  channel: string;
  status: string;
  attempts: number;
  lastError: string | null;
}

/** What a team pushes: one listed and one clean target, a webhook, and two email channels (one sender the binding refuses). */
const pushedConfig = (hookUrl: string, digest?: { schedule: string; channels: string[] }) =>
  stringify({
    dns: { timeoutMs: 1000, tries: 1 },
    blocklists: { ips: ['192.0.2.2', '192.0.2.5'], zones: ['zen.spamhaus.org'], retries: 0 },
    alerts: {
      allowPrivateUrls: true,
      dashboardUrl: DASHBOARD,
      channels: [
        { name: 'hook', type: 'webhook', url: hookUrl, retries: 0, timeout: '2s' },
        { name: 'oncall', type: 'email', smtp: { host: 'smtp.example.net' }, from: `inboxwatch <${SENDER}>`, to: ['oncall@example.net'] },
        { name: 'stray', type: 'email', smtp: { host: 'smtp.example.net' }, from: 'someone@elsewhere.test', to: ['oncall@example.net'] },
      ],
      rules: [{ type: 'blocklist_listed', channels: ['hook', 'oncall', 'stray'], severity: 'critical' }],
      digest,
    },
  });

const stripAnsi = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');

describe('alerts on the Workers runtime in workerd (Cron Triggers, D1 outbox, fetch webhook, send_email binding)', () => {
  let hook: HookReceiver;
  let proxy: DnsProxy;
  let doh: DohServer;
  let worker: WorkerProcess;
  let firstAttemptAt = 0;
  const api = (path: string, init: RequestInit = {}) => fetch(`${worker.url}${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN}`, ...(init.headers ?? {}) } });
  /** Fires a Cron Trigger as the platform would; wrangler answers once the handler and its waitUntil work are done. */
  const trigger = async (cron: string) => {
    const response = await fetch(`${worker.url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent(cron)}`);
    expect(response.status).toBe(200);
    await response.body?.cancel();
  };
  const incidents = async (state: string) => ((await (await api(`/api/alerts?state=${state}`)).json()) as { incidents: IncidentView[] }).incidents;
  const notifications = async (id: number) => {
    const view = (await (await api(`/api/alerts/${id}`)).json()) as { notifications: NotificationView[] };
    return Object.fromEntries(view.notifications.map((n) => [n.channel, n]));
  };
  const blocklistRuns = async () => ((await (await api('/api/runs?job=blocklists')).json()) as { runs: Array<{ status: string }> }).runs;

  beforeAll(async () => {
    hook = await startHookReceiver();
    proxy = await startDnsProxy(world().dns.server);
    doh = await startDoh(proxy.server);
    const state = mkdtempSync(join(tmpdir(), 'iw-worker-alerts-'));
    const config = wranglerConfigWith(`[[send_email]]\nname = "ALERT_EMAIL"\nallowed_sender_addresses = ["${SENDER}"]`);
    await migrateLocalD1(state, config);
    worker = await startWorker({
      state,
      config,
      vars: { INBOXWATCH_ADMIN_TOKEN: ADMIN, INBOXWATCH_AGENT_TOKENS: `agent:${AGENT}`, INBOXWATCH_DOH_URL: `${doh.url}/dns-query`, INBOXWATCH_WEBHOOK_SECRETS: `hook:${SECRET}` },
    });
    const pushed = await api('/api/config', { method: 'PUT', body: pushedConfig(hook.url) });
    expect(pushed.status, await pushed.clone().text()).toBe(201);
  }, 180_000);
  afterAll(async () => {
    await worker?.stop();
    await doh?.stop();
    await proxy?.stop();
    await hook?.stop();
  });

  it('opens an incident on the blocklists trigger, keeps a webhook answered 500 for later, and mails through the send_email binding', async () => {
    hook.status = 500;
    await trigger(SWEEP);
    firstAttemptAt = Date.now();
    expect((await blocklistRuns()).map((r) => r.status)).toEqual(['ok']);
    const [incident, ...others] = await incidents('firing');
    expect(others).toEqual([]);
    expect(incident?.title).toBe('LISTED: 192.0.2.2 on Spamhaus ZEN (SBL)');

    const sent = await notifications(incident!.id);
    expect(sent.hook).toMatchObject({ status: 'pending', attempts: 1, lastError: `POST ${new URL(hook.url).origin}/…: HTTP 500` });
    expect(hook.attempts).toBe(1);
    expect(hook.received).toEqual([]);

    expect(sent.oncall).toMatchObject({ status: 'delivered', attempts: 1, lastError: null });
    // The binding's refusal is an error on record, not a message counted as sent.
    expect(sent.stray).toMatchObject({ status: 'pending', attempts: 1, lastError: 'email channel "stray" via ALERT_EMAIL: email from someone@elsewhere.test not allowed' });
    const log = stripAnsi(worker.log());
    expect(log).toMatch(/send_email binding called with MessageBuilder:\s*From: "?inboxwatch"? <alerts@alerts\.inboxwatch\.test>\s*To: oncall@example\.net\s*Subject: \[inboxwatch\] LISTED: 192\.0\.2\.2 on Spamhaus ZEN \(SBL\)/);
    const textFile = /Text: (\S+\.txt)/.exec(log)?.[1];
    expect(textFile).toBeDefined();
    const text = readFileSync(textFile!, 'utf8');
    expect(text).toContain('Listed by SBL, see https://check.spamhaus.org/sbl/query/SBLTEST');
    expect(text).toContain(`Dashboard: ${DASHBOARD}/alerts/${incident!.id}`);
  }, 60_000);

  it('sends the failed webhook on a later invocation once its retry is due, signed as Node signs it, and records both attempts', async () => {
    hook.status = 200;
    await trigger(OUTBOX);
    // Not due yet: the outbox keeps it, nothing is sent early.
    expect(hook.attempts).toBe(1);

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, firstAttemptAt + FIRST_RETRY_MS + 1000 - Date.now())));
    await trigger(OUTBOX);
    expect(hook.received).toHaveLength(1);
    const [delivered] = hook.received;
    expect(signatureValid(delivered!, SECRET)).toBe(true);
    expect(signatureValid({ ...delivered!, body: delivered!.body.replace('192.0.2.2', '192.0.2.9') }, SECRET)).toBe(false);
    expect(delivered!.json.alerts?.map((a) => `${a.status} ${a.type} ${a.key} ${a.title}`)).toEqual([
      'firing blocklist_listed 192.0.2.2 zen.spamhaus.org LISTED: 192.0.2.2 on Spamhaus ZEN (SBL)',
    ]);
    const [incident] = await incidents('firing');
    const sent = await notifications(incident!.id);
    expect(sent.hook).toMatchObject({ status: 'delivered', attempts: 2, lastError: null });
    expect(sent.stray).toMatchObject({ status: 'pending', attempts: 2 });
  }, 90_000);

  it('sends nothing new while the listing stays, and one signed resolve message when the target is delisted', async () => {
    await trigger(SWEEP);
    expect((await blocklistRuns()).map((r) => r.status)).toEqual(['ok', 'ok']);
    const [incident] = await incidents('firing');
    expect(Object.keys(await notifications(incident!.id)).length).toBe(3);
    expect(hook.received).toHaveLength(1);

    proxy.hide.add('2.2.0.192.zen.spamhaus.org');
    await trigger(SWEEP);
    expect(await incidents('firing')).toEqual([]);
    expect((await incidents('resolved')).map((i) => i.id)).toEqual([incident!.id]);
    expect(hook.received).toHaveLength(2);
    const resolved = hook.received[1]!;
    expect(signatureValid(resolved, SECRET)).toBe(true);
    expect(resolved.json.alerts?.map((a) => `${a.status} ${a.title}`)).toEqual(['resolved LISTED: 192.0.2.2 on Spamhaus ZEN (SBL)']);
  }, 60_000);

  it('runs the digest on its own Cron Trigger and posts it, signed', async () => {
    const pushed = await api('/api/config', { method: 'PUT', body: pushedConfig(hook.url, { schedule: '0 8 * * 1', channels: ['hook'] }) });
    expect(pushed.status).toBe(201);
    await trigger('0 8 * * 1');
    const runs = ((await (await api('/api/runs?job=digest')).json()) as { runs: Array<{ status: string }> }).runs;
    expect(runs.map((r) => r.status)).toEqual(['ok']);
    expect(hook.received).toHaveLength(3);
    const digest = hook.received[2]!;
    expect(signatureValid(digest, SECRET)).toBe(true);
    expect(digest.json.kind).toBe('digest');
    expect(digest.body).toContain('resolved: LISTED: 192.0.2.2 on Spamhaus ZEN (SBL)');
  }, 60_000);

  it('refuses a pushed configuration that holds a webhook secret or an SMTP password, and stores neither', async () => {
    const document = parse(pushedConfig(hook.url)) as { alerts: { channels: Array<Record<string, unknown> & { smtp?: Record<string, unknown> }> } };
    document.alerts.channels[0]!.secret = SECRET;
    document.alerts.channels[1]!.smtp!.pass = 'smtp-password-0123';
    const withSecrets = stringify(document);
    const refused = await api('/api/config', { method: 'PUT', body: withSecrets });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toContain('remove alerts.channels[0].secret, alerts.channels[1].smtp.pass');
    const current = (await (await api('/api/config')).json()) as { version: number; yaml: string };
    expect(current.version).toBe(2);
    expect(current.yaml).not.toMatch(/secret|smtp-password/);
  });

  it('evaluates the rules when a sweep from an agent is ingested and sends what fires before answering; a replayed batch sends nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iw-worker-alerts-agent-'));
    const store = await openStore(join(dir, 'agent.db'));
    const config = parseConfigText(`dns:\n  servers: ["${world().dns.server}"]\n  timeoutMs: 500\nblocklists:\n  ips: [192.0.2.4, 192.0.2.5]\n  zones: [zen.spamhaus.org]\n`, 'agent.yaml', {});
    const runs: IngestRun[] = [];
    const afterRun = async (_job: unknown, outcome: { run: { id: number } }) => void runs.push(await exportRun(store, outcome.run.id));
    const runner = createJobRunner({ config, db: store, log: silentLogger, resolver: createNodeRuntime(config).resolver, owner: soleOwner, afterRun });
    expect((await runner.run(createBlocklistsJob(), 'manual')).run.status).toBe('ok');
    await store.close();

    const before = hook.received.length;
    const body = JSON.stringify({ version: INGEST_VERSION, id: 'worker-alerts-agent-1', agent: 'loopback-agent', runs });
    const post = () => fetch(`${worker.url}/api/ingest`, { method: 'POST', headers: { authorization: `Bearer ${AGENT}`, 'content-type': 'application/json' }, body });
    const stored = await post();
    expect(stored.status).toBe(200);
    expect(await stored.json()).toMatchObject({ stored: true });
    expect((await incidents('firing')).map((i) => i.title)).toEqual(['LISTED: 192.0.2.4 on Spamhaus ZEN (XBL)']);
    const fresh = hook.received.slice(before);
    expect(fresh.map((h) => h.json.alerts?.map((a) => `${a.status} ${a.title}`))).toEqual([['firing LISTED: 192.0.2.4 on Spamhaus ZEN (XBL)']]);
    expect(signatureValid(fresh[0]!, SECRET)).toBe(true);

    expect(await (await post()).json()).toMatchObject({ duplicate: true });
    expect(hook.received).toHaveLength(before + 1);
  }, 60_000);

  it('evaluates the rules when an uploaded DMARC report reveals a spoofing source, and sends before answering', async () => {
    const day = 86_400_000;
    const first = Math.floor(Date.now() / day) * day - 4 * day;
    const report = (n: number, records: RecordSpec[]) =>
      gzip(aggregateXml({ org: 'google.com', reportId: `worker-${n}`, begin: String((first + n * day) / 1000), end: String((first + n * day) / 1000 + 86_399), records }));
    const ses: RecordSpec = { ip: '203.0.113.7', count: 200, dkimResults: [{ domain: 'reports.test', selector: 'mystery2024', result: 'pass' }] };
    const spoofer: RecordSpec = { ip: '203.0.113.9', count: 150, dkim: 'fail', spf: 'fail', dkimResults: [{ domain: 'reports.test', selector: 'fake', result: 'fail' }], spfResults: [{ domain: 'spoof.example', result: 'fail' }] };
    const document = parse(pushedConfig(hook.url)) as { alerts: { rules: unknown[] } };
    document.alerts.rules.push({ type: 'dmarc_new_source', channels: ['hook'], severity: 'critical' });
    expect((await api('/api/config', { method: 'PUT', body: stringify(document) })).status).toBe(201);
    const upload = async (n: number, records: RecordSpec[]) => {
      const response = await api(`/api/reports?name=day-${n}.xml.gz`, { method: 'POST', body: report(n, records) });
      expect(await response.json()).toMatchObject({ files: [{ status: 'stored' }] });
    };

    const before = hook.received.length;
    for (let n = 0; n < 3; n++) await upload(n, [ses]);
    expect(hook.received).toHaveLength(before);
    await upload(3, [ses, spoofer]);
    const fresh = hook.received.slice(before);
    expect(fresh.map((h) => h.json.alerts?.map((a) => `${a.status} ${a.type} ${a.key}`))).toEqual([['firing dmarc_new_source reports.test 203.0.113.9']]);
    expect(signatureValid(fresh[0]!, SECRET)).toBe(true);
  }, 60_000);

  it('sends a test notification through a channel on an admin’s request, signed with the secret from the Worker’s secrets', async () => {
    const test = (channel: string) => api('/api/alerts/test', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ channel }) });
    const before = hook.received.length;
    const sent = await test('hook');
    expect(await sent.json()).toEqual({ channel: 'hook', delivered: true });
    const fresh = hook.received.slice(before);
    expect(fresh.map((h) => [h.json.kind, signatureValid(h, SECRET)])).toEqual([['test', true]]);

    const mailed = await test('oncall');
    expect(await mailed.json()).toEqual({ channel: 'oncall', delivered: true });
    // wrangler logs what the binding was handed; its output arrives on a pipe, a moment after the answer.
    await expect.poll(() => stripAnsi(worker.log()), { timeout: 5_000 }).toContain('Subject: [inboxwatch] Test notification for channel oncall');

    const refused = await test('stray');
    expect(refused.status).toBe(502);
    expect(await refused.json()).toEqual({ channel: 'stray', delivered: false, error: 'email channel "stray" via ALERT_EMAIL: email from someone@elsewhere.test not allowed' });
    const unknown = await test('pager');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'channel: unknown channel "pager"; channels are hook, oncall, stray' });
  }, 60_000);
});
