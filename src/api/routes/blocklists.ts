import { Hono } from 'hono';
import { z } from 'zod';
import { listEvents, listHealth } from '../../blocklists/store.js';
import { blocklistMatrix } from '../../dashboard/blocklists.js';
import type { AppDeps } from '../app.js';
import type { AuthVariables } from '../bearer-tokens.js';
import { count, instant, MAX_RANGE_MS, noQuery, parseQuery, query, queryOf } from '../params.js';

const DAY = 86_400_000;

const eventsQuery = z
  .object({ from: instant.optional(), to: instant.optional(), limit: count(1, 1000).default(200) })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { path: ['from'], message: 'must not be after to' });

/** The current matrix (target × list, with each list's health) and the transition history. */
export function blocklistsRoutes(deps: AppDeps) {
  const historyQuery = z
    .strictObject({
      target: z.string().min(1).max(253),
      zone: z.string().min(1).max(253).optional(),
      from: instant.optional(),
      to: instant.optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(200),
    })
    .transform((q, ctx) => {
      const to = q.to ?? deps.now();
      const from = q.from ?? to - 90 * DAY;
      if (from >= to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must be before to' });
      else if (to - from > MAX_RANGE_MS) ctx.addIssue({ code: 'custom', path: ['from'], message: 'ranges are at most 400 days' });
      return { ...q, from, to };
    });
  return new Hono<{ Variables: AuthVariables }>()
    .get('/', deps.cache.byUrl(), noQuery(), async (c) => {
      const [matrix, health] = await Promise.all([blocklistMatrix(deps.db), listHealth(deps.db)]);
      return c.json({ ...matrix, health });
    })
    .get('/events', deps.cache.byUrl(), query(eventsQuery), async (c) => {
      const { from, to, limit } = c.req.valid('query');
      return c.json({ events: await listEvents(deps.db, { from, to, limit }) });
    })
    .get('/history', deps.cache.byRange(), queryOf(historyQuery), async (c) => {
      const { target, zone, from, to, limit } = c.req.valid('query');
      return c.json({ target, zone: zone ?? null, from, to, events: await listEvents(deps.db, { target, zone, from, to, limit }) });
    });
}
