import { isIP, type LookupFunction } from 'node:net';
import { resolveHost } from '../dns/address.js';
import type { Resolver } from '../dns/types.js';

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
