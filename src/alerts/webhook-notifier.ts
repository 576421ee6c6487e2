import type { AlertChannel } from '../config/schema.js';
import { refuseUrl } from '../config/outbound-urls.js';
import { slackBody, webhookBody } from './render-notification.js';
import { SIGNATURE_HEADER, signBody } from './sign.js';
import type { Notification, Notifier } from './types.js';

export type WebhookChannel = Extract<AlertChannel, { type: 'webhook' }>;

export interface WebhookRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

/**
 * One POST through a runtime's HTTP client, redirects not followed: resolves with the answer's status,
 * rejects with a message on a network failure or timeout, and with {@link WebhookRefused} when the target
 * may not be sent to (its address is not public).
 */
export type WebhookPost = (request: WebhookRequest) => Promise<number>;

/**
 * A webhook URL with only its scheme and host, the rest shown as `hidden`: Slack, Teams and many other
 * receivers take the path or query as the credential, and errors, the settings view and the running
 * configuration are shown to every signed-in user.
 */
export function webhookShown(url: string, hidden = '…'): string {
  try {
    return `${new URL(url).origin}/${hidden}`;
  } catch {
    return hidden;
  }
}

/** Refused for good within this attempt: asking again at once would get the same answer. */
export class WebhookRefused extends Error {}

export interface WebhookNotifierOptions {
  post: WebhookPost;
  allowPrivateUrls: boolean;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * POSTs the notification as JSON (or Slack's shape), signed with HMAC-SHA256 over the exact body when the
 * channel has a secret; 408, 429, 5xx and network errors are tried again `retries` times (1 s, 2 s, 4 s …)
 * before the outbox takes over. The same on every runtime; only `post` differs.
 */
export function createWebhookNotifier(channel: WebhookChannel, options: WebhookNotifierOptions): Notifier {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  async function postOnce(body: string, signature: string | undefined): Promise<void> {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'inboxwatch-alerts' };
    if (signature) headers[SIGNATURE_HEADER] = signature;
    const status = await options.post({ url: channel.url, body, headers, timeoutMs: channel.timeout });
    if (status >= 200 && status < 300) return;
    const problem = `POST ${webhookShown(channel.url)}: HTTP ${status}`;
    // 408, 429 and 5xx are the receiver's passing trouble; other answers (redirects included) will not change by asking again.
    if (status === 408 || status === 429 || status >= 500) throw new Error(problem);
    throw new WebhookRefused(problem);
  }

  return {
    async send(notification: Notification) {
      const refusal = refuseUrl(channel.url, options.allowPrivateUrls);
      if (refusal) throw new Error(refusal);
      const body = JSON.stringify(channel.format === 'slack' ? slackBody(notification) : webhookBody(notification));
      const signature = channel.secret ? await signBody(channel.secret, body) : undefined;
      for (let attempt = 0; ; attempt++) {
        try {
          return await postOnce(body, signature);
        } catch (error) {
          if (error instanceof WebhookRefused || attempt >= channel.retries) throw error;
          await sleep(1000 * 2 ** attempt);
        }
      }
    },
  };
}
