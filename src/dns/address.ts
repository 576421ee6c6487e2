import { ipFamily } from './ip.js';
import type { Resolver } from './types.js';

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
