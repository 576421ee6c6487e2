import type { Notifier } from '../../alerts/types.js';
import type { Config } from '../../config/schema.js';
import type { Resolver } from '../../dns/types.js';
import { createEmailNotifier } from './email.js';
import { createWebhookNotifier } from './webhook.js';

/** A Node notifier for every configured channel, by name. */
export function nodeNotifiers(config: Config, resolver: Resolver): Map<string, Notifier> {
  return new Map(
    config.alerts.channels.map((channel) => [
      channel.name,
      channel.type === 'email' ? createEmailNotifier(channel, resolver) : createWebhookNotifier(channel, { resolver, allowPrivateUrls: config.alerts.allowPrivateUrls }),
    ]),
  );
}
