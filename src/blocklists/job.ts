import type { Job } from '../jobs/types.js';
import { checkBlocklists, configuredTargets } from './check.js';
import { healthTransition, statusKey, suspectListings, transition, type BlocklistEvent, type CurrentHealth, type CurrentStatus } from './history.js';
import { currentHealth, currentStatuses, recordSweep } from './store.js';
import type { CheckResult } from './types.js';

export type SweptResult = CheckResult & { suspect: boolean };

/**
 * The scheduled sweep: checks the configured targets, holds sudden mass listings as suspect, and records
 * the current matrix plus an event for every change. Listings and errors are results, not a failed run.
 */
export function createBlocklistsJob(): Job {
  return {
    name: 'blocklists',
    description: 'check sending IPs and domains on DNS blocklists and record changes',
    idleReason: (config) => (configuredTargets(config).length === 0 ? 'no IPs or domains to check' : undefined),
    async run({ config, db, resolver, signal, now, log, runId }) {
      const targets = configuredTargets(config);
      if (targets.length === 0) return { summary: 'no targets configured (providers[].ips, blocklists.ips, blocklists.domains, domains)', details: { results: [] } };
      const swept = await checkBlocklists({ config: config.blocklists, resolver, targets, signal });
      const at = now();
      const previous = await currentStatuses(db);
      const previousHealth = await currentHealth(db);
      const held = suspectListings(swept.results, previous);
      const statuses: CurrentStatus[] = [];
      const health: CurrentHealth[] = [];
      const events: BlocklistEvent[] = [];
      for (const result of swept.results) {
        const step = transition(previous.get(statusKey(result.target, result.zone)), result, held.has(statusKey(result.target, result.zone)), at);
        statuses.push(step.current);
        events.push(...step.events);
      }
      for (const listHealth of swept.health) {
        const step = healthTransition(previousHealth.get(listHealth.zone), listHealth, at);
        health.push(step.current);
        events.push(...step.events);
        if (!listHealth.healthy) log.warn('blocklist unhealthy this sweep', { zone: listHealth.zone, cause: listHealth.cause });
      }
      await recordSweep(db, { at, statuses, health, events, complete: !signal.aborted, runId });

      const results: SweptResult[] = swept.results.map((r) => ({ ...r, suspect: held.has(statusKey(r.target, r.zone)) }));
      const listed = results.filter((r) => r.status === 'listed' && !r.suspect).length;
      const errors = results.filter((r) => r.status === 'error').length;
      const unhealthy = swept.health.filter((h) => !h.healthy).length;
      const summary =
        `${new Set(results.map((r) => r.target)).size} targets on ${swept.health.length} lists: ${listed} listed, ${held.size} suspect, ` +
        `${errors} errors, ${unhealthy} lists unhealthy, ${events.length} changes`;
      return { summary, details: { results, health: swept.health, events, queries: swept.queries } };
    },
  };
}
