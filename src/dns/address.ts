import ipaddr from 'ipaddr.js';
import type { Resolver } from './types.js';

/** 4 or 6 for an IP literal as sockets take it (dotted-quad IPv4, any IPv6 form), 0 otherwise, like `node:net`'s isIP. */
export function ipFamily(text: string): 0 | 4 | 6 {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return 4;
  return ipaddr.IPv6.isValid(text) ? 6 : 0;
}

/**
 * The address to connect to for a host, looked up through the run's resolver (never the OS lookup),
 * A first, then AAAA. Callers keep the name for TLS (SNI and certificate checks).
 */
export async function resolveHost(resolver: Resolver, host: string): Promise<string> {
  if (ipFamily(host) !== 0) return host;
  for (const type of ['A', 'AAAA'] as const) {
    const answer = await resolver.query(host, type);
    const first = answer.records[0];
    if (answer.status === 'ok' && first !== undefined) return first;
  }
  throw new Error(`${host} has no A or AAAA record`);
}
