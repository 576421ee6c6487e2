import type { DnsConfig } from '../config/schema.js';
import { withCache } from './cache.js';
import { createNodeResolver } from './node-resolver.js';
import type { Resolver } from './types.js';

export * from './types.js';
export { withCache } from './cache.js';
export { toMailauthResolver } from './mailauth-adapter.js';
export { createNodeResolver } from './node-resolver.js';

/** The resolver a job run uses: the configured servers, with a cache that lives as long as the run. */
export function resolverForRun(config: DnsConfig): Resolver {
  return withCache(createNodeResolver(config), { maxTtlMs: config.cacheMaxTtl });
}
