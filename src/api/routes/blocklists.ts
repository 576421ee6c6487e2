import { Hono } from 'hono';
import { z } from 'zod';
import { listEvents, listHealth, listStatuses } from '../../blocklists/store.js';
import type { AppDeps } from '../app.js';
import type { AuthVariables } from '../bearer-tokens.js';
import { parseQuery } from '../params.js';

const eventsQuery = z
  .strictObject({
    from: z.coerce.number().int().min(0).optional(),
    to: z.coerce.number().int().min(0).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(200),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { path: ['from'], message: 'must not be after to' });

/** The current matrix (target × list, with each list's health) and the transition history. */
export function blocklistsRoutes(deps: AppDeps) {
  return new Hono<{ Variables: AuthVariables }>()
    .get('/', async (c) => {
      parseQuery(z.strictObject({}), c.req.query());
      const [statuses, health] = await Promise.all([listStatuses(deps.db), listHealth(deps.db)]);
      // lastKnown/lastKnownCodes only serve transition bookkeeping.
      return c.json({ statuses: statuses.map(({ lastKnown: _known, lastKnownCodes: _codes, ...status }) => status), health });
    })
    .get('/events', async (c) => {
      const { from, to, limit } = parseQuery(eventsQuery, c.req.query());
      return c.json({ events: await listEvents(deps.db, { from, to, limit }) });
    });
}
