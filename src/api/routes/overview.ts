import { Hono } from 'hono';
import { domainCards } from '../../dashboard/domains.js';
import { countWindow, inboxSeries, placementSplit } from '../../dashboard/placement.js';
import { listStatuses } from '../../blocklists/store.js';
import type { AppDeps } from '../app.js';
import type { AuthVariables } from '../auth.js';
import { queryOf, rangeQuery } from '../params.js';
import { jobStates } from './jobs.js';

/** Everything the overview shows in one call: placement trend and split, listings, domain grades, jobs. */
export function overviewRoutes(deps: AppDeps) {
  const range = rangeQuery(deps.now);
  return new Hono<{ Variables: AuthVariables }>().get('/', queryOf(range), async (c) => {
    const { from, to } = c.req.valid('query');
    const window = countWindow(from, to);
    const [series, split, statuses, domains, jobs] = await Promise.all([
      inboxSeries(deps.db, window),
      placementSplit(deps.db, window, 'mailboxProvider'),
      listStatuses(deps.db),
      domainCards(deps.db, 3),
      jobStates(deps),
    ]);
    const listed = statuses.filter((s) => s.status === 'listed');
    return c.json({
      window,
      series,
      split,
      listings: listed.map((s) => ({ target: s.target, zone: s.zone, list: s.list, since: s.since, severity: s.severity, reason: s.reason, delistUrl: s.delistUrl })),
      blocklists: { targets: new Set(statuses.map((s) => s.target)).size, checked: statuses.length, errors: statuses.filter((s) => s.status === 'error').length },
      domains,
      jobs,
    });
  });
}
