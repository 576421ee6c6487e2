import { testChannel, type ChannelTestOutcome } from '../alerts/channel-test.js';
import { createAlertEngine } from '../alerts/engine.js';
import type { Notifier } from '../alerts/types.js';
import { createWebhookNotifier } from '../alerts/webhook-notifier.js';
import type { Config } from '../config/schema.js';
import type { Resolver } from '../dns/types.js';
import type { Logger } from '../log.js';
import type { Sql } from '../store/sql.js';
import { createBindingEmailNotifier, type SendEmailBinding } from './email-binding.js';
import { fetchWebhookPost } from './fetch-webhook.js';
import { withWebhookSecrets } from './webhook-secrets.js';

/** The Worker's alert bindings and secrets (wrangler.toml, `wrangler secret put`). */
export interface AlertBindings {
  /** `channel:secret` pairs: the webhook signing secrets a pushed configuration leaves out. */
  INBOXWATCH_WEBHOOK_SECRETS?: string;
  /** Optional Email Service binding for email channels. */
  ALERT_EMAIL?: SendEmailBinding;
}

export interface WorkerAlerts {
  /** Reads the facts the last run (or ingest) stored and queues what they call for. */
  evaluate(): Promise<void>;
  /** Sends whatever the outbox holds that is due, including retries queued by earlier invocations. */
  deliver(): Promise<void>;
  /** One test notification through one channel, sent now (`POST /api/alerts/test`). */
  test(channel: string): Promise<ChannelTestOutcome>;
}

/**
 * The alert engine on a Worker: the same rules, incidents and outbox as Node, in D1. Nothing waits in
 * memory between invocations: a failed notification stays in the outbox with its next attempt time and is
 * sent by the first invocation after that (every Cron Trigger delivers what is due).
 */
export function workerAlerts(deps: { config: Config; db: Sql; log: Logger; bindings: AlertBindings; resolver: Resolver }): WorkerAlerts {
  let config = deps.config;
  // A malformed secret must not stop the jobs, nor let webhooks go out unsigned: each attempt fails with the reason.
  let secretsProblem: string | undefined;
  try {
    const signed = withWebhookSecrets(deps.config, deps.bindings.INBOXWATCH_WEBHOOK_SECRETS);
    config = signed.config;
    if (signed.unknown.length > 0) deps.log.warn('INBOXWATCH_WEBHOOK_SECRETS names channels that are not webhook channels of the pushed configuration', { channels: signed.unknown });
  } catch (error) {
    secretsProblem = (error as Error).message;
    deps.log.error('webhook secrets unusable; webhook notifications fail until the secret is fixed', { error: secretsProblem });
  }
  const { allowPrivateUrls } = config.alerts;
  const unsigned = (problem: string): Notifier => ({ send: () => Promise.reject(new Error(problem)) });
  const notifiers = new Map<string, Notifier>(
    config.alerts.channels.map((channel) => [
      channel.name,
      channel.type === 'email'
        ? createBindingEmailNotifier(channel, deps.bindings.ALERT_EMAIL)
        : secretsProblem
          ? unsigned(secretsProblem)
          : createWebhookNotifier(channel, { allowPrivateUrls, post: fetchWebhookPost({ resolver: deps.resolver, allowPrivateUrls }) }),
    ]),
  );
  const engine = createAlertEngine({ config, db: deps.db, log: deps.log, notifiers, holder: `worker:${crypto.randomUUID()}` });
  return {
    async evaluate() {
      await engine.evaluate();
    },
    async deliver() {
      await engine.deliver();
    },
    test: (channel) => testChannel(engine, deps.db, config.alerts.channels.map((c) => c.name), channel, Date.now()),
  };
}
