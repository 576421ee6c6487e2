import type { BlocklistsConfig, Config } from '../config/schema.js';
import type { Resolver } from '../dns/types.js';
import { selectLists } from './lists.js';
import { sweep, type SweepResult } from './sweep.js';
import { parseTargets, type RegistrableDomain } from './targets.js';

/** The targets a sweep checks when none are given: providers' IPs, blocklists.ips/domains and the sending domains. */
export function configuredTargets(config: Config): string[] {
  return [
    ...config.providers.flatMap((provider) => provider.ips),
    ...config.blocklists.ips,
    ...config.blocklists.domains,
    ...config.domains.map((domain) => domain.name),
  ];
}

export interface CheckRequest {
  config: BlocklistsConfig;
  resolver: Resolver;
  /** Raw targets (IPs, CIDR ranges, domains); parsed here so a bad one throws before any query. */
  targets: readonly string[];
  /** `--zones`: overrides blocklists.zones. */
  zones?: readonly string[];
  signal?: AbortSignal;
}

/** IP-only sweeps never ask; the Public Suffix List (tldts, large to load) is read only when a domain is checked. */
const noDomains: RegistrableDomain = () => null;

/** One sweep with the configured lists, keys, concurrency and retries. */
export async function checkBlocklists(request: CheckRequest): Promise<SweepResult> {
  const { config } = request;
  const targets = parseTargets(request.targets);
  const lists = selectLists(config, request.zones);
  return sweep({
    resolver: request.resolver,
    lists,
    targets,
    registrable: targets.some((target) => target.kind === 'domain') ? (await import('tldts')).getDomain : noDomains,
    concurrency: config.concurrency,
    retries: config.retries,
    secrets: [config.dqsKey, config.abusixKey].filter((key): key is string => key !== undefined),
    signal: request.signal,
  });
}
