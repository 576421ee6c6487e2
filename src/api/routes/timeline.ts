import { Hono } from 'hono';
import { countWindow, inboxSeries } from '../../dashboard/placement.js';
import { auditStatusChanges, eventTotals, listingEvents, recordChangeEvents } from '../../dashboard/timeline.js';
import type { AppDeps } from '../app.js';
import type { AuthVariables } from '../bearer-tokens.js';
import { queryOf, rangeQuery } from '../params.js';

/**
 * At most this many events of each kind on one timeline; the newest are kept and `totals` says how many the
 * range holds, so the view can say what it left out. More dashed lines than this hide the rates they explain.
 */
export const TIMELINE_EVENT_LIMIT = 200;

/** Placement rates on one time axis with the events that explain them. */
export function timelineRoutes(deps: AppDeps) {
  const range = rangeQuery(deps.now);
  return new Hono<{ Variables: AuthVariables }>().get('/', deps.cache.byRange(), queryOf(range), async (c) => {
    const { from, to } = c.req.valid('query');
    const window = countWindow(from, to);
    const [series, changes, audits, listings, totals] = await Promise.all([
      inboxSeries(deps.db, window),
      recordChangeEvents(deps.db, { from, to, limit: TIMELINE_EVENT_LIMIT }),
      auditStatusChanges(deps.db, { from, to, limit: TIMELINE_EVENT_LIMIT }),
      listingEvents(deps.db, { from, to, limit: TIMELINE_EVENT_LIMIT }),
      eventTotals(deps.db, { from, to }),
    ]);
    // Only what the chart and the event list show; the domain view has the audit ids and full record sets.
    const auditEvents = audits.map(({ at, domain, from: before, to: after, regression }) => ({ at, domain, from: before, to: after, regression }));
    return c.json({ window, from, to, series, changes, audits: auditEvents, listings, totals });
  });
}
