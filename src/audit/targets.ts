import type { Config } from '../config/schema.js';
import type { AuditTarget } from './audit-domains.js';

const isUnder = (name: string, domain: string) => name === domain || name.endsWith(`.${domain}`);

/**
 * What to audit for a domain, from the configuration: its listed selectors plus those of providers that
 * sign for it, and the IPs of providers whose From address is in it.
 */
export function targetFor(config: Config, name: string, extra: { selectors?: readonly string[]; ips?: readonly string[] } = {}): AuditTarget {
  const domain = name.toLowerCase().replace(/\.$/, '');
  const configured = config.domains.find((d) => d.name.toLowerCase().replace(/\.$/, '') === domain);
  const providerSelectors = config.providers.filter((p) => p.dkim && p.dkim.domain.toLowerCase() === domain).map((p) => p.dkim?.selector as string);
  const providerIps = config.providers.filter((p) => isUnder(fromDomain(p.from), domain)).flatMap((p) => p.ips);
  return {
    domain,
    selectors: [...new Set([...(configured?.dkimSelectors ?? []), ...providerSelectors, ...(extra.selectors ?? [])])],
    sendingIps: [...new Set(extra.ips && extra.ips.length > 0 ? extra.ips : providerIps)],
  };
}

function fromDomain(from: string): string {
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from;
  return (address.split('@').pop() ?? '').trim().toLowerCase();
}
