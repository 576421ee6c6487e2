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
  return new Hono<{ Variables: AuthVariables }>().get('/', queryOf(range), async (c) => {
    const { from, to } = c.req.valid('query');
    const window = countWindow(from, to);
    // Job states come from the scheduler as well as the store, so they are read fresh; the rest only changes with the data.
    const [[series, split, blocklists, domains, firing], jobs] = await Promise.all([
      deps.cache.value(`overview ${window.from} ${window.to}`, () =>
        Promise.all([
          inboxSeries(deps.db, window),
          placementSplit(deps.db, window, 'mailboxProvider'),
          listingsNow(deps.db),
          domainCards(deps.db, 3),
          listIncidents(deps.db, { state: 'firing', limit: 20 }),
        ]),
      ),
      jobStates(deps),
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
