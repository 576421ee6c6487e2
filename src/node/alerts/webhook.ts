import { isIP, type LookupFunction } from 'node:net';
import { Agent, fetch } from 'undici';
import { slackBody, webhookBody } from '../../alerts/render-notification.js';
import { SIGNATURE_HEADER, signBody } from '../../alerts/sign.js';
import type { Notification, Notifier } from '../../alerts/types.js';
import { refuseAddress, refuseUrl } from '../../config/outbound-urls.js';
import type { AlertChannel } from '../../config/schema.js';
import { resolveHost } from '../../dns/address.js';
import type { Resolver } from '../../dns/types.js';

type WebhookChannel = Extract<AlertChannel, { type: 'webhook' }>;

export interface WebhookOptions {
  resolver: Resolver;
  allowPrivateUrls: boolean;
  sleep?: (ms: number) => Promise<void>;
}

/** Refused for good: retrying the same request would get the same answer. */
class PermanentError extends Error {}

/**
 * POSTs the notification as JSON (or Slack's shape), signed with HMAC-SHA256 over the exact body when a
 * secret is set. The host is resolved through the configured resolver and the connection goes to the
 * address that was checked, so a name cannot be re-pointed at a private address between check and connect.
 */
export function createWebhookNotifier(channel: WebhookChannel, options: WebhookOptions): Notifier {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    checkedAddress(options.resolver, hostname, options.allowPrivateUrls).then(
      (address) => {
        const family = isIP(address);
        if (lookupOptions.all) callback(null, [{ address, family }]);
        else callback(null, address, family);
      },
      (error: Error) => callback(Object.assign(error, { code: 'EREFUSED' }), '', 0),
    );
  };
  const dispatcher = new Agent({ connect: { lookup }, headersTimeout: channel.timeout, bodyTimeout: channel.timeout });

  async function post(body: string, signature: string | undefined): Promise<void> {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'inboxwatch-alerts' };
    if (signature) headers[SIGNATURE_HEADER] = signature;
    let response;
    try {
      response = await fetch(channel.url, { method: 'POST', body, headers, dispatcher, redirect: 'manual', signal: AbortSignal.timeout(channel.timeout) });
    } catch (error) {
      const cause = (error as { cause?: Error }).cause;
      if (cause?.message?.includes('allowPrivateUrls')) throw new PermanentError(cause.message);
      throw new Error(`POST ${channel.url}: ${cause?.message ?? (error as Error).message}`);
    }
    await response.body?.cancel();
    if (response.ok) return;
    const problem = `POST ${channel.url}: HTTP ${response.status}`;
    // 408, 429 and 5xx are the receiver's passing trouble; other answers will not change by asking again.
    if (response.status === 408 || response.status === 429 || response.status >= 500) throw new Error(problem);
    throw new PermanentError(problem);
  }

  return {
    async send(notification: Notification) {
      const refusal = refuseUrl(channel.url, options.allowPrivateUrls);
      if (refusal) throw new Error(refusal);
      const body = JSON.stringify(channel.format === 'slack' ? slackBody(notification) : webhookBody(notification));
      const signature = channel.secret ? await signBody(channel.secret, body) : undefined;
      for (let attempt = 0; ; attempt++) {
        try {
          return await post(body, signature);
        } catch (error) {
          if (error instanceof PermanentError || attempt >= channel.retries) throw error;
          await sleep(1000 * 2 ** attempt);
        }
      }
    },
  };
}

async function checkedAddress(resolver: Resolver, host: string, allowPrivate: boolean): Promise<string> {
  const address = await resolveHost(resolver, host.replace(/^\[|\]$/g, ''));
  const refusal = refuseAddress(address, allowPrivate);
  if (refusal) throw new Error(`${host} resolves to ${refusal}`);
  return address;
}
