import { notificationPruner } from '../alerts/store.js';
import { createApp } from '../api/app.js';
import { ingest } from '../reports/ingest.js';
import { limitsOf } from '../reports/limits.js';
import { configVersionRoutes } from '../api/routes/config-versions.js';
import { createAuditJob } from '../audit/job.js';
import { createBlocklistsJob } from '../blocklists/job.js';
import { parseConfigText } from '../config/parse.js';
import type { Config } from '../config/schema.js';
import { latestConfigVersion, latestConfigVersionId } from '../config/versions.js';
import { withCache } from '../dns/cache.js';
import { createHousekeepingJob } from '../jobs/housekeeping.js';
import { createJobRunner } from '../jobs/job-runner.js';
import { invocationOwner } from '../store/owners.js';
import { jobTable } from '../jobs/table.js';
import type { Job } from '../jobs/types.js';
import { createLogger, type Logger } from '../log.js';
import type { Sql } from '../store/sql.js';
import { createMailauthToolkit } from '../node/mailauth-audit.js';
import { d1Sql, type D1Database } from './d1-store.js';
import { createDohResolver } from './doh-resolver.js';
import { createFetchPolicyFetcher } from './mta-sts-fetch.js';
import { tokensFromSecrets, type TokenSecrets } from './secret-tokens.js';

/** The bindings and secrets wrangler.toml and `wrangler secret put` give the Worker. */
export interface WorkerEnv extends TokenSecrets {
  DB: D1Database;
  /** RFC 8484 endpoint every DNS question goes to; blocklists need one that is not a public resolver. */
  INBOXWATCH_DOH_URL?: string;
  INBOXWATCH_DQS_KEY?: string;
}

interface ScheduledController {
  cron: string;
}

interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}

const DEFAULT_DOH = 'https://cloudflare-dns.com/dns-query';

/**
 * The Workers composition root: the same API and jobs as `inboxwatch serve`, over D1, DNS over HTTPS and
 * the platform's fetch. Placement needs SMTP and IMAP sockets, so it runs on agents, not here.
 */
export default {
  async fetch(request: Request, env: WorkerEnv): Promise<Response> {
    return (await appFor(env)).fetch(request);
  },

  async scheduled(controller: ScheduledController, env: WorkerEnv, context: ExecutionContext): Promise<void> {
    context.waitUntil(runScheduled(controller.cron, env));
  },
};

type App = ReturnType<typeof createApp>;

// An isolate serves many requests: the app (its routes, the parsed configuration, mailauth's key cache)
// is built once per pushed configuration version, not per request.
let built: { version: number | undefined; app: App } | undefined;
let jobs: Job[] | undefined;

function workerJobsOnce(): Job[] {
  jobs ??= workerJobs();
  return jobs;
}

async function appFor(env: WorkerEnv): Promise<App> {
  const db = d1Sql(env.DB);
  const version = await latestConfigVersionId(db);
  if (built && built.version === version) return built.app;
  const log = workerLogger();
  const config = await currentConfig(db, env);
  const app = createApp({
    db,
    tokens: tokensFromSecrets(env),
    jobs: jobTable(config, workerJobsOnce()),
    log,
    runtimeRoutes: [{ path: '/config', routes: configVersionRoutes({ db, now: Date.now }) }],
    // Report files only: splitting a whole mail message needs the Node MIME reader.
    reports: {
      import: async (name, bytes) => [
        await ingest({ db, log, resolver: resolverFor(config, env), limits: limitsOf(config.reports), now: Date.now }, { name, source: 'upload', bytes }),
      ],
      maxUploadBytes: config.reports.limits.maxCompressed,
    },
  });
  built = { version, app };
  return app;
}

/** Runs every job whose configured schedule is this Cron Trigger's expression. */
async function runScheduled(cron: string, env: WorkerEnv): Promise<void> {
  const log = workerLogger();
  const db = d1Sql(env.DB);
  const config = await currentConfig(db, env);
  const due = jobTable(config, workerJobsOnce()).filter((entry) => entry.schedule === cron);
  if (due.length === 0) {
    log.warn('no job is scheduled for this Cron Trigger; match schedules in the pushed configuration to wrangler.toml', { cron });
    return;
  }
  const owner = invocationOwner(`worker:${cron}:${Date.now()}:${crypto.randomUUID().slice(0, 8)}`);
  const runner = createJobRunner({ config, db, log, resolver: () => resolverFor(config, env), owner });
  for (const { job } of due) {
    const outcome = await runner.run(job, 'schedule');
    log.info('scheduled run finished', { job: job.name, status: outcome.run.status });
  }
}

function workerJobs(): Job[] {
  return [
    createHousekeepingJob({ pruners: [notificationPruner] }),
    createAuditJob({ policyFetcher: createFetchPolicyFetcher, toolkit: createMailauthToolkit() }),
    createBlocklistsJob(),
  ];
}

function resolverFor(config: Config, env: WorkerEnv) {
  const endpoint = env.INBOXWATCH_DOH_URL ?? DEFAULT_DOH;
  return withCache(createDohResolver({ endpoint, timeoutMs: config.dns.timeoutMs, tries: config.dns.tries }), { maxTtlMs: config.dns.cacheMaxTtl });
}

/** The newest pushed configuration (an empty one before the first push), with the Worker's own secrets. */
async function currentConfig(db: Sql, env: WorkerEnv): Promise<Config> {
  const latest = await latestConfigVersion(db);
  const config = parseConfigText(latest?.yaml ?? '', latest ? `configuration version ${latest.id}` : 'empty configuration', {});
  return env.INBOXWATCH_DQS_KEY ? { ...config, blocklists: { ...config.blocklists, dqsKey: env.INBOXWATCH_DQS_KEY } } : config;
}

function workerLogger(): Logger {
  return createLogger({ json: true, write: (line) => console.log(line) });
}
