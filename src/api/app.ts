import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import type { ChannelSummary, ChannelTestOutcome } from '../alerts/channel-test.js';
import type { Json } from '../audit/types.js';
import type { ScheduledJob } from '../jobs/table.js';
import type { Logger } from '../log.js';
import type { IngestRun } from '../ingest/batch.js';
import type { IngestOutcome } from '../reports/ingest.js';
import type { Sql } from '../store/sql.js';
import { authenticate, type ApiToken, type AuthVariables } from './bearer-tokens.js';
import { alertsRoutes } from './routes/alerts.js';
import { noQuery } from './params.js';
import { blocklistsRoutes } from './routes/blocklists.js';
import { domainsRoutes } from './routes/domains.js';
import { ingestRoutes } from './routes/ingest.js';
import { jobsRoutes } from './routes/jobs.js';
import { overviewRoutes } from './routes/overview.js';
import { metricsHandler } from './routes/metrics.js';
import { placementRoutes } from './routes/placement.js';
import { providersRoutes } from './routes/providers.js';
import { reportsRoutes } from './routes/reports.js';
import { runsRoutes } from './routes/runs.js';
import { sessionRoutes, signInRoutes } from './routes/session.js';
import { settingsRoutes } from './routes/settings.js';
import { timelineRoutes } from './routes/timeline.js';
import { versionCache, type DataVersion, type VersionCache } from './version-cache.js';

/** What the API needs from its runtime; the Node server and the Worker each supply it. */
export interface AppOptions {
  db: Sql;
  tokens: readonly ApiToken[];
  jobs: readonly ScheduledJob[];
  log: Logger;
  now?: () => number;
  /** The running configuration with its secrets redacted, for the settings view. */
  settings?: Json;
  /** Names of jobs running in this process, when the runtime runs jobs itself. */
  running?: () => string[];
  /** When the scheduler fires a job next (epoch ms), if it is scheduled. */
  nextRun?: (job: string) => number | null;
  /** Starts a job now without waiting for it, when the runtime runs jobs itself. */
  trigger?: (job: string) => 'started' | 'busy' | 'unknown';
  reports?: { import(name: string, bytes: Uint8Array): Promise<IngestOutcome[]>; maxUploadBytes: number };
  /** `GET /metrics` on this app, behind an API token; off when the runtime serves metrics on their own bind. */
  metrics?: boolean;
  /**
   * Changes on every write to the store (see DataVersion); given, the dashboard's read-only answers are kept
   * until the data changes.
   */
  dataVersion?: DataVersion;
  /** The alert channels, for the settings view (and its test buttons). */
  channels?: readonly ChannelSummary[];
  /** Sends a test notification through one alert channel now (`POST /api/alerts/test`); absent, the route answers 501. */
  testChannel?: (channel: string) => Promise<ChannelTestOutcome>;
  /** Runs after an agent's batch was stored, e.g. alert evaluation over the new facts. */
  onIngested?: (runs: readonly IngestRun[]) => Promise<void>;
  /** Routes only one runtime serves (e.g. the pushed configuration on Workers), mounted under /api. */
  runtimeRoutes?: ReadonlyArray<{ path: string; routes: Hono<{ Variables: AuthVariables }> }>;
}

export type AppDeps = Omit<AppOptions, 'now' | 'settings' | 'dataVersion'> & { now: () => number; settings: Json; cache: VersionCache };

/**
 * The dashboard may run only its own scripts and styles and may not be framed. Lit's styles are
 * constructed stylesheets and Chart.js sizes its canvas through the CSSOM, neither of which CSP governs.
 */
const securityHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
  xFrameOptions: 'DENY',
  referrerPolicy: 'same-origin',
});

/** The HTTP API, free of Node- and Workers-only imports so both runtimes serve the same app. */
export function createApp(options: AppOptions) {
  const deps: AppDeps = { ...options, now: options.now ?? Date.now, settings: options.settings ?? null, cache: versionCache(options.dataVersion) };
  const app = new Hono<{ Variables: AuthVariables }>()
    .use('*', securityHeaders)
    .get('/healthz', noQuery(), async (c) => {
      try {
        await deps.db.first('SELECT 1');
        return c.json({ status: 'ok' });
      } catch (error) {
        deps.log.error('health check failed', { error: (error as Error).message });
        return c.json({ status: 'error', error: 'database unavailable' }, 503);
      }
    })
    .route('/api/session', signInRoutes(deps))
    .use('/api/*', authenticate({ tokens: deps.tokens, db: deps.db, now: deps.now }))
    .route('/api/session', sessionRoutes(deps))
    .route('/api/overview', overviewRoutes(deps))
    .route('/api/providers', providersRoutes(deps))
    .route('/api/timeline', timelineRoutes(deps))
    .route('/api/settings', settingsRoutes(deps))
    .route('/api/runs', runsRoutes(deps))
    .route('/api/jobs', jobsRoutes(deps))
    .route('/api/domains', domainsRoutes(deps))
    .route('/api/blocklists', blocklistsRoutes(deps))
    .route('/api/alerts', alertsRoutes(deps))
    .route('/api/reports', reportsRoutes(deps))
    .route('/api/ingest', ingestRoutes(deps))
    .route('/api', placementRoutes(deps));
  const auth = authenticate({ tokens: deps.tokens, db: deps.db, now: deps.now });
  if (deps.metrics === false) app.get('/metrics', (c) => c.json({ error: 'metrics are served on alerts.metrics.bind' }, 404));
  else app.get('/metrics', auth, noQuery(), metricsHandler(deps));

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
