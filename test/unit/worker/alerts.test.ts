import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { UndeliverableError, type Notification } from '../../../src/alerts/types.js';
import { createWebhookNotifier, WebhookRefused, type WebhookRequest } from '../../../src/alerts/webhook-notifier.js';
import { redactConfig } from '../../../src/api/redact-config.js';
import { parseConfigText } from '../../../src/config/parse.js';
import { configSchema } from '../../../src/config/schema.js';
import { secretPaths, workerDocument } from '../../../src/config/worker-document.js';
import { createBindingEmailNotifier, type SendEmailBinding } from '../../../src/worker/email-binding.js';
import { fetchWebhookPost } from '../../../src/worker/fetch-webhook.js';
import { withWebhookSecrets } from '../../../src/worker/webhook-secrets.js';
import { fakeResolver } from '../audit/fake-resolver.js';

const SECRET = 'unit-webhook-secret-0123456789';
const test: Notification = { kind: 'test', createdAt: 0, dashboardUrl: 'https://iw.example', channel: 'hook' };
const config = configSchema.parse({
  alerts: {
    channels: [
      { name: 'hook', type: 'webhook', url: 'https://hooks.example.net/iw', secret: SECRET, retries: 2 },
      { name: 'oncall', type: 'email', smtp: { host: 'smtp.example.net', user: 'u', pass: 'smtp-password' }, from: 'inboxwatch <alerts@example.net>', to: ['oncall@example.net'] },
    ],
    rules: [{ type: 'blocklist_listed', channels: ['hook', 'oncall'] }],
  },
});
const hook = config.alerts.channels[0] as Extract<(typeof config.alerts.channels)[number], { type: 'webhook' }>;
const email = config.alerts.channels[1] as Extract<(typeof config.alerts.channels)[number], { type: 'email' }>;

