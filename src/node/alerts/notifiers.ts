import { createWebhookNotifier } from '../../alerts/webhook-notifier.js';
import type { Notifier } from '../../alerts/types.js';
import type { Config } from '../../config/schema.js';
import type { Resolver } from '../../dns/types.js';
import { createEmailNotifier } from './email.js';
import { nodeWebhookPost } from './webhook.js';

/** A Node notifier for every configured channel, by name. */
export function nodeNotifiers(config: Config, resolver: Resolver): Map<string, Notifier> {
  const { allowPrivateUrls } = config.alerts;
  return new Map(
    config.alerts.channels.map((channel) => [
      channel.name,
      channel.type === 'email'
        ? createEmailNotifier(channel, resolver)
        : createWebhookNotifier(channel, { allowPrivateUrls, post: nodeWebhookPost({ resolver, allowPrivateUrls, timeoutMs: channel.timeout }) }),
    ]),
  );
}
