import { Hono } from 'hono';
import { z } from 'zod';
import { listEvents, listHealth, listStatuses } from '../../blocklists/store.js';
import type { AppDeps } from '../app.js';
import type { AuthVariables } from '../bearer-tokens.js';
import { count, instant, noQuery, query } from '../params.js';

const eventsQuery = z
  .object({ from: instant.optional(), to: instant.optional(), limit: count(1, 1000).default(200) })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { path: ['from'], message: 'must not be after to' });

/** The current matrix (target × list, with each list's health) and the transition history. */
export function blocklistsRoutes(deps: AppDeps) {
  return new Hono<{ Variables: AuthVariables }>()
    .get('/', noQuery(), async (c) => {
      const [statuses, health] = await Promise.all([listStatuses(deps.db), listHealth(deps.db)]);
      // lastKnown/lastKnownCodes only serve transition bookkeeping.
      return c.json({ statuses: statuses.map(({ lastKnown: _known, lastKnownCodes: _codes, ...status }) => status), health });
    })
    .get('/events', query(eventsQuery), async (c) => {
      const { from, to, limit } = c.req.valid('query');
      return c.json({ events: await listEvents(deps.db, { from, to, limit }) });
    });
}
