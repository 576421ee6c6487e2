import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import type { Resolver } from './types.js';

/**
 * The address to connect to for a host, looked up through the run's resolver (never the OS lookup),
 * A first, then AAAA. Callers keep the name for TLS (SNI and certificate checks).
 */
export async function resolveHost(resolver: Resolver, host: string): Promise<string> {
  if (isIP(host) !== 0) return host;
  for (const type of ['A', 'AAAA'] as const) {
    const answer = await resolver.query(host, type);
    const first = answer.records[0];
    if (answer.status === 'ok' && first !== undefined) return first;
  }
  throw new Error(`${host} has no A or AAAA record`);
}

/** A `lookup` for sockets and HTTP clients that asks the run's resolver, so every connection obeys `dns.servers`. */
export function lookupVia(resolver: Resolver): LookupFunction {
  return (hostname, options, callback) => {
    resolveHost(resolver, hostname).then(
      (address) => {
        const family = isIP(address);
        if (options.all) callback(null, [{ address, family }]);
        else callback(null, address, family);
      },
      (error: Error) => callback(Object.assign(error, { code: (error as NodeJS.ErrnoException).code ?? 'ENOTFOUND' }), '', 0),
    );
  };
}
