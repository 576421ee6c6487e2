import { Agent, fetch } from 'undici';
import { lookupVia } from './host-lookup.js';
import type { Resolver } from '../dns/types.js';
import type { FetchLike } from '../placement/oauth2.js';

/** HTTPS to the OAuth2 token endpoint with its name resolved by the configured resolver, like every other connection. */
export function resolverFetch(resolver: Resolver): FetchLike {
  const dispatcher = new Agent({ connect: { lookup: lookupVia(resolver) } });
  return (url, init) => fetch(url, { ...init, dispatcher });
}
