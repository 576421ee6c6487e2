import { Hono } from 'hono';
import { z } from 'zod';
import { listRuns } from '../../store/runs.js';
import type { AppDeps } from '../app.js';
import type { AuthVariables } from '../bearer-tokens.js';
import { count, instant, query } from '../params.js';

const runsQuery = query(
  z.object({
    job: z.string().optional(),
    limit: count(1, 500).default(50),
    before: instant.optional(),
  }),
);

export function runsRoutes(deps: AppDeps) {
  return new Hono<{ Variables: AuthVariables }>().get('/', runsQuery, async (c) => {
    const { job, limit, before } = c.req.valid('query');
    return c.json({ runs: await listRuns(deps.db, { job, limit, before }) });
  });
}
