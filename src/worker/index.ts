import { channelSummaries } from '../alerts/channel-test.js';
import { digestJob } from '../alerts/job.js';
import { notificationPruner } from '../alerts/store.js';
import { ingestPruner } from '../ingest/prune.js';
import { createApp } from '../api/app.js';
import { redactConfig } from '../api/redact-config.js';
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
import { workerAlerts, type AlertBindings } from './alerts.js';
import { d1Sql, type D1Database } from './d1-store.js';
import { createDohResolver } from './doh-resolver.js';
import { createFetchPolicyFetcher } from './mta-sts-fetch.js';
import { tokensFromSecrets, type TokenSecrets } from './secret-tokens.js';

/** The bindings and secrets wrangler.toml and `wrangler secret put` give the Worker. */
export interface WorkerEnv extends TokenSecrets, AlertBindings {
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
      async import(name, bytes) {
        const outcome = await ingest({ db, log, resolver: resolverFor(config, env), limits: limitsOf(config.reports), now: Date.now }, { name, source: 'upload', bytes });
        // A stored report is a fact like a run's: a spoofing source it reveals alerts at once, as on serve.
        if (outcome.status === 'stored') await alertsAfterIntake(env);
        return [outcome];
      },
      maxUploadBytes: config.reports.limits.maxCompressed,
    },
    settings: redactConfig(config),
    channels: channelSummaries(config.alerts.channels),
    testChannel: (channel) => workerAlerts({ config, db, log, bindings: env, resolver: resolverFor(config, env) }).test(channel),
    // An agent's batch holds facts like a scheduled run's: the rules read them before the agent is answered.
    onIngested: () => alertsAfterIntake(env),
  });
  built = { version, app };
  return app;
}

/**
 * Runs every job whose configured schedule is this Cron Trigger's expression, evaluates the alert rules after
 * each, then sends what the outbox holds that is due — so every trigger also retries notifications that
 * failed in an earlier invocation.
 */
async function runScheduled(cron: string, env: WorkerEnv): Promise<void> {
  const log = workerLogger();
  const db = d1Sql(env.DB);
  const config = await currentConfig(db, env);
  const due = jobTable(config, workerJobsOnce()).filter((entry) => entry.schedule === cron);
  if (due.length === 0 && config.alerts.channels.length === 0) {
    log.warn('no job is scheduled for this Cron Trigger; match schedules in the pushed configuration to wrangler.toml', { cron });
    return;
  }
  if (due.length === 0) log.info('no job is scheduled for this Cron Trigger; it sends the alert notifications that are due', { cron });
  const alerts = workerAlerts({ config, db, log, bindings: env, resolver: resolverFor(config, env) });
  const owner = invocationOwner(`worker:${cron}:${Date.now()}:${crypto.randomUUID().slice(0, 8)}`);
  const runner = createJobRunner({ config, db, log, resolver: () => resolverFor(config, env), owner, afterRun: () => alerts.evaluate() });
  for (const { job } of due) {
    const outcome = await runner.run(job, 'schedule');
    log.info('scheduled run finished', { job: job.name, status: outcome.run.status });
  }
  await deliverAlerts(alerts, log);
}

/**
 * Alert evaluation after facts were stored outside a Cron Trigger (an agent's batch, an uploaded report): the
 * rules read them and what they queue is sent before the request is answered, since a Worker has no
 * background to send from afterwards. Never throws; failures are logged and the outbox keeps anything unsent
 * for the next Cron Trigger.
 */
async function alertsAfterIntake(env: WorkerEnv): Promise<void> {
  const log = workerLogger();
  try {
    const db = d1Sql(env.DB);
    const config = await currentConfig(db, env);
    const alerts = workerAlerts({ config, db, log, bindings: env, resolver: resolverFor(config, env) });
    await alerts.evaluate();
    await deliverAlerts(alerts, log);
  } catch (error) {
    log.error('alert evaluation after intake failed', { error: error instanceof Error ? error.message : String(error) });
  }
}

async function deliverAlerts(alerts: ReturnType<typeof workerAlerts>, log: Logger): Promise<void> {
  try {
    await alerts.deliver();
  } catch (error) {
    log.error('alert delivery failed', { error: error instanceof Error ? error.message : String(error) });
  }
}

function workerJobs(): Job[] {
  return [
    createHousekeepingJob({ pruners: [notificationPruner, ingestPruner] }),
    createAuditJob({ policyFetcher: createFetchPolicyFetcher, toolkit: createMailauthToolkit() }),
    createBlocklistsJob(),
    digestJob,
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
