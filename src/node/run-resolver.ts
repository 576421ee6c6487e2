import type { DnsConfig } from '../config/schema.js';
import { withCache } from '../dns/cache.js';
import type { Resolver } from '../dns/types.js';
import { createAresResolver } from './ares-resolver.js';

/** The resolver a job run uses: the configured servers, with a cache that lives as long as the run. */
export function resolverForRun(config: DnsConfig): Resolver {
  return withCache(createAresResolver(config), { maxTtlMs: config.cacheMaxTtl });
}