describe('the webhook notifier every runtime shares', () => {
  it('signs the exact body as a receiver verifies it, and tries a 5xx again `retries` times with backoff', async () => {
    const requests: WebhookRequest[] = [];
    const waits: number[] = [];
    const answers = [500, 503, 200];
    const notifier = createWebhookNotifier(hook, { allowPrivateUrls: false, sleep: async (ms) => void waits.push(ms), post: async (r) => (requests.push(r), answers.shift() ?? 500) });
    await notifier.send(test);
    expect(requests).toHaveLength(3);
    expect(waits).toEqual([1000, 2000]);
    const [first] = requests;
    expect(first?.headers['X-Inboxwatch-Signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(first?.body ?? '').digest('hex')}`);
    expect(JSON.parse(first?.body ?? '{}')).toMatchObject({ source: 'inboxwatch', kind: 'test' });
  });

  it('does not ask again at once after a 4xx or a redirect, and gives up after the retries on 5xx', async () => {
    for (const status of [404, 302]) {
      let posts = 0;
      const notifier = createWebhookNotifier(hook, { allowPrivateUrls: false, sleep: async () => {}, post: async () => (posts++, status) });
      await expect(notifier.send(test)).rejects.toBeInstanceOf(WebhookRefused);
      expect(posts).toBe(1);
    }
    let posts = 0;
    const down = createWebhookNotifier(hook, { allowPrivateUrls: false, sleep: async () => {}, post: async () => (posts++, 502) });
    await expect(down.send(test)).rejects.toThrow('POST https://hooks.example.net/…: HTTP 502');
    expect(posts).toBe(3);
  });
});

describe('the Workers webhook POST', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('screens the addresses of the host, does not follow redirects, and passes the status on', async () => {
    const fetch = vi.fn(async (_url: string, _init: RequestInit) => new Response(null, { status: 302, headers: { location: 'http://127.0.0.1/' } }));
    vi.stubGlobal('fetch', fetch);
    const resolver = fakeResolver({ 'A private.example': ['10.0.0.7'], 'A hooks.example.net': ['93.184.216.34'] });
    const post = fetchWebhookPost({ resolver, allowPrivateUrls: false });
    const request = { body: '{}', headers: {}, timeoutMs: 1000 };
    await expect(post({ ...request, url: 'https://private.example/hook' })).rejects.toThrow(new WebhookRefused('private.example resolves to 10.0.0.7, a private address; set alerts.allowPrivateUrls to allow it'));
    expect(fetch).not.toHaveBeenCalled();
    expect(await post({ ...request, url: 'https://hooks.example.net/hook' })).toBe(302);
    expect(fetch.mock.calls[0]?.[1]).toMatchObject({ method: 'POST', redirect: 'manual' });
    expect(await fetchWebhookPost({ resolver, allowPrivateUrls: true })({ ...request, url: 'https://private.example/hook' })).toBe(302);
  });
});

describe('email channels on a Worker', () => {
  it('without a send_email binding: undeliverable, with the reason', async () => {
    await expect(createBindingEmailNotifier(email, undefined).send(test)).rejects.toBeInstanceOf(UndeliverableError);
    await expect(createBindingEmailNotifier(email, undefined).send(test)).rejects.toThrow(/no ALERT_EMAIL send_email binding and cannot open SMTP connections/);
  });

  it('with the binding: the rendered message from the channel to its recipients; a refusal is an error naming the channel', async () => {
    const sent: Parameters<SendEmailBinding['send']>[0][] = [];
    await createBindingEmailNotifier(email, { send: async (m) => void sent.push(m) }).send(test);
    expect(sent).toEqual([
      expect.objectContaining({ from: { name: 'inboxwatch', email: 'alerts@example.net' }, to: ['oncall@example.net'], subject: '[inboxwatch] Test notification for channel hook' }),
    ]);
    expect(sent[0]?.html).toContain('<html');
    const refusing = createBindingEmailNotifier(email, { send: async () => Promise.reject(new Error('email from alerts@example.net not allowed')) });
    await expect(refusing.send(test)).rejects.toThrow('email channel "oncall" via ALERT_EMAIL: email from alerts@example.net not allowed');
  });
});

describe('alerts in a pushed configuration', () => {
  it('keep rules and channels but leave webhook secrets and SMTP logins behind, and a document holding one is refused', () => {
    const document = workerDocument(config);
    expect(document).not.toMatch(/unit-webhook-secret|smtp-password|user: u/);
    const pushed = parseConfigText(document, 'pushed', {});
    expect(secretPaths(pushed)).toEqual([]);
    expect(pushed.alerts.rules).toEqual(config.alerts.rules);
    expect(pushed.alerts.channels.map((c) => c.name)).toEqual(['hook', 'oncall']);
    expect(secretPaths(config)).toEqual(['alerts.channels[0].secret', 'alerts.channels[1].smtp.user', 'alerts.channels[1].smtp.pass']);
    expect(parse(JSON.stringify(redactConfig(config)))).toMatchObject({ alerts: { channels: [{ secret: '[redacted]' }, { smtp: { pass: '[redacted]' } }] } });
    const slack = configSchema.parse({ alerts: { channels: [{ name: 'slack', type: 'webhook', format: 'slack', url: 'https://hooks.slack.com/services/T000/B000/XXXXSECRET' }] } });
    expect(JSON.stringify(redactConfig(slack))).not.toContain('XXXXSECRET');
    expect(redactConfig(slack)).toMatchObject({ alerts: { channels: [{ url: 'https://hooks.slack.com/[redacted]' }] } });
  });

  it('take webhook secrets from INBOXWATCH_WEBHOOK_SECRETS, naming a malformed entry', () => {
    const pushed = parseConfigText(workerDocument(config), 'pushed', {});
    const { config: signed, unknown } = withWebhookSecrets(pushed, `hook:${SECRET}, gone:another-secret-0123456789`);
    expect(signed.alerts.channels[0]).toMatchObject({ name: 'hook', secret: SECRET });
    expect(unknown).toEqual(['gone']);
    expect(() => withWebhookSecrets(pushed, 'hook')).toThrow('INBOXWATCH_WEBHOOK_SECRETS: entry 1 is not channel:secret');
    expect(() => withWebhookSecrets(pushed, 'hook:short')).toThrow('INBOXWATCH_WEBHOOK_SECRETS entry 1: webhook secrets must be at least 16 characters');
  });
});
