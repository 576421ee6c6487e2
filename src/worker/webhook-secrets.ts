import type { Config } from '../config/schema.js';

const MIN_SECRET_LENGTH = 16;

/**
 * Webhook signing secrets on a Worker: a pushed configuration never holds them, so they come from the
 * `INBOXWATCH_WEBHOOK_SECRETS` secret as `channel:secret` pairs separated by commas. A malformed entry names
 * itself; entries naming no webhook channel are returned so the caller can say so.
 */
export function withWebhookSecrets(config: Config, value: string | undefined): { config: Config; unknown: string[] } {
  if (!value?.trim()) return { config, unknown: [] };
  const secrets = new Map<string, string>();
  value.split(',').forEach((entry, i) => {
    const at = entry.indexOf(':');
    if (at <= 0) throw new Error(`INBOXWATCH_WEBHOOK_SECRETS: entry ${i + 1} is not channel:secret`);
    const secret = entry.slice(at + 1).trim();
    if (secret.length < MIN_SECRET_LENGTH) throw new Error(`INBOXWATCH_WEBHOOK_SECRETS entry ${i + 1}: webhook secrets must be at least ${MIN_SECRET_LENGTH} characters`);
    secrets.set(entry.slice(0, at).trim(), secret);
  });
  const webhooks = new Set(config.alerts.channels.filter((c) => c.type === 'webhook').map((c) => c.name));
  const channels = config.alerts.channels.map((channel) => (channel.type === 'webhook' && secrets.has(channel.name) ? { ...channel, secret: secrets.get(channel.name) } : channel));
  return { config: { ...config, alerts: { ...config.alerts, channels } }, unknown: [...secrets.keys()].filter((name) => !webhooks.has(name)) };
}
