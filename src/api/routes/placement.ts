import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { rollup } from '../../placement/rates.js';
import { testReport } from '../../placement/report.js';
import { listSeedHealth, listTests, placementSamples } from '../../placement/store.js';
import type { AppDeps } from '../app.js';
import type { AuthVariables } from '../bearer-tokens.js';
import { parseQuery } from '../params.js';

const DAY = 86_400_000;

/** Epoch milliseconds or an ISO 8601 date/time. */
const instant = z.string().transform((value, ctx) => {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: 'custom', message: 'expected epoch milliseconds or an ISO 8601 date such as 2026-11-01' });
    return z.NEVER;
  }
  return ms;
});

const testsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.coerce.number().int().min(0).optional(),
});

const idParam = z.strictObject({ id: z.coerce.number().int().min(1) });

const placementQuery = z
  .strictObject({
    from: instant.optional(),
    to: instant.optional(),
    groupBy: z.enum(['provider', 'mailboxProvider', 'day']).default('provider'),
  })
  .transform((q, ctx) => {
    const to = q.to ?? Date.now();
    const from = q.from ?? to - 7 * DAY;
    if (from >= to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must be before to' });
    return { from, to, groupBy: q.groupBy };
  });

/** Placement tests, their verdicts with evidence, rates with Wilson intervals, and seed health. */
export function placementRoutes(deps: AppDeps) {
  return new Hono<{ Variables: AuthVariables }>()
    .get('/tests', async (c) => {
      const { limit, before } = parseQuery(testsQuery, c.req.query());
      return c.json({ tests: await listTests(deps.db, { limit, before }) });
    })
    .get('/tests/:id', async (c) => {
      const { id } = parseQuery(idParam, { id: c.req.param('id') });
      const report = await testReport(deps.db, id, { headers: true });
      if (!report) throw new HTTPException(404, { message: `no test ${id}` });
      return c.json(report);
    })
    .get('/placement', async (c) => {
      const { from, to, groupBy } = parseQuery(placementQuery, c.req.query());
      const groups = rollup(await placementSamples(deps.db, { from, to, groupBy }));
      return c.json({ from, to, groupBy, confidence: 0.95, groups });
    })
    .get('/seeds', async (c) => c.json({ seeds: await listSeedHealth(deps.db) }));
}
