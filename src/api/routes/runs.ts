import { Hono } from 'hono';
import { z } from 'zod';
import { listRuns } from '../../store/runs.js';
import type { AppDeps } from '../app.js';
import type { AuthVariables } from '../bearer-tokens.js';
import { parseQuery } from '../params.js';

const query = z.strictObject({
  job: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.coerce.number().int().min(0).optional(),
});

export function runsRoutes(deps: AppDeps) {
  return new Hono<{ Variables: AuthVariables }>().get('/', async (c) => {
    const { job, limit, before } = parseQuery(query, c.req.query());
    return c.json({ runs: await listRuns(deps.db, { job, limit, before }) });
  });
}
