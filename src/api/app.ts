import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ScheduledJob } from '../jobs/table.js';
import type { Logger } from '../log.js';
import type { Sql } from '../store/sql.js';
import { bearerTokens, type ApiToken, type AuthVariables } from './bearer-tokens.js';
import { blocklistsRoutes } from './routes/blocklists.js';
import { domainsRoutes } from './routes/domains.js';
import { jobsRoutes } from './routes/jobs.js';
import { placementRoutes } from './routes/placement.js';
import { runsRoutes } from './routes/runs.js';

/** What the API needs from its runtime; the Node server and the Worker each supply it. */
export interface AppDeps {
  db: Sql;
  tokens: readonly ApiToken[];
  jobs: readonly ScheduledJob[];
  log: Logger;
  /** Names of jobs running in this process, when the runtime runs jobs itself. */
  running?: () => string[];
  /** Routes only one runtime serves (e.g. the pushed configuration on Workers), mounted under /api. */
  runtimeRoutes?: ReadonlyArray<{ path: string; routes: Hono<{ Variables: AuthVariables }> }>;
}

/** The HTTP API, free of Node- and Workers-only imports so both runtimes serve the same app. */
export function createApp(deps: AppDeps) {
  const app = new Hono<{ Variables: AuthVariables }>();

  app.get('/healthz', async (c) => {
    try {
      await deps.db.first('SELECT 1');
      return c.json({ status: 'ok' });
    } catch (error) {
      deps.log.error('health check failed', { error: (error as Error).message });
      return c.json({ status: 'error', error: 'database unavailable' }, 503);
    }
  });

  app.use('/api/*', bearerTokens(deps.tokens));
  app.route('/api/runs', runsRoutes(deps));
  app.route('/api/jobs', jobsRoutes(deps));
  app.route('/api/domains', domainsRoutes(deps));
  app.route('/api/blocklists', blocklistsRoutes(deps));
  app.route('/api', placementRoutes(deps));
  for (const { path, routes } of deps.runtimeRoutes ?? []) app.route(`/api${path}`, routes);
  app.all('/api/*', (c) => c.json({ error: `no such endpoint: ${c.req.method} ${c.req.path}` }, 404));

  app.onError((error, c) => {
    if (error instanceof HTTPException) {
      if (error.res) return error.res;
      return c.json({ error: error.message }, error.status);
    }
    deps.log.error('request failed', { method: c.req.method, path: c.req.path, error: error.message });
    return c.json({ error: 'internal error' }, 500);
  });

  return app;
}

export type App = ReturnType<typeof createApp>;
