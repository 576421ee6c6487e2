import { Hono } from 'hono';
import { countWindow, inboxSeries, providerMatrix } from '../../dashboard/placement.js';
import type { AppDeps } from '../app.js';
import type { AuthVariables } from '../bearer-tokens.js';
import { queryOf, rangeQuery } from '../params.js';

/** Sending providers side by side: per mailbox provider rates with intervals and samples, latency, trend. */
export function providersRoutes(deps: AppDeps) {
  const range = rangeQuery(deps.now);
  return new Hono<{ Variables: AuthVariables }>().get('/', deps.cache.byRange(), queryOf(range), async (c) => {
    const { from, to } = c.req.valid('query');
    const window = countWindow(from, to);
    const [matrix, series] = await Promise.all([providerMatrix(deps.db, window), inboxSeries(deps.db, window)]);
    return c.json({ window, confidence: 0.95, matrix, series });
  });
}
