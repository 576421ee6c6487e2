import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { listRuns } from '../../store/runs.js';
import type { AppDeps } from '../app.js';
import { requireRole, type AuthVariables } from '../bearer-tokens.js';
import { noQuery } from '../params.js';

/** Every job with its schedule, next run, whether it is running now and its last run. */
export async function jobStates(deps: AppDeps) {
  const running = new Set(deps.running?.() ?? []);
  return Promise.all(
    deps.jobs.map(async ({ job, schedule, idleReason }) => {
      const [last] = await listRuns(deps.db, { job: job.name, limit: 1 });
      return {
        name: job.name,
        description: job.description,
        schedule: schedule ?? null,
        nextRunAt: deps.nextRun?.(job.name) ?? null,
        idleReason: idleReason ?? null,
        running: running.has(job.name),
        lastRun: last ?? null,
      };
    }),
  );
}

export function jobsRoutes(deps: AppDeps) {
  return new Hono<{ Variables: AuthVariables }>()
    .get('/', noQuery(), async (c) => c.json({ jobs: await jobStates(deps) }))
    .post('/:name/run', requireRole('admin'), noQuery(), async (c) => {
      const name = c.req.param('name');
      if (!deps.trigger) throw new HTTPException(501, { message: 'this server does not run jobs itself' });
      const outcome = deps.trigger(name);
      if (outcome === 'unknown') throw new HTTPException(404, { message: `no job named "${name}"` });
      if (outcome === 'busy') return c.json({ job: name, started: false, error: `job ${name} is already running` }, 409);
      return c.json({ job: name, started: true }, 202);
    });
}
