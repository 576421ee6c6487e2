import { stringify } from 'yaml';
import type { Config } from './schema.js';

/**
 * The part of a configuration a Workers deployment runs — domains, blocklist targets, audit settings,
 * schedules, retention, the providers' sending IPs and the alert rules and channels — as YAML. Passwords,
 * keys, tokens, webhook secrets and seed mailboxes stay behind; the Worker takes its own secrets from the
 * platform.
 */
export function workerDocument(config: Config): string {
  const { dqsKey: _dqs, abusixKey: _abusix, ...blocklists } = config.blocklists;
  return stringify({
    dns: { timeoutMs: config.dns.timeoutMs, tries: config.dns.tries, cacheMaxTtl: config.dns.cacheMaxTtl },
    providers: config.providers.map((provider) => ({
      name: provider.name,
      from: provider.from,
      ips: provider.ips,
      smtp: { host: provider.smtp.host, port: provider.smtp.port, secure: provider.smtp.secure },
    })),
    domains: config.domains,
    blocklists,
    audit: config.audit,
    schedules: config.schedules,
    retention: config.retention,
    alerts: workerAlerts(config.alerts),
  });
}

/** Alerts without secrets: a webhook's signing secret and an email channel's SMTP login (the Worker sends no SMTP). */
function workerAlerts(alerts: Config['alerts']) {
  return {
    allowPrivateUrls: alerts.allowPrivateUrls,
    dashboardUrl: alerts.dashboardUrl,
    channels: alerts.channels.map((channel) => {
      if (channel.type === 'webhook') {
        const { secret: _secret, ...rest } = channel;
        return rest;
      }
      return { ...channel, smtp: { host: channel.smtp.host, port: channel.smtp.port, secure: channel.smtp.secure } };
    }),
    rules: alerts.rules,
    digest: alerts.digest,
  };
}

/** Key paths in a configuration that hold secrets; a document pushed to a server must have none. */
export function secretPaths(config: Config): string[] {
  const found: string[] = [];
  if (config.server.tokens.length > 0) found.push('server.tokens');
  config.providers.forEach((provider, i) => {
    if (provider.smtp.user !== undefined) found.push(`providers[${i}].smtp.user`);
    if (provider.smtp.pass !== undefined) found.push(`providers[${i}].smtp.pass`);
    if (provider.dkim !== undefined) found.push(`providers[${i}].dkim`);
  });
  if (config.seeds.length > 0) found.push('seeds');
  if (config.blocklists.dqsKey !== undefined) found.push('blocklists.dqsKey');
  if (config.blocklists.abusixKey !== undefined) found.push('blocklists.abusixKey');
  config.alerts.channels.forEach((channel, i) => {
    if (channel.type === 'webhook' && channel.secret !== undefined) found.push(`alerts.channels[${i}].secret`);
    if (channel.type === 'email' && channel.smtp.user !== undefined) found.push(`alerts.channels[${i}].smtp.user`);
    if (channel.type === 'email' && channel.smtp.pass !== undefined) found.push(`alerts.channels[${i}].smtp.pass`);
  });
  return found;
}
