import { Hono } from 'hono';
import { listRuns } from '../../store/runs.js';
import type { AppDeps } from '../app.js';
import type { AuthVariables } from '../bearer-tokens.js';

export function jobsRoutes(deps: AppDeps) {
  return new Hono<{ Variables: AuthVariables }>().get('/', async (c) => {
    const running = new Set(deps.running?.() ?? []);
    const jobs = await Promise.all(
      deps.jobs.map(async ({ job, schedule, idleReason }) => {
        const [last] = await listRuns(deps.db, { job: job.name, limit: 1 });
        return {
          name: job.name,
          description: job.description,
          schedule: schedule ?? null,
          idleReason: idleReason ?? null,
          running: running.has(job.name),
          lastRun: last ?? null,
        };
      }),
    );
    return c.json({ jobs });
  });
}
