import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { rollup } from '../../placement/rates.js';
import { testReport } from '../../placement/report.js';
import { listSeedHealth, listTests, placementSamples } from '../../placement/store.js';
import type { AppDeps } from '../app.js';
import type { AuthVariables } from '../bearer-tokens.js';
import { count, instant, noQuery, parseQuery, query } from '../params.js';

const DAY = 86_400_000;

const testsQuery = query(z.object({ limit: count(1, 500).default(50), before: instant.optional() }));

const idParam = z.strictObject({ id: count(1, Number.MAX_SAFE_INTEGER) });

const placementQuery = query(z.object({ from: instant.optional(), to: instant.optional(), groupBy: z.enum(['provider', 'mailboxProvider', 'day']).default('provider') }));

/** Placement tests, their verdicts with evidence, rates with Wilson intervals, and seed health. */
export function placementRoutes(deps: AppDeps) {
  return new Hono<{ Variables: AuthVariables }>()
    .get('/tests', deps.cache.byUrl(), testsQuery, async (c) => {
      const { limit, before } = c.req.valid('query');
      return c.json({ tests: await listTests(deps.db, { limit, before }) });
    })
    .get('/tests/:id', deps.cache.byUrl(), noQuery(), async (c) => {
      const { id } = parseQuery(idParam, { id: c.req.param('id') });
      const report = await testReport(deps.db, id, { headers: true });
      if (!report) throw new HTTPException(404, { message: `no test ${id}` });
      return c.json(report);
    })
    .get('/placement', placementQuery, async (c) => {
      const q = c.req.valid('query');
      const to = q.to ?? Date.now();
      const from = q.from ?? to - 7 * DAY;
      if (from >= to) throw new HTTPException(400, { message: 'from: must be before to (to defaults to now)' });
      const { groupBy } = q;
      const groups = rollup(await placementSamples(deps.db, { from, to, groupBy }));
      return c.json({ from, to, groupBy, confidence: 0.95, groups });
    })
    .get('/seeds', noQuery(), async (c) => c.json({ seeds: await listSeedHealth(deps.db) }));
}
