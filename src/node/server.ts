import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serve as serveHttp, type ServerType } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { channelSummaries, testChannel } from '../alerts/channel-test.js';
import { createApp } from '../api/app.js';
import { redactConfig } from '../api/redact-config.js';
import { metricsHandler } from '../api/routes/metrics.js';
import type { Config } from '../config/schema.js';
import { createJobRunner, JobBusyError, type JobRunner } from '../jobs/job-runner.js';
import { jobTable, type ScheduledJob } from '../jobs/table.js';
import { startScheduler, type Scheduler } from './cron-scheduler.js';
import type { Logger } from '../log.js';
import { interruptOrphanedRuns } from '../store/runs.js';
import { startAlerts } from './alerts/index.js';
import type { IngestOutcome } from '../reports/ingest.js';
import { limitsOf } from '../reports/limits.js';
import { registerProcessOwner } from './process-owner.js';
import { startPlacementService } from './placement-service.js';
import { importBytes } from './reports/report-files.js';
import { startReportMailbox } from './reports/service.js';
import { createNodeRuntime } from './root.js';
import { openStore } from './sqlite-store.js';
import { resolveTokens } from './tokens.js';

const WEB_ROOT = fileURLToPath(new URL('../../web/dist', import.meta.url));

export interface Server {
  url: string;
  /** Stops the scheduler, lets running jobs finish within the grace period (or marks them interrupted), closes everything. */
  close(graceMs?: number): Promise<void>;
}

/** `inboxwatch serve`: the API, the dashboard and the scheduled jobs in one process on the embedded store. */
export async function startServer(config: Config, log: Logger): Promise<Server> {
  const db = await openStore(config.database);
  const owner = await registerProcessOwner(db, 'serve', log);
  const interrupted = await interruptOrphanedRuns(db, owner, Date.now(), 'the process stopped before the run finished');
  if (interrupted > 0) log.warn('marked runs of processes that are gone as interrupted', { count: interrupted });

  const runtime = createNodeRuntime(config);
  const table = jobTable(config, runtime.jobs);
  const alerts = startAlerts({ config, db, log, retry: true, resolver: runtime.resolver() });
  const runner = createJobRunner({ config, db, log, resolver: runtime.resolver, owner, afterRun: alerts.afterRun });
  const metricsBind = config.alerts.metrics.bind;
  const reportDeps = { db, log, resolver: runtime.resolver(), limits: limitsOf(config.reports), now: Date.now };
  // Reports stored outside a job run are facts like any other: an uploaded report that reveals a spoofing source alerts at once.
  const afterReports = async (outcomes: readonly IngestOutcome[]): Promise<void> => {
    if (!outcomes.some((o) => o.status === 'stored')) return;
    await alerts.afterIntake().catch((error: Error) => log.error('alert evaluation failed', { error: error.message }));
  };
  // The scheduler starts after the server listens; until then nothing is due.
  let scheduler: Scheduler | undefined;
  const app = createApp({
    db,
    dataVersion: db.dataVersion,
    tokens: resolveTokens(config, log),
    jobs: table,
    log,
    settings: redactConfig(config),
    running: runner.running,
    nextRun: (job) => scheduler?.nextRun(job) ?? null,
    trigger: (name) => triggerJob(table, runner, log, name),
    metrics: metricsBind === undefined,
    reports: {
      async import(name, bytes) {
        const files = await importBytes(reportDeps, name, bytes, 'upload');
        await afterReports(files);
        return files;
      },
      maxUploadBytes: config.reports.limits.maxCompressed,
    },
    channels: channelSummaries(config.alerts.channels),
    testChannel: (channel) => testChannel(alerts.engine, db, config.alerts.channels.map((c) => c.name), channel, Date.now()),
    // An agent's batch is answered once evaluated; delivery follows in the background, as for uploads.
    onIngested: () => alerts.afterIntake(),
  });
  if (existsSync(WEB_ROOT)) {
    app.use('/*', serveStatic({ root: WEB_ROOT }));
    app.get('/*', serveStatic({ path: 'index.html', root: WEB_ROOT }));
  } else {
    log.warn('dashboard not built; run `npm run build` to serve it', { path: WEB_ROOT });
  }

  const server = await listen(app.fetch, config.server.host, config.server.port);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  const url = `http://${config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host}:${port}`;
  const metricsServer = metricsBind ? await listen(new Hono().get('/metrics', metricsHandler({ db })).fetch, metricsBind.host, metricsBind.port) : undefined;
  if (metricsBind) log.info('metrics are served without a token on their own address', { host: metricsBind.host, port: metricsBind.port });
  scheduler = startScheduler(table, runner, log);
  const placement = startPlacementService({ config, db, log, runtime: runtime.placement, resolver: runtime.resolver(), owner });
  const reportMailbox = startReportMailbox({ config, db, log, resolver: runtime.resolver(), runtime: runtime.reports, afterPass: afterReports });
  log.info('inboxwatch is listening', { url, database: config.database });

  let closing: Promise<void> | undefined;
  return {
    url,
    close(graceMs = 10_000) {
      closing ??= (async () => {
        await scheduler?.stop();
        await runner.shutdown(graceMs);
        await placement.stop();
        // The mailbox first: a pass finishing now still evaluates, and alerts.stop() waits for what that sends.
        await reportMailbox?.stop();
        await alerts.stop();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        if (metricsServer) await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
        await owner.retire();
        await db.close();
        log.info('inboxwatch stopped');
      })();
      return closing;
    },
  };
}

function listen(fetch: (request: Request) => Response | Promise<Response>, hostname: string, port: number): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serveHttp({ fetch, hostname, port }, () => resolve(server));
    server.once('error', reject);
  });
}

/** "Run now" from the dashboard: starts the job and returns at once; the run shows up in the runs list. */
function triggerJob(table: readonly ScheduledJob[], runner: JobRunner, log: Logger, name: string): 'started' | 'busy' | 'unknown' {
  const entry = table.find((t) => t.job.name === name);
  if (!entry) return 'unknown';
  if (runner.running().includes(name)) return 'busy';
  runner.run(entry.job, 'api').catch((error: Error) => {
    if (!(error instanceof JobBusyError)) log.error('could not start job', { job: name, error: error.message });
  });
  return 'started';
}
