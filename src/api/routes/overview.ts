import { Hono } from 'hono';
import { listIncidents } from '../../alerts/store.js';
import { listingsNow } from '../../dashboard/blocklists.js';
import { domainCards } from '../../dashboard/domains.js';
import { countWindow, inboxSeries, placementSplit } from '../../dashboard/placement.js';
import type { AppDeps } from '../app.js';
import type { AuthVariables } from '../bearer-tokens.js';
import { queryOf, rangeQuery } from '../params.js';
import { jobStates } from './jobs.js';

/** Everything the overview shows in one call: placement trend and split, listings, domain grades, jobs, open incidents. */
export function overviewRoutes(deps: AppDeps) {
  const range = rangeQuery(deps.now);
  // Job states come from the scheduler as well as the store (running, next run), so they are part of the key.
  const kept = deps.cache.byRange(async () => JSON.stringify(await jobStates(deps)));
  return new Hono<{ Variables: AuthVariables }>().get('/', kept, queryOf(range), async (c) => {
    const { from, to } = c.req.valid('query');
    const window = countWindow(from, to);
    const [series, split, blocklists, domains, jobs, firing] = await Promise.all([
      inboxSeries(deps.db, window),
      placementSplit(deps.db, window, 'mailboxProvider'),
      listingsNow(deps.db),
      domainCards(deps.db, 3),
      jobStates(deps),
      listIncidents(deps.db, { state: 'firing', limit: 20 }),
    ]);
    const incidents = firing.map((i) => ({ id: i.id, title: i.title, severity: i.severity, firedAt: i.firedAt, ackedBy: i.ackedBy, silencedUntil: i.silencedUntil }));
    const { listings, ...totals } = blocklists;
    return c.json({
      window,
      series,
      split,
      listings,
      blocklists: totals,
      domains,
      jobs,
      incidents,
    });
  });
}
